/**
 * `earshot doctor` breaks one dependency per run and checks the line that names it, its fix and the
 * exit code; every other check of that run must pass, so the failure is the one we caused.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { runCli, type CliResult } from '../helpers/cli.js';
import { postgresUrlOrSkip } from '../store/backends.js';
import { redisUrlOrSkip } from '../scale/cluster.js';

let scratch: string;
let dataDir: string;
let certA: string;
let keyA: string;
let keyB: string;

function selfSigned(name: string): { cert: string; key: string } {
  const cert = join(scratch, `${name}.crt`);
  const key = join(scratch, `${name}.key`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '30', '-subj', `/CN=${name}.test`], { stdio: 'ignore' });
  return { cert, key };
}

before(() => {
  scratch = mkdtempSync(join(tmpdir(), 'earshot-doctor-'));
  dataDir = join(scratch, 'data');
  const a = selfSigned('a');
  const b = selfSigned('b');
  certA = a.cert;
  keyA = a.key;
  keyB = b.key;
});
after(() => rmSync(scratch, { recursive: true, force: true }));

/** A port nothing listens on: bound by us a moment ago, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** A host that accepts connections and never answers: what a hung database looks like. */
async function silentServer(): Promise<{ port: number; server: Server; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  const server = createServer((s) => void sockets.push(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as { port: number }).port, server, sockets };
}

const doctor = (args: string[], env?: NodeJS.ProcessEnv): Promise<CliResult> => runCli(['doctor', '--data-dir', dataDir, ...args], { env });

function line(result: CliResult, name: string): string {
  const found = result.stdout.split('\n').find((l) => l.slice(5).startsWith(name + ' '));
  assert.ok(found, `no "${name}" line in:\n${result.stdout}\n${result.stderr}`);
  return found;
}

function failedLines(result: CliResult): string[] {
  return result.stdout.split('\n').filter((l) => l.startsWith('FAIL'));
}

test('a healthy machine: every check passes, the TLS pair and the port are checked, exit 0', async () => {
  const port = await closedPort();
  const result = await doctor(['--tls-cert', certA, '--tls-key', keyA, '--port', String(port)]);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.deepEqual(failedLines(result), []);
  assert.match(line(result, 'node'), /^ok {3}node +Node \d+\.\d+\.\d+$/);
  assert.match(line(result, 'ffmpeg'), /^ok {3}ffmpeg +ffmpeg \S+/);
  assert.match(line(result, 'engine pocketsphinx'), /^ok {3}.*ready \(model en-us\)/);
  assert.match(line(result, 'data dir'), new RegExp(`^ok {3}data dir +${dataDir} \\(does not exist yet; ${scratch} does\\), writable, [\\d.]+ (GiB|MiB) free`));
  assert.match(line(result, 'tls'), /^ok {3}tls +.*a\.crt \(CN=a\.test\) matches its key/);
  assert.match(line(result, 'port'), new RegExp(`^ok {3}port +127\\.0\\.0\\.1:${port} is free`));
  assert.match(result.stdout, /all checks passed/);
});

test('PATH without ffmpeg: the ffmpeg line fails with the install command, exit 1', async () => {
  const emptyBin = join(scratch, 'empty-bin');
  execFileSync('mkdir', ['-p', emptyBin]);
  const result = await doctor([], { PATH: emptyBin });
  assert.equal(result.code, 1, result.stdout + result.stderr);
  assert.deepEqual(failedLines(result), [line(result, 'ffmpeg')]);
  assert.match(line(result, 'ffmpeg'), /"ffmpeg" was not found on PATH — fix: sudo apt-get install ffmpeg/);
  assert.match(result.stdout, /1 check failed/);
});

test('a data dir that cannot be created (its parent is a regular file): the data dir line fails, exit 1', async () => {
  // Tests run as root, for whom permission bits never refuse a write; a path under a regular file
  // is refused for everyone. What this proves: an unusable data dir is found before serve starts.
  const blocker = join(scratch, 'not-a-dir');
  writeFileSync(blocker, 'x');
  const result = await runCli(['doctor', '--data-dir', join(blocker, 'data')]);
  assert.equal(result.code, 1, result.stdout + result.stderr);
  assert.match(line(result, 'data dir'), new RegExp(`^FAIL data dir +${blocker}/data cannot be created: ${blocker} is a file, not a directory — fix: remove or rename`));
  // The key file lives in the data dir too, so its line may fail with it; nothing else may.
  for (const l of failedLines(result)) assert.match(l, /^FAIL (data dir|encryption key) /);
});

test('a data dir without write permission fails for a user who is not root', async (t) => {
  if (process.getuid?.() === 0) return t.skip('running as root: permission bits do not refuse root (see the test above)');
  const locked = join(scratch, 'locked');
  execFileSync('mkdir', ['-m', '555', locked]);
  const result = await runCli(['doctor', '--data-dir', locked]);
  assert.equal(result.code, 1);
  assert.match(line(result, 'data dir'), /is not writable \(EACCES\)/);
});

