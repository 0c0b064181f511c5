/**
 * `earshot serve` and `earshot keys` (issue 4 §1 and §5): the server prints its URL and, with no
 * key yet, how to create one; `keys create` prints a key once, which the running server accepts;
 * `keys list` never shows keys; `keys revoke` locks the key out.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { test } from 'node:test';

const run = promisify(execFile);
const ROOT = new URL('../../', import.meta.url).pathname;
const CLI = ['--import', 'tsx', join(ROOT, 'test/api/fixtures/cli.ts')];

const earshot = async (...args: string[]) => run(process.execPath, [...CLI, ...args], { cwd: ROOT, env: { ...process.env, EARSHOT_LOG_LEVEL: 'warn' } });

test('earshot serve, keys create, keys list, keys revoke', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'earshot-cli-'));
  const server = spawn(process.execPath, [...CLI, 'serve', '--port', '0', '--data-dir', dataDir, '--concurrency', '1'], {
    cwd: ROOT,
    env: { ...process.env, EARSHOT_LOG_LEVEL: 'warn', EARSHOT_API_KEYS: '', EARSHOT_AUTH_CACHE_MS: '300' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  server.stdout.on('data', (c) => (out += c));
  server.stderr.on('data', (c) => (out += c));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed:\n${out}`)), 30_000);
      server.stdout.on('data', () => {
        const match = /listening on (http:\/\/\S+)/.exec(out);
        if (match && /keys create/.test(out)) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      server.once('exit', (code) => reject(new Error(`serve exited with ${code}:\n${out}`)));
    });
    assert.match(out, /No API key exists yet/);
    assert.match(out, new RegExp(`earshot keys create --name \\S+ --data-dir ${dataDir}`));

    const created = await earshot('keys', 'create', '--name', 'ci-bot', '--data-dir', dataDir);
    const key = created.stdout.trim();
    assert.match(key, /^esk_[A-Za-z0-9_-]{40,}$/);
    assert.match(created.stderr, /shown only this once/);
    const ok = await fetch(`${url}/v2/transcript`, { headers: { authorization: key } });
    assert.equal(ok.status, 200);

    const list = await earshot('keys', 'list', '--data-dir', dataDir);
    assert.match(list.stdout, /ci-bot/);
    assert.match(list.stdout, /active/);
    assert.ok(!list.stdout.includes(key), 'keys list never prints a key');
    const listed = JSON.parse((await earshot('keys', 'list', '--json', '--data-dir', dataDir)).stdout);
    assert.equal(listed.length, 1);
    assert.equal(listed[0].name, 'ci-bot');
    assert.equal(listed[0].key, undefined);

    await earshot('keys', 'revoke', listed[0].id, '--data-dir', dataDir);
    // The server reuses a key lookup for EARSHOT_AUTH_CACHE_MS (300 ms here).
    await new Promise((r) => setTimeout(r, 350));
    const refused = await fetch(`${url}/v2/transcript`, { headers: { authorization: key } });
    assert.equal(refused.status, 401);
    await assert.rejects(earshot('keys', 'revoke', listed[0].id, '--data-dir', dataDir), /No active key/);

    const health = await fetch(`${url}/health`);
    assert.deepEqual(await health.json(), { status: 'ok', store: 'sqlite', jobs: 0 });
  } finally {
    const exited = new Promise((r) => server.once('exit', r));
    if (server.exitCode === null) server.kill('SIGINT');
    const code = await exited;
    await rm(dataDir, { recursive: true, force: true });
    assert.equal(code, 0, `serve exits cleanly on SIGINT:\n${out}`);
  }
});
