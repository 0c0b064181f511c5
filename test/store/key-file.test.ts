import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { isEarshotError } from '../../src/errors.js';
import { addKeyToFile, loadKeyring } from '../../src/store/encryption/key-file.js';
import { openStore } from '../../src/store/store.js';
import { recordingLogger, silentLogger } from './backends.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'earshot-keys-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('without a configured key, keys.json is created with mode 0600 and a log line says so', async () => {
  const logger = recordingLogger();
  const ring = await loadKeyring({ env: {}, dataDir: dir, logger });
  const path = join(dir, 'keys.json');
  assert.equal((await stat(path)).mode & 0o777, 0o600);
  const json = JSON.parse(await readFile(path, 'utf8'));
  assert.equal(json.keys.length, 1);
  assert.equal(json.keys[0].id, ring.currentId);
  assert.equal(Buffer.from(json.keys[0].key, 'base64').length, 32);
  assert.equal(logger.lines.length, 1);
  assert.match(logger.lines[0], /^info: no encryption key configured: created .*keys\.json \(mode 600\)/);
  assert.ok(!logger.lines[0].includes(json.keys[0].key), 'the log never shows the key');

  const again = await loadKeyring({ env: {}, dataDir: dir, logger });
  assert.deepEqual(again.entries(), ring.entries(), 'the next start reuses the same key');
  assert.equal(logger.lines.length, 1, 'and says nothing');
});

test('processes starting together agree on one key', async () => {
  const rings = await Promise.all([1, 2, 3, 4].map(() => loadKeyring({ env: {}, dataDir: dir, logger: silentLogger })));
  assert.equal(new Set(rings.map((r) => r.entries()[0].key.toString('hex'))).size, 1);
});

test('EARSHOT_ENCRYPTION_KEYS wins over keys.json; without either and no data dir, opening fails', async () => {
  const key = randomBytes(32);
  const ring = await loadKeyring({ env: { EARSHOT_ENCRYPTION_KEYS: `env1:${key.toString('base64')}` }, dataDir: dir, logger: silentLogger });
  assert.equal(ring.currentId, 'env1');
  await assert.rejects(stat(join(dir, 'keys.json')), 'no key file is written when the env var is set');
  await assert.rejects(loadKeyring({ env: {}, logger: silentLogger }), (e) => isEarshotError(e, 'config_invalid') && /EARSHOT_ENCRYPTION_KEYS/.test((e as Error).message));
  await assert.rejects(
    openStore('postgres://postgres@127.0.0.1:5432/test', { env: {}, logger: silentLogger }),
    (e) => isEarshotError(e, 'config_invalid'),
  );
});

test('addKeyToFile puts a new current key in front and keeps the old one for reading', async () => {
  const first = await loadKeyring({ env: {}, dataDir: dir, logger: silentLogger });
  const added = await addKeyToFile(join(dir, 'keys.json'));
  const ring = await loadKeyring({ env: {}, dataDir: dir, logger: silentLogger });
  assert.deepEqual(ring.ids, [added.id, first.currentId]);
  assert.equal((await stat(join(dir, 'keys.json'))).mode & 0o777, 0o600);
});

test('a key file readable by others draws a warning; a malformed one is a config error', async () => {
  await loadKeyring({ env: {}, dataDir: dir, logger: silentLogger });
  await chmod(join(dir, 'keys.json'), 0o644);
  const logger = recordingLogger();
  await loadKeyring({ env: {}, dataDir: dir, logger });
  assert.ok(logger.lines.some((l) => l.startsWith('warn:') && l.includes('chmod 600')));

  await writeFile(join(dir, 'keys.json'), '{"keys": "nope"}');
  await assert.rejects(loadKeyring({ env: {}, dataDir: dir, logger: silentLogger }), (e) => isEarshotError(e, 'config_invalid'));
});

test('openStore({ dataDir }) keeps earshot.db and keys.json there and reads its data back after a restart', async () => {
  const logger = recordingLogger();
  const store = await openStore({ dataDir: dir }, { env: {}, logger });
  const { projectId } = await store.createApiKey('p');
  const t = await store.createTranscript({ projectId, audioKind: 'url', audioUrl: 'https://a.example/x.mp3' });
  await store.close();
  await store.close();
  assert.ok((await stat(join(dir, 'earshot.db'))).size > 0);
  assert.ok(logger.lines.some((l) => l.includes('keys.json')));

  const reopened = await openStore(`sqlite://${join(dir, 'earshot.db')}`, { env: {}, logger: silentLogger });
  try {
    assert.equal((await reopened.getTranscript(projectId, t.id))?.audioUrl, 'https://a.example/x.mp3', 'the URL form finds keys.json beside the file');
  } finally {
    await reopened.close();
  }
});

test('store URLs other than sqlite:///absolute and postgres:// are refused', async () => {
  for (const url of ['sqlite://relative.db', 'sqlite:///', 'mysql://localhost/db', '/just/a/path.db']) {
    await assert.rejects(openStore(url, { env: {}, logger: silentLogger }), (e) => isEarshotError(e, 'config_invalid'), url);
  }
});

test('separate processes creating the key file at once all read one complete key', async () => {
  // Only separate processes interleave their file calls freely; a reader must never see the file half-written.
  const script = `
    import { loadKeyring } from ${JSON.stringify(new URL('../../src/store/encryption/key-file.ts', import.meta.url).href)};
    const ring = await loadKeyring({ env: {}, keyFile: process.argv[1], logger: { info() {}, warn() {} } });
    console.log(ring.entries()[0].id);`;
  const keyFile = join(dir, 'config', 'keys.json');
  const ids = await Promise.all(
    Array.from({ length: 6 }, () =>
      new Promise<string>((resolve, reject) => {
        execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, keyFile], (err, stdout, stderr) =>
          err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout.trim()),
        );
      }),
    ),
  );
  assert.equal(new Set(ids).size, 1, `every process reads the same key, got ${ids.join(', ')}`);
  assert.deepEqual((await readdir(join(dir, 'config'))).sort(), ['keys.json'], 'no temporary file is left behind');
});
