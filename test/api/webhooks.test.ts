/**
 * Webhooks end to end (issue 4): on completion Earshot POSTs {transcript_id, status} with the
 * custom auth header and an HMAC signature, retries with backoff while the receiver fails, and
 * shows every attempt through the API.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { WEBHOOK_SECRET_FILE } from '../../src/app.js';
import { SIGNATURE_HEADER, verifyWebhook } from '../../src/webhooks/signature.js';
import { startTestServer } from '../helpers/earshot-server.js';
import { librivoxClips } from '../helpers/librivox.js';

const clipPath = librivoxClips().find((c) => c.id.endsWith('0880'))!.path;

async function flakyReceiver(failures: number) {
  const calls: { at: number; headers: IncomingHttpHeaders; body: string }[] = [];
  let settled!: () => void;
  const succeeded = new Promise<void>((r) => (settled = r));
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      calls.push({ at: Date.now(), headers: req.headers, body });
      res.statusCode = calls.length <= failures ? 500 : 200;
      res.end();
      if (res.statusCode === 200) settled();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/earshot?team=1`;
  return { calls, url, succeeded, close: () => new Promise<void>((r) => server.close(() => r())) };
}

test('a failing webhook receiver is retried until it recovers, signed, and logged in the API', async () => {
  const s = await startTestServer({ allowPrivateUrls: true, webhookBaseDelayMs: 150 });
  const hook = await flakyReceiver(2);
  try {
    const up = await s.call('POST', '/v2/upload', { raw: await readFile(clipPath), headers: { 'content-type': 'application/octet-stream' } });
    const created = await s.call('POST', '/v2/transcript', {
      body: { audio_url: up.json.upload_url, webhook_url: hook.url, webhook_auth_header_name: 'X-Team-Token', webhook_auth_header_value: 'open sesame' },
    });
    assert.equal(created.status, 200, created.text);
    assert.equal(created.json.webhook_url, hook.url);
    assert.equal(created.json.webhook_auth, true);
    assert.equal(created.json.webhook_auth_header_name, 'X-Team-Token');
    assert.equal(created.json.webhook_auth_header_value, undefined, 'the secret value is never echoed');
    const id = created.json.id;

    await Promise.race([hook.succeeded, new Promise((_, reject) => setTimeout(() => reject(new Error('webhook never succeeded')), 30_000).unref())]);
    assert.equal(hook.calls.length, 3);
    const secret = (await readFile(join(s.dataDir, WEBHOOK_SECRET_FILE), 'utf8')).trim();
    for (const call of hook.calls) {
      assert.deepEqual(JSON.parse(call.body), { transcript_id: id, status: 'completed' });
      assert.equal(call.headers['x-team-token'], 'open sesame');
      assert.equal(call.headers['content-type'], 'application/json');
      assert.ok(verifyWebhook(secret, call.body, String(call.headers[SIGNATURE_HEADER])), 'valid signature');
      assert.equal(verifyWebhook('another secret', call.body, String(call.headers[SIGNATURE_HEADER])), false);
    }
    // Exponential backoff: the second wait is longer than the first (150 ms base, ±20% jitter).
    const gap1 = hook.calls[1].at - hook.calls[0].at;
    const gap2 = hook.calls[2].at - hook.calls[1].at;
    assert.ok(gap1 >= 100 && gap2 >= 200 && gap2 > gap1, `gaps ${gap1} ms, ${gap2} ms`);

    // The delivery log, through the API (written right after each attempt).
    let log: any;
    for (let i = 0; i < 50; i++) {
      log = (await s.call('GET', `/v2/transcript/${id}/webhooks`)).json;
      if (log.deliveries.length === 3) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(log.transcript_id, id);
    assert.deepEqual(
      log.deliveries.map((d: any) => [d.attempt, d.status_code, d.error]),
      [
        [1, 500, 'HTTP 500'],
        [2, 500, 'HTTP 500'],
        [3, 200, null],
      ],
    );
    assert.ok(log.deliveries.every((d: any) => d.url === hook.url && !Number.isNaN(Date.parse(d.at))));
    const transcript = (await s.call('GET', `/v2/transcript/${id}`)).json;
    assert.equal(transcript.webhook_status_code, 200);
    assert.equal((await s.call('GET', `/v2/transcript/${id}/webhooks`, { key: s.keyB })).status, 404);
  } finally {
    await hook.close();
    await s.close();
  }
});

test('a failed job fires its webhook with status error', async () => {
  const s = await startTestServer({ allowPrivateUrls: true });
  const hook = await flakyReceiver(0);
  try {
    const up = await s.call('POST', '/v2/upload', { raw: Buffer.alloc(5000, 1), headers: { 'content-type': 'application/octet-stream' } });
    const created = await s.call('POST', '/v2/transcript', { body: { audio_url: up.json.upload_url, webhook_url: hook.url } });
    await hook.succeeded;
    assert.deepEqual(JSON.parse(hook.calls[0].body), { transcript_id: created.json.id, status: 'error' });
    assert.equal(hook.calls[0].headers['x-team-token'], undefined);
  } finally {
    await hook.close();
    await s.close();
  }
});

/** A receiver that answers 503 while `down`, then 200; counts each transcript's 200s. */
async function switchableReceiver() {
  const state = { down: true, calls: [] as { id: string; status: number }[] };
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      res.statusCode = state.down ? 503 : 200;
      state.calls.push({ id: JSON.parse(body).transcript_id, status: res.statusCode });
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/secret-path-token?sig=abc123`;
  return { state, url, close: () => new Promise<void>((r) => server.close(() => r())) };
}

test('deliveries pending at a restart are sent after it, each once; DELETE purges the log; the URL is sealed at rest', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'earshot-outbox-'));
  const hook = await switchableReceiver();
  // Retries far enough apart that none runs out of attempts while the jobs are transcribed.
  const settings = { allowPrivateUrls: true, webhookBaseDelayMs: 2000, webhookMaxAttempts: 10 };
  let s = await startTestServer(settings, dataDir);
  try {
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const up = await s.call('POST', '/v2/upload', { raw: await readFile(clipPath), headers: { 'content-type': 'application/octet-stream' } });
      const created = await s.call('POST', '/v2/transcript', { body: { audio_url: up.json.upload_url, webhook_url: hook.url } });
      assert.equal(created.status, 200, created.text);
      ids.push(created.json.id);
    }
    // Receiver down: each transcript's first attempt fails, the retry waits in the outbox.
    for (const id of ids) await s.waitFor(id);
    await until(() => ids.every((id) => hook.state.calls.some((c) => c.id === id)), 'a first attempt each');
    await s.close();
    const failedBefore = hook.state.calls.length;
    assert.ok(hook.state.calls.every((c) => c.status === 503));

    // The URL's path and query are credentials: neither the database nor the log holds them in the clear.
    const files = (await readdir(dataDir)).filter((f) => f.startsWith('earshot.db'));
    for (const file of files) assert.ok(!(await readFile(join(dataDir, file))).includes('secret-path-token'), `${file} holds the webhook URL in the clear`);

    hook.state.down = false;
    s = await startTestServer(settings, dataDir);
    await until(() => ids.every((id) => hook.state.calls.some((c) => c.id === id && c.status === 200)), 'delivered after the restart', 60_000);
    // A little longer: nothing is sent twice.
    await new Promise((r) => setTimeout(r, 1000));
    for (const id of ids) {
      assert.equal(hook.state.calls.filter((c) => c.id === id && c.status === 200).length, 1, `${id} delivered once`);
      const log = (await s.call('GET', `/v2/transcript/${id}/webhooks`)).json;
      const attempts = log.deliveries.map((d: any) => [d.attempt, d.status_code]);
      assert.deepEqual(attempts.at(-1), [attempts.length, 200], `the log numbers attempts across the restart: ${JSON.stringify(attempts)}`);
      assert.ok(attempts.length >= 2);
      assert.equal(log.deliveries[0].url, hook.url);
    }
    assert.ok(hook.state.calls.length > failedBefore);

    // DELETE takes the delivery log (and the URL) with the transcript.
    const deleted = await s.call('DELETE', `/v2/transcript/${ids[0]}`);
    assert.equal(deleted.status, 200, deleted.text);
    assert.deepEqual(await s.server.store.listWebhookDeliveries(ids[0]), []);
    const after = (await s.call('GET', `/v2/transcript/${ids[0]}/webhooks`)).json;
    assert.deepEqual(after.deliveries, []);
    assert.equal(after.webhook_url, null);
    assert.ok((await s.server.store.listWebhookDeliveries(ids[1])).length >= 2, "the other transcript's log stays");
  } finally {
    await s.close();
    await hook.close();
    await rm(dataDir, { recursive: true, force: true });
    await rm(`${dataDir}.keys.json`, { force: true });
  }
});

async function until(done: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
