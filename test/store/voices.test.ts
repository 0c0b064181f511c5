/**
 * Enrolled voices in both real backends (issue 14 item 4): per-project scope, sealed columns
 * read straight from the database, delete for good, and key rotation re-sealing them.
 */
import assert from 'node:assert/strict';
import { Keyring } from '../../src/store/encryption/keyring.js';
import { describeBackends } from './backends.js';

const voiceprint = { kind: 'mfcc12-gauss-pitch/1', frames: 420, moments: [1, 0.25, -3.5], pitch: 6.7 };

describeBackends('voices', (test) => {
  test('create, read, list and delete, scoped to the project', async (env) => {
    const store = await env.open();
    const a = await store.createApiKey('a');
    const b = await store.createApiKey('b');
    const voice = await store.createVoice({ projectId: a.projectId, name: 'Grace Hopper', kind: voiceprint.kind, voiceprint, speechSeconds: 4.2 });
    assert.equal((await store.getVoice(a.projectId, voice.id))?.name, 'Grace Hopper');
    assert.equal(await store.getVoice(b.projectId, voice.id), null, "another project's voice is not found");
    assert.deepEqual((await store.listVoices(b.projectId)).length, 0);
    assert.deepEqual(await store.voicesWithPrints(a.projectId, [voice.id, 'missing']), [{ ...voice, voiceprint }]);
    assert.deepEqual(await store.voicesWithPrints(b.projectId, [voice.id]), []);
    assert.equal(await store.deleteVoice(b.projectId, voice.id), false);
    assert.equal(await store.deleteVoice(a.projectId, voice.id), true);
    assert.equal(await store.getVoice(a.projectId, voice.id), null);
    assert.equal((await env.query('select id from voices')).length, 0, 'the row is gone, not a tombstone');
  });

  test('name and voiceprint are sealed; rotation re-seals them with the new key', async (env) => {
    const store = await env.open();
    const key = await store.createApiKey('a');
    const voice = await store.createVoice({ projectId: key.projectId, name: 'Grace Hopper', kind: voiceprint.kind, voiceprint, speechSeconds: 4.2 });
    const [row] = await env.query<{ name: Uint8Array; voiceprint: Uint8Array; key_id: string }>('select name, voiceprint, key_id from voices where id = ?', [voice.id]);
    for (const sealed of [row.name, row.voiceprint]) {
      const bytes = Buffer.from(sealed);
      assert.ok(!bytes.includes('Grace') && !bytes.includes('moments') && !bytes.includes('0.25'), 'nothing in the clear');
    }
    await store.close();

    const rotated = new Keyring([{ id: 'next', key: Buffer.alloc(32, 7) }, ...env.keyring.entries()]);
    const reopened = await env.open({ keyring: rotated });
    assert.ok((await reopened.rotateEncryption()).rotated >= 1);
    const [after] = await env.query<{ key_id: string }>('select key_id from voices where id = ?', [voice.id]);
    assert.equal(after.key_id, 'next');
    assert.notEqual(row.key_id, 'next');
    assert.equal((await reopened.getVoice(key.projectId, voice.id))?.name, 'Grace Hopper');
  });
});
