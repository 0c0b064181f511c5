/**
 * Issue 15 item 5 when scaled out: a project's webhook secret set through one `earshot api` signs
 * the deliveries a separate `earshot worker` makes, read from the database (no extra env).
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { SIGNATURE_HEADER, verifyWebhook } from '../../src/webhooks/signature.js';
import { librivoxClips } from '../helpers/librivox.js';
import { call, dumpOnFailure, startCluster, waitUntil } from './cluster.js';

const clip = librivoxClips().find((c) => c.id.endsWith('0880'))!;

async function signedReceiver() {
  const calls: { id: string; body: string; signature: string }[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      calls.push({ id: JSON.parse(body).transcript_id, body, signature: String(req.headers[SIGNATURE_HEADER]) });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    deliveryOf: (id: string) => waitUntil(`the webhook of ${id}`, async () => calls.find((c) => c.id === id), 90_000),
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

test("a worker signs a project's deliveries with the secret set through the api", async (t) => {
  const cluster = await startCluster(t);
  if (!cluster) return;
  const hooks = await signedReceiver();
  try {
    const [api] = await Promise.all([cluster.startApi(), cluster.startWorker()]);
    const transcribe = async () => {
      const up = await fetch(`${api.url}/v2/upload`, { method: 'POST', headers: { authorization: cluster.key }, body: await readFile(clip.path) });
      const created = await call(api.url, cluster.key, 'POST', '/v2/transcript', { audio_url: ((await up.json()) as any).upload_url, webhook_url: hooks.url });
      assert.equal(created.status, 200);
      return hooks.deliveryOf(created.json.id);
    };
    const installation = cluster.env.EARSHOT_WEBHOOK_SECRET;

    const before = await transcribe();
    assert.ok(verifyWebhook(installation, before.body, before.signature), 'the installation secret until one is set');

    const set = await call(api.url, cluster.key, 'POST', '/v2/webhook-secret');
    assert.equal(set.status, 200);
    const secret: string = set.json.webhook_secret;
    const after = await transcribe();
    assert.ok(verifyWebhook(secret, after.body, after.signature), "the worker signs with the project's secret");
    assert.equal(verifyWebhook(installation, after.body, after.signature), false);

    const rows = await cluster.query<{ webhook_secret: Buffer | null }>('select webhook_secret from projects');
    assert.ok(rows.some((r) => r.webhook_secret !== null), 'stored');
    assert.ok(rows.every((r) => !r.webhook_secret?.includes(secret)), 'sealed, never in the clear');
  } catch (err) {
    dumpOnFailure(cluster, err);
  } finally {
    await hooks.close();
    await cluster.close();
  }
});
