import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { isEarshotError } from '../../src/errors.js';
import { envelopeKeyId } from '../../src/store/encryption/field-cipher.js';
import { Keyring } from '../../src/store/encryption/keyring.js';
import { describeBackends } from './backends.js';
import { completed, resultWith, transcriptInput } from './helpers.js';

const SEALED = ['audio_url', 'options', 'webhook_auth_header_value', 'result'] as const;
const asBuffer = (v: unknown) => Buffer.from(v as Uint8Array);

describeBackends('encrypted rows', (test) => {
  test('every text-bearing column is stored sealed with the current key, none in the clear', async (env) => {
    const store = await env.open();
    const { projectId } = await store.createApiKey('p');
    const t = await completed(store, projectId, 'confidential quarterly numbers');
    const [row] = await env.query<Record<string, unknown>>(`select ${SEALED.join(', ')}, key_id from transcripts where id = ?`, [t.id]);
    assert.equal(row.key_id, env.keyring.currentId);
    for (const column of SEALED) {
      const bytes = asBuffer(row[column]);
      assert.equal(envelopeKeyId(bytes), env.keyring.currentId, column);
      for (const secret of ['confidential', 'X-Amz-Signature', 'word_boost', 'hook-secret']) {
        assert.ok(!bytes.includes(Buffer.from(secret)), `${column} leaks ${secret}`);
      }
    }
  });

  test('a ciphertext altered in the database fails authentication instead of returning garbage', async (env) => {
    const store = await env.open();
    const { projectId } = await store.createApiKey('p');
    const t = await completed(store, projectId, 'original words');
    const [row] = await env.query<{ result: Uint8Array }>('select result from transcripts where id = ?', [t.id]);
    const tampered = asBuffer(row.result);
    tampered[tampered.length - 20] ^= 0xff;
    await env.query('update transcripts set result = ? where id = ?', [tampered, t.id]);
    await assert.rejects(
      store.getTranscript(projectId, t.id),
      (e) => isEarshotError(e, 'decryption_failed') && (e as Error).message.includes(`transcripts.result of row ${t.id}`),
    );
  });

  test('ciphertext copied to another row or column is refused (associated data binds it)', async (env) => {
    const store = await env.open();
    const { projectId } = await store.createApiKey('p');
    const a = await completed(store, projectId, 'words of A');
    const b = await completed(store, projectId, 'words of B');
    const [rowA] = await env.query<{ result: Uint8Array; options: Uint8Array }>('select result, options from transcripts where id = ?', [a.id]);

    await env.query('update transcripts set result = ? where id = ?', [asBuffer(rowA.result), b.id]);
    await assert.rejects(store.getTranscript(projectId, b.id), (e) => isEarshotError(e, 'decryption_failed'));

    await env.query('update transcripts set audio_url = ? where id = ?', [asBuffer(rowA.options), a.id]);
    await assert.rejects(store.getTranscript(projectId, a.id), (e) => isEarshotError(e, 'decryption_failed'));
  });

  test('key rotation: old rows stay readable under a new key, rotate re-seals them, then the old key can go', async (env) => {
    const k1 = env.keyring.entries()[0];
    const k2 = { id: 'k2', key: randomBytes(32) };
    const v1 = await env.open({ keyring: new Keyring([k1]) });
    const { projectId } = await v1.createApiKey('p');
    const done = await completed(v1, projectId, 'sealed with the first key');
    const running = await v1.createTranscript(transcriptInput(projectId));
    await v1.markProcessing(running.id);
    const queued = await v1.createTranscript(transcriptInput(projectId));
    await v1.close();

    const v2 = await env.open({ keyring: new Keyring([k2, k1]) });
    assert.equal((await v2.getTranscript(projectId, done.id))?.result?.text, 'sealed with the first key');
    const fresh = await v2.createTranscript(transcriptInput(projectId));
    // Completing a k1 row re-seals all of its columns, so one key id describes the row.
    await v2.completeTranscript(running.id, { result: resultWith('finished after rotation') });
    assert.deepEqual(await keyIds(env, [done.id, running.id, queued.id, fresh.id]), ['k1', 'k2', 'k1', 'k2']);
    await assertEnvelopesUse(env, running.id, 'k2');

    const withoutOld = await env.open({ keyring: new Keyring([k2]) });
    await assert.rejects(
      withoutOld.getTranscript(projectId, done.id),
      (e) => isEarshotError(e, 'encryption_key_missing') && (e as Error).message.includes('"k1"'),
    );
    await assert.rejects(withoutOld.rotateEncryption(), (e) => isEarshotError(e, 'encryption_key_missing'));

    assert.deepEqual(await v2.rotateEncryption({ batchSize: 1 }), { rotated: 2, currentKeyId: 'k2' });
    assert.deepEqual(await v2.rotateEncryption(), { rotated: 0, currentKeyId: 'k2' }, 'nothing left to do');
    assert.deepEqual(await keyIds(env, [done.id, running.id, queued.id, fresh.id]), ['k2', 'k2', 'k2', 'k2']);
    for (const id of [done.id, queued.id]) await assertEnvelopesUse(env, id, 'k2');
    await v2.close();

    const v3 = await env.open({ keyring: new Keyring([k2]) });
    assert.equal((await v3.getTranscript(projectId, done.id))?.result?.text, 'sealed with the first key');
    assert.equal((await v3.getJob(queued.id))?.webhookAuthHeaderValue, 'hook-secret');
    assert.equal((await v3.getTranscript(projectId, running.id))?.result?.text, 'finished after rotation');
    assert.equal((await v3.listTranscripts(projectId)).transcripts.length, 4);
  });
});

async function keyIds(env: { query: <T>(s: string, p?: unknown[]) => Promise<T[]> }, ids: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const id of ids) out.push((await env.query<{ key_id: string }>('select key_id from transcripts where id = ?', [id]))[0].key_id);
  return out;
}

async function assertEnvelopesUse(env: { query: <T>(s: string, p?: unknown[]) => Promise<T[]> }, id: string, keyId: string) {
  const [row] = await env.query<Record<string, unknown>>(`select ${SEALED.join(', ')} from transcripts where id = ?`, [id]);
  for (const column of SEALED) {
    if (row[column] !== null) assert.equal(envelopeKeyId(asBuffer(row[column])), keyId, `${column} of ${id}`);
  }
}
