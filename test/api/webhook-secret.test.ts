/**
 * Per-project webhook signing secrets (issue 15 item 5): POST /v2/webhook-secret shows a fresh
 * secret once; that project's deliveries are signed with it from then on, other projects keep the
 * installation secret, the database holds it only sealed, and a second POST rotates it.
 */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { WEBHOOK_SECRET_FILE } from '../../src/app.js';
import { SIGNATURE_HEADER, verifyWebhook } from '../../src/webhooks/signature.js';
import { startTestServer, type TestServer } from '../helpers/earshot-server.js';
import { librivoxClips } from '../helpers/librivox.js';

const clipPath = librivoxClips().find((c) => c.id.endsWith('0880'))!.path;

interface Delivery {
  body: string;
  signature: string;
}

/** Records each POST by the transcript id in its body. */
async function receiver() {
  const calls = new Map<string, Delivery>();
  const waiters = new Map<string, (d: Delivery) => void>();
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const delivery = { body, signature: String(req.headers[SIGNATURE_HEADER]) };
      const id = JSON.parse(body).transcript_id as string;
      calls.set(id, delivery);
      waiters.get(id)?.(delivery);
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  const deliveryOf = (id: string) =>
    calls.get(id) ??
    new Promise<Delivery>((resolve, reject) => {
      waiters.set(id, resolve);
      setTimeout(() => reject(new Error(`no webhook for ${id}`)), 120_000).unref();
    });
  return { url, deliveryOf, close: () => new Promise<void>((r) => server.close(() => r())) };
}

async function transcribeWithHook(s: TestServer, key: string, hookUrl: string): Promise<string> {
  const up = await s.call('POST', '/v2/upload', { key, raw: await readFile(clipPath), headers: { 'content-type': 'application/octet-stream' } });
  assert.equal(up.status, 200, up.text);
  const created = await s.call('POST', '/v2/transcript', { key, body: { audio_url: up.json.upload_url, webhook_url: hookUrl } });
  assert.equal(created.status, 200, created.text);
  return created.json.id;
}

/** Every file of the data directory (database, WAL, uploads) as one buffer. */
async function dataDirBytes(dir: string): Promise<Buffer> {
  const names = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = names.filter((d) => d.isFile()).map((d) => join(d.parentPath, d.name));
  return Buffer.concat(await Promise.all(files.map((f) => readFile(f))));
}

test("a project's own webhook secret signs its deliveries, is shown once, stored sealed, and rotates", async () => {
  const s = await startTestServer({ allowPrivateUrls: true });
  const hook = await receiver();
  try {
    const installation = (await readFile(join(s.dataDir, WEBHOOK_SECRET_FILE), 'utf8')).trim();
    const signedWith = (secret: string, d: Delivery) => verifyWebhook(secret, d.body, d.signature);

    // Before: the installation secret signs project A's deliveries.
    const before = await hook.deliveryOf(await transcribeWithHook(s, s.keyA, hook.url));
    assert.ok(signedWith(installation, before), 'signed with the installation secret');

    const first = await s.call('POST', '/v2/webhook-secret', { key: s.keyA });
    assert.equal(first.status, 200, first.text);
    const secret1: string = first.json.webhook_secret;
    assert.match(secret1, /^[A-Za-z0-9_-]{43}$/, '32 random bytes, base64url');
    assert.ok(!Number.isNaN(Date.parse(first.json.created)));
    assert.equal(first.headers.get('cache-control'), 'no-store');
    assert.equal((await s.call('POST', '/v2/webhook-secret', { key: null })).status, 401);

    // After: project A's deliveries verify with its secret only; project B's are unchanged.
    const idA = await transcribeWithHook(s, s.keyA, hook.url);
    const idB = await transcribeWithHook(s, s.keyB, hook.url);
    const [afterA, afterB] = await Promise.all([hook.deliveryOf(idA), hook.deliveryOf(idB)]);
    assert.ok(signedWith(secret1, afterA), "signed with the project's secret");
    assert.equal(signedWith(installation, afterA), false, 'no longer with the installation secret');
    assert.ok(signedWith(installation, afterB), "another project's deliveries keep the installation secret");
    assert.equal(signedWith(secret1, afterB), false);
    assert.match(afterA.signature, /^t=\d+,v1=[0-9a-f]{64}$/, 'header format unchanged');

    // Never readable again through the API, and only sealed at rest.
    const shown = await s.call('GET', `/v2/transcript/${idA}`, { key: s.keyA });
    assert.equal(shown.text.includes(secret1), false);
    await s.server.close();
    const stored = await dataDirBytes(s.dataDir);
    assert.ok(stored.length > 0);
    assert.equal(stored.includes(Buffer.from(secret1)), false, 'the database holds no plaintext secret');
  } finally {
    await hook.close();
    await s.close();
  }
});

test('a second POST /v2/webhook-secret rotates: the old secret stops verifying', async () => {
  const s = await startTestServer({ allowPrivateUrls: true });
  const hook = await receiver();
  try {
    const secret1 = (await s.call('POST', '/v2/webhook-secret', { key: s.keyA })).json.webhook_secret as string;
    const second = await s.call('POST', '/v2/webhook-secret', { key: s.keyA });
    assert.equal(second.status, 200, second.text);
    const secret2: string = second.json.webhook_secret;
    assert.notEqual(secret2, secret1);
    const d = await hook.deliveryOf(await transcribeWithHook(s, s.keyA, hook.url));
    assert.ok(verifyWebhook(secret2, d.body, d.signature), 'signed with the new secret');
    assert.equal(verifyWebhook(secret1, d.body, d.signature), false, 'the old secret no longer verifies');
  } finally {
    await hook.close();
    await s.close();
  }
});