test('a damaged key file fails the encryption key line with a fix; a bad EARSHOT_ENCRYPTION_KEYS too', async () => {
  const dir = join(scratch, 'damaged');
  execFileSync('mkdir', ['-p', dir]);
  const keyFile = join(scratch, 'damaged-keys.json');
  writeFileSync(keyFile, '{"keys": [', { mode: 0o600 });
  const [file, env] = await Promise.all([
    runCli(['doctor', '--data-dir', dir], { env: { EARSHOT_KEY_FILE: keyFile } }),
    doctor([], { EARSHOT_ENCRYPTION_KEYS: 'k1:tooshort' }),
  ]);
  assert.equal(file.code, 1, file.stdout + file.stderr);
  assert.deepEqual(failedLines(file), [line(file, 'encryption key')]);
  assert.match(line(file, 'encryption key'), new RegExp(`^FAIL encryption key +${keyFile} is not valid JSON — fix: restore`));
  assert.equal(env.code, 1, env.stdout + env.stderr);
  assert.match(line(env, 'encryption key'), /^FAIL encryption key .*EARSHOT_ENCRYPTION_KEYS.* — fix: set EARSHOT_ENCRYPTION_KEYS=id:base64key/);
});

test('a keys.json in the data directory (an older install) fails with the command that moves it', async () => {
  const dir = join(scratch, 'legacy');
  execFileSync('mkdir', ['-p', dir]);
  writeFileSync(join(dir, 'keys.json'), '{"keys": []}', { mode: 0o600 });
  const keyFile = join(scratch, 'config', 'earshot', 'keys.json');
  const result = await runCli(['doctor', '--data-dir', dir], { env: { EARSHOT_KEY_FILE: keyFile } });
  assert.equal(result.code, 1, result.stdout + result.stderr);
  assert.match(line(result, 'encryption key'), new RegExp(`^FAIL encryption key +${dir}/keys.json holds the encryption key inside the data directory.* — fix: mkdir -p -m 700 ${join(scratch, 'config', 'earshot')} && mv ${dir}/keys.json ${keyFile}`));
  const inside = await runCli(['doctor', '--data-dir', dir], { env: { EARSHOT_KEY_FILE: join(dir, 'sub', 'k.json') } });
  assert.match(line(inside, 'encryption key'), /^FAIL encryption key .* is inside the data directory .* — fix: set EARSHOT_KEY_FILE to a path outside/);
});

test('a database URL on a closed port: the database line fails with the refusal, exit 1', async () => {
  const port = await closedPort();
  const result = await doctor(['--database', `postgres://earshot:secret@127.0.0.1:${port}/earshot`]);
  assert.equal(result.code, 1, result.stdout + result.stderr);
  assert.deepEqual(failedLines(result), [line(result, 'database')]);
  const db = line(result, 'database');
  assert.match(db, new RegExp(`127\\.0\\.0\\.1:${port}.*ECONNREFUSED.* — fix: start Postgres or correct --database`));
  assert.doesNotMatch(db, /secret/, 'the password is not printed');
});

test('a database that accepts and never answers fails after --timeout instead of hanging', async () => {
  const silent = await silentServer();
  try {
    const started = Date.now();
    const result = await doctor(['--database', `postgres://earshot@127.0.0.1:${silent.port}/earshot`, '--timeout', '1500']);
    const elapsed = Date.now() - started;
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.match(line(result, 'database'), /^FAIL database +.*(timeout|no answer within 1\.5 s)/i);
    assert.ok(silent.sockets.length >= 1, 'doctor did connect to the silent server');
    // Start-up of the CLI from source takes a few seconds on a loaded machine; the check itself 1.5 s.
    assert.ok(elapsed < 30_000, `took ${elapsed} ms`);
  } finally {
    for (const s of silent.sockets) s.destroy();
    silent.server.close();
  }
});

test('a mismatched TLS pair: the tls line says the key is not the certificate\'s, exit 1', async () => {
  const result = await doctor(['--tls-cert', certA, '--tls-key', keyB]);
  assert.equal(result.code, 1, result.stdout + result.stderr);
  assert.deepEqual(failedLines(result), [line(result, 'tls')]);
  assert.match(line(result, 'tls'), new RegExp(`^FAIL tls +${keyB} is not the private key of ${certA} \\(CN=a\\.test\\) — fix: `));
});

test('a port already in use and a Redis on a closed port each fail their line', async () => {
  const busy = createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
  const port = (busy.address() as { port: number }).port;
  const redisPort = await closedPort();
  try {
    const result = await doctor(['--port', String(port), '--redis', `redis://127.0.0.1:${redisPort}`]);
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.match(line(result, 'port'), new RegExp(`^FAIL port +127\\.0\\.0\\.1:${port} is already in use — fix: `));
    assert.match(line(result, 'redis'), /^FAIL redis +.*ECONNREFUSED.* — fix: start Redis/);
    assert.equal(failedLines(result).length, 2);
  } finally {
    busy.close();
  }
});

test('a reachable Postgres and Redis pass (the settings serve and api would use)', async (t) => {
  const pgUrl = await postgresUrlOrSkip(t);
  if (!pgUrl) return;
  const redisUrl = await redisUrlOrSkip(t);
  if (!redisUrl) return;
  const result = await doctor([], { EARSHOT_DATABASE_URL: pgUrl, EARSHOT_REDIS_URL: redisUrl });
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.match(line(result, 'database'), /^ok {3}database +.* answers \(Postgres \d+/);
  assert.match(line(result, 'redis'), /^ok {3}redis +.* answers PONG/);
});
