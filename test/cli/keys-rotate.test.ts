/**
 * `earshot keys rotate` (issue 15): --new puts a fresh key first in the key file; a plain rotate
 * re-seals every row with it, reporting progress, after which the old key is not needed.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Keyring } from '../../src/store/encryption/keyring.js';
import { openStore } from '../../src/store/store.js';
import { runCli } from '../helpers/cli.js';

const quiet = { info() {}, warn() {} };

test('keys rotate --new adds a key; keys rotate re-seals every row so the old key can go', async () => {
  const scratch = await mkdtemp(join(tmpdir(), 'earshot-rotate-'));
  const dataDir = join(scratch, 'data');
  const keyFile = join(scratch, 'config', 'keys.json');
  const env = { EARSHOT_KEY_FILE: keyFile, EARSHOT_ENCRYPTION_KEYS: '' };
  try {
    const before = await openStore({ dataDir }, { keyFile, logger: quiet, env: {} });
    const { projectId } = await before.createApiKey('rotating');
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await before.createTranscript({ projectId, audioKind: 'url', audioUrl: `https://a.example/${i}.mp3?token=t${i}`, webhookUrl: `https://hooks.example/${i}` })).id);
    await before.close();
    const oldKeys = JSON.parse(await readFile(keyFile, 'utf8')).keys;
    assert.equal(oldKeys.length, 1);

    const added = await runCli(['keys', 'rotate', '--new', '--data-dir', dataDir], { env });
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stdout, /Added key "k\d{8}-[0-9a-f]{6}" first in .*keys\.json.*Restart every Earshot process/s);
    const keys = JSON.parse(await readFile(keyFile, 'utf8')).keys;
    assert.equal(keys.length, 2);
    assert.equal(keys[1].id, oldKeys[0].id, 'the old key stays, second');

    const rotated = await runCli(['keys', 'rotate', '--data-dir', dataDir], { env });
    assert.equal(rotated.code, 0, rotated.stderr);
    assert.match(rotated.stderr, /re-encrypted 3 of 3 rows/);
    assert.match(rotated.stdout, new RegExp(`Re-encrypted 3 rows; every row is sealed with key "${keys[0].id}"`));
    const again = await runCli(['keys', 'rotate', '--data-dir', dataDir], { env });
    assert.match(again.stdout, /Re-encrypted 0 rows/);

    // The new key alone now opens every row, webhook URL included.
    const newOnly = new Keyring([{ id: keys[0].id, key: Buffer.from(keys[0].key, 'base64') }]);
    const after = await openStore({ dataDir }, { keyring: newOnly, logger: quiet });
    try {
      for (const [i, id] of ids.entries()) {
        const record = await after.getTranscript(projectId, id);
        assert.equal(record?.audioUrl, `https://a.example/${i}.mp3?token=t${i}`);
        assert.equal(record?.webhookUrl, `https://hooks.example/${i}`);
      }
    } finally {
      await after.close();
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
});
