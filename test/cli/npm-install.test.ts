/**
 * The CLI as npm users get it (issue 20): `npm pack` ships only what the command needs (package.json
 * `files`), and `npm install -g` of that tarball into a clean prefix, from a clean directory, gives
 * an `earshot` that transcribes the sample, passes `doctor` and serves HTTP.
 *
 * Packs the checkout's dist/ as built by scripts/setup.sh (`npm test` runs it first); `--ignore-scripts`
 * skips the prepack build so this test never rewrites dist/ under other test files. The install
 * fetches every dependency through npm and builds better-sqlite3 (about 3 minutes on 2 busy cores).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
let scratch: string;
let tarball: string | undefined;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'], timeout: options.timeoutMs ?? 120_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started }));
  });
}

before(() => {
  scratch = mkdtempSync(join(tmpdir(), 'earshot-npm-'));
});
after(() => rmSync(scratch, { recursive: true, force: true }));

test('npm pack ships bin/, the built dist/ and the sample; no sources, tests, benchmarks or source maps', async () => {
  const packed = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', scratch], { cwd: ROOT });
  assert.equal(packed.code, 0, packed.stderr);
  const [info] = JSON.parse(packed.stdout) as { filename: string; size: number; files: { path: string }[] }[];
  const paths = info.files.map((f) => f.path);
  for (const needed of ['package.json', 'README.md', 'bin/earshot.js', 'dist/cli/main.js', 'dist/doctor/plan.js', 'samples/sense-and-sensibility.mp3', 'samples/README.md']) {
    assert.ok(paths.includes(needed), `${needed} is missing from the package (dist/ is built by scripts/setup.sh)`);
  }
  const unwanted = paths.filter((p) => /^(src|test|bench|eval|docs|deploy|scripts|\.ci|node_modules)\//.test(p) || p.endsWith('.map') || p.endsWith('.ts'));
  assert.deepEqual(unwanted, []);
  assert.ok(info.size < 2 * 1024 * 1024, `package is ${info.size} bytes`);
  tarball = join(scratch, info.filename);
});

test('npm install -g of the tarball: the installed earshot transcribes the sample, passes doctor and serves', async (t) => {
  assert.ok(tarball, 'the pack test ran first');
  const prefix = join(scratch, 'prefix');
  const home = join(scratch, 'user');
  mkdirSync(home);
  // onnxruntime-node's postinstall would download GPU builds from outside the npm registry; the CPU
  // build in its package is the one Earshot uses (the README's npm install line says the same).
  const install = await run('npm', ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', tarball], {
    cwd: home,
    env: { ONNXRUNTIME_NODE_INSTALL: 'skip' },
    timeoutMs: 480_000,
  });
  assert.equal(install.code, 0, install.stderr);
  t.diagnostic(`npm install -g took ${(install.ms / 1000).toFixed(0)} s`);
  const earshot = join(prefix, 'bin', 'earshot');
  const sample = join(prefix, 'lib', 'node_modules', 'earshot', 'samples', 'sense-and-sensibility.mp3');
  // The installed command runs from the clean directory, with its data dir there.
  const env = { EARSHOT_DATA_DIR: join(home, 'data') };

  const transcribed = await run(earshot, ['transcribe', sample, '--format', 'timestamps'], { cwd: home, env });
  assert.equal(transcribed.code, 0, transcribed.stderr);
  assert.match(transcribed.stdout, /^00:00:00 Had he married a more amiable woman/);
  t.diagnostic(`installed earshot transcribe: ${transcribed.ms} ms`);

  const doctor = await run(earshot, ['doctor'], { cwd: home, env });
  assert.equal(doctor.code, 0, doctor.stdout + doctor.stderr);
  assert.match(doctor.stdout, /^ok {3}engine pocketsphinx +ready/m);
  assert.match(doctor.stdout, /all checks passed/);

  const server = spawn(earshot, ['serve', '--port', '0'], { cwd: home, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    let output = '';
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`serve did not start within 60 s:\n${output}`)), 60_000);
      const onData = (d: Buffer) => {
        output += d;
        const found = /listening on (http:\/\/\S+)/.exec(output);
        if (found) {
          clearTimeout(timer);
          resolve(found[1]);
        }
      };
      server.stdout.on('data', onData);
      server.stderr.on('data', onData);
      server.on('exit', (code) => reject(new Error(`serve exited with ${code}:\n${output}`)));
    });
    const health = await fetch(`${url}/healthz`);
    assert.equal(health.status, 200, await health.text());
    const docs = await fetch(`${url}/openapi.json`);
    assert.equal(docs.status, 200);
    assert.equal(((await docs.json()) as { openapi?: string }).openapi?.startsWith('3'), true);
  } finally {
    const exited = new Promise((r) => server.once('close', r));
    server.kill('SIGTERM');
    await exited;
  }
});
