/**
 * Per-project webhook signing secrets in both real backends (issue 15 item 5): stored sealed on
 * the project row, scoped to it, replaced by a rotation, and re-sealed by key rotation.
 */
import assert from 'node:assert/strict';
import { Keyring } from '../../src/store/encryption/keyring.js';
import { envelopeKeyId } from '../../src/store/encryption/field-cipher.js';
import { describeBackends } from './backends.js';

describeBackends('project webhook secrets', (test) => {
  test('set, read back, scoped to the project, sealed at rest, replaced on rotation', async (env) => {
    const store = await env.open();
    const a = await store.createApiKey('a');
    const b = await store.createApiKey('b');
    assert.equal(await store.projectWebhookSecret(a.projectId), null, 'none until asked for');
    const first = await store.rotateProjectWebhookSecret(a.projectId);
    assert.equal(await store.projectWebhookSecret(a.projectId), first.secret);
    assert.equal(await store.projectWebhookSecret(b.projectId), null, 'another project keeps the installation secret');
    const [row] = await env.query<{ webhook_secret: Uint8Array }>('select webhook_secret from projects where id = ?', [a.projectId]);
    assert.equal(Buffer.from(row.webhook_secret).includes(first.secret), false, 'nothing in the clear');
    const second = await store.rotateProjectWebhookSecret(a.projectId);
    assert.notEqual(second.secret, first.secret);
    assert.equal(await store.projectWebhookSecret(a.projectId), second.secret);
  });

  test('key rotation re-seals the secret with the new key', async (env) => {
    const store = await env.open();
    const a = await store.createApiKey('a');
    const { secret } = await store.rotateProjectWebhookSecret(a.projectId);
    await store.close();

    const rotated = new Keyring([{ id: 'next', key: Buffer.alloc(32, 7) }, ...env.keyring.entries()]);
    const reopened = await env.open({ keyring: rotated });
    assert.ok((await reopened.rotateEncryption()).rotated >= 1);
    const [row] = await env.query<{ webhook_secret: Uint8Array }>('select webhook_secret from projects where id = ?', [a.projectId]);
    assert.equal(envelopeKeyId(row.webhook_secret), 'next');
    await reopened.close();

    const onlyNew = await env.open({ keyring: new Keyring([{ id: 'next', key: Buffer.alloc(32, 7) }]) });
    assert.equal(await onlyNew.projectWebhookSecret(a.projectId), secret, 'readable once the old key is gone');
  });
});
