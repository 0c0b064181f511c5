import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebhookSender, type DeliveryAttempt } from '../../src/webhooks/sender.js';
import { SIGNATURE_HEADER, signWebhook, verifyWebhook } from '../../src/webhooks/signature.js';

const SECRET = 'test-secret';

async function receiver(failFirst: number) {
  const calls: { headers: IncomingHttpHeaders; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      calls.push({ headers: req.headers, body });
      res.statusCode = calls.length <= failFirst ? 503 : 200;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { calls, url, close: () => new Promise<void>((r) => server.close(() => r())) };
}

test('retries with backoff until the receiver recovers, signing every call', async () => {
  const hook = await receiver(2);
  const attempts: DeliveryAttempt[] = [];
  const sender = new WebhookSender({
    secret: SECRET,
    baseDelayMs: 20,
    allowPrivateNetworks: true,
    onAttempt: (_id, a) => void attempts.push(a),
  });
  sender.send('t-1', 'completed', { url: hook.url, authHeaderName: 'x-team-auth', authHeaderValue: 'sesame' });
  await sender.drain();
  await hook.close();
  assert.equal(hook.calls.length, 3);
  assert.deepEqual(attempts.map((a) => a.statusCode), [503, 503, 200]);
  assert.deepEqual(attempts.map((a) => a.error), ['HTTP 503', 'HTTP 503', null]);
  for (const call of hook.calls) {
    assert.deepEqual(JSON.parse(call.body), { transcript_id: 't-1', status: 'completed' });
    assert.equal(call.headers['x-team-auth'], 'sesame');
    assert.ok(verifyWebhook(SECRET, call.body, String(call.headers[SIGNATURE_HEADER])));
    assert.equal(verifyWebhook('other-secret', call.body, String(call.headers[SIGNATURE_HEADER])), false);
    assert.equal(verifyWebhook(SECRET, call.body.replace('completed', 'error'), String(call.headers[SIGNATURE_HEADER])), false);
  }
});

test('gives up after the last attempt and logs each failure', async () => {
  const hook = await receiver(100);
  const attempts: DeliveryAttempt[] = [];
  const sender = new WebhookSender({ secret: SECRET, maxAttempts: 3, baseDelayMs: 5, allowPrivateNetworks: true, onAttempt: (_id, a) => void attempts.push(a) });
  sender.send('t-2', 'error', { url: hook.url });
  await sender.drain();
  await hook.close();
  assert.equal(hook.calls.length, 3);
  assert.deepEqual(attempts.map((a) => a.attempt), [1, 2, 3]);
});

test('a receiver on a private network is refused unless allowed, without a request', async () => {
  const hook = await receiver(0);
  const attempts: DeliveryAttempt[] = [];
  const sender = new WebhookSender({ secret: SECRET, maxAttempts: 1, onAttempt: (_id, a) => void attempts.push(a) });
  sender.send('t-3', 'completed', { url: hook.url });
  await sender.drain();
  await hook.close();
  assert.equal(hook.calls.length, 0);
  assert.equal(attempts.length, 1);
  assert.match(attempts[0].error ?? '', /loopback|private/i);
});

test('a correctly signed but old call is refused (replay)', () => {
  const body = '{"transcript_id":"x","status":"completed"}';
  const hourAgo = Math.floor(Date.now() / 1000) - 3600;
  const header = signWebhook(SECRET, body, hourAgo);
  assert.equal(verifyWebhook(SECRET, body, header), false);
  assert.equal(verifyWebhook(SECRET, body, header, 7200), true);
});
