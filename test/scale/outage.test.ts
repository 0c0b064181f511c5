/**
 * Issue 12 item 5: Redis goes away for a while and comes back. The processes reach Redis through a
 * TCP proxy the test cuts and restores (the shared Redis server itself is never stopped). While it
 * is cut the api answers 503 `queue_unavailable` at once instead of hanging, reads served from
 * Postgres keep working, a running job survives, and everything recovers without a restart.
 * Webhook retries are BullMQ delayed jobs: they survive the death of every worker.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { startApiProcess } from '../../src/app/api-process.js';
import { loadConfig } from '../../src/app/config.js';
import { startWorkerProcess } from '../../src/app/worker-process.js';
import { librivoxClips } from '../helpers/librivox.js';
import { call, dumpOnFailure, REDIS_URL, startCluster, waitUntil, webhookReceiver, type ApiChild, type Cluster } from './cluster.js';

const clip = librivoxClips().find((c) => c.id.endsWith('0870'))!; // 7 s

/** A TCP forwarder to Redis that can refuse and drop every connection, then let them back in. */
async function redisProxy(): Promise<{ url: string; cut(): void; restore(): void; close(): Promise<void> }> {
  const target = new URL(REDIS_URL);
  const sockets = new Set<net.Socket>();
  let open = true;
  const server = net.createServer((client) => {
    if (!open) return client.destroy();
    const upstream = net.connect(Number(target.port || 6379), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `redis://127.0.0.1:${(server.address() as AddressInfo).port}`,
    cut: () => {
      open = false;
      for (const s of sockets) s.destroy();
    },
    restore: () => {
      open = true;
    },
    close: () => new Promise<void>((r) => (open = false, [...sockets].forEach((s) => s.destroy()), server.close(() => r()))),
  };
}

async function uploadClip(api: ApiChild, key: string): Promise<{ status: number; body: any; ms: number }> {
  const started = Date.now();
  const response = await fetch(`${api.url}/v2/upload`, { method: 'POST', headers: { authorization: key }, body: new Uint8Array(await readFile(clip.path)) });
  return { status: response.status, body: await response.json(), ms: Date.now() - started };
}


test('with Redis unreachable the api answers 503 at once, reads still work, a running job survives, and all recovers', async (t) => {
  const proxy = await redisProxy();
  const cluster = await startCluster(t, { EARSHOT_REDIS_URL: proxy.url, EARSHOT_REDIS_TIMEOUT_MS: '1000' });
  if (!cluster) return proxy.close();
  try {
    const api = await cluster.startApi();
    await cluster.startWorker();
    const first = await uploadClip(api, cluster.key);
    assert.equal(first.status, 200);
    const { json: job } = await call(api.url, cluster.key, 'POST', '/v2/transcript', { audio_url: first.body.upload_url });
    await waitUntil('the job to start', async () => ((await call(api.url, cluster.key, 'GET', `/v2/transcript/${job.id}`)).json.status === 'processing' ? true : undefined));

    proxy.cut();
    const refused = await uploadClip(api, cluster.key);
    assert.equal(refused.status, 503, JSON.stringify(refused.body));
    assert.match(refused.body.error, /Redis .* unreachable.*Retry/);
    assert.ok(refused.ms < 3000, `answered in ${refused.ms} ms`);
    t.diagnostic(`an upload with Redis cut answered 503 in ${refused.ms} ms`);
    const started = Date.now();
    const byUrl = await call(api.url, cluster.key, 'POST', '/v2/transcript', { audio_url: 'http://127.0.0.1:9/never.wav' });
    assert.equal(byUrl.status, 503, JSON.stringify(byUrl.json));
    assert.ok(Date.now() - started < 3000);
    const list = await call(api.url, cluster.key, 'GET', '/v2/transcript?status=error');
    assert.equal(list.status, 200, 'reads need only Postgres');
    assert.equal(list.json.transcripts.length, 1, 'the transcript the queue did not take is marked error, not left queued');

    await new Promise((r) => setTimeout(r, 2000));
    proxy.restore();
    const done = await waitUntil('the running job', async () => {
      const t = (await call(api.url, cluster.key, 'GET', `/v2/transcript/${job.id}`)).json;
      return t.status === 'completed' || t.status === 'error' ? t : undefined;
    });
    assert.equal(done.status, 'completed', done.error);
    assert.ok(done.text.length > 20);

    const again = await waitUntil('uploads to work again', async () => {
      const reply = await uploadClip(api, cluster.key);
      return reply.status === 200 ? reply : undefined;
    }, 20_000);
    const { json: next } = await call(api.url, cluster.key, 'POST', '/v2/transcript', { audio_url: again.body.upload_url });
    const nextDone = await waitUntil('a job submitted after the outage', async () => {
      const t = (await call(api.url, cluster.key, 'GET', `/v2/transcript/${next.id}`)).json;
      return t.status === 'completed' ? t : undefined;
    });
    assert.equal(nextDone.text, done.text, 'same clip, same words');
  } catch (err) {
    dumpOnFailure(cluster, err);
  } finally {
    await cluster.close();
    await proxy.close();
  }
});

test('a webhook retry scheduled before every worker died is delivered by a worker started later', async (t) => {
  // Slow retries, so there is time to kill the worker between the first attempt and the second.
  const cluster = await startCluster(t, { EARSHOT_WEBHOOK_RETRY_BASE_MS: '3000' });
  if (!cluster) return;
  const answers = [500, 200];
  const calls: Array<{ transcript_id: string; status: string }> = [];
  const receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      calls.push(JSON.parse(body));
      res.statusCode = answers.shift() ?? 200;
      res.end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  try {
    const api = await cluster.startApi();
    const worker = await cluster.startWorker();
    const uploaded = await uploadClip(api, cluster.key);
    const { json: job } = await call(api.url, cluster.key, 'POST', '/v2/transcript', { audio_url: uploaded.body.upload_url, webhook_url: hookUrl });
    // Logged, so the worker has scheduled the retry (a delayed job in Redis) when it is killed.
    await waitUntil('the first attempt in the log', async () => {
      const reply = await call(api.url, cluster.key, 'GET', `/v2/transcript/${job.id}/webhooks`);
      return reply.json.deliveries.length === 1 ? true : undefined;
    });
    await worker.stop('SIGKILL');
    await new Promise((r) => setTimeout(r, 4000));
    assert.equal(calls.length, 1, 'no worker, no retry');

    await cluster.startWorker();
    await waitUntil('the retry', async () => (calls.length > 1 ? true : undefined), 30_000);
    assert.deepEqual(calls, [
      { transcript_id: job.id, status: 'completed' },
      { transcript_id: job.id, status: 'completed' },
    ]);
    const log = await waitUntil('both attempts in the delivery log', async () => {
      const reply = await call(api.url, cluster.key, 'GET', `/v2/transcript/${job.id}/webhooks`);
      return reply.json.deliveries.length === 2 ? reply.json.deliveries : undefined;
    });
    assert.deepEqual(log.map((d: any) => [d.attempt, d.status_code]), [[1, 500], [2, 200]]);
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(calls.length, 2, 'delivered, so no more attempts');
  } catch (err) {
    dumpOnFailure(cluster, err);
  } finally {
    await new Promise<void>((r) => (receiver.closeAllConnections(), receiver.close(() => r())));
    await cluster.close();
  }
});

test('database connections dropped: api and worker keep running and the next job completes', async (t) => {
  const cluster = await startCluster(t);
  if (!cluster) return;
  try {
    const api = await cluster.startApi();
    const worker = await cluster.startWorker();
    const first = await uploadClip(api, cluster.key);
    const { json: job } = await call(api.url, cluster.key, 'POST', '/v2/transcript', { audio_url: first.body.upload_url });
    await waitUntil('the first job', async () => ((await call(api.url, cluster.key, 'GET', `/v2/transcript/${job.id}`)).json.status === 'completed' ? true : undefined));

    const [{ dropped }] = await cluster.query<{ dropped: string }>(
      'select count(pg_terminate_backend(pid)) as dropped from pg_stat_activity where application_name = $1',
      [cluster.prefix],
    );
    assert.ok(Number(dropped) >= 2, `${dropped} connections dropped`);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(api.process.exitCode, null, `the api is still running:\n${api.output()}`);
    assert.equal(worker.process.exitCode, null, `the worker is still running:\n${worker.output()}`);

    const second = await uploadClip(api, cluster.key);
    assert.equal(second.status, 200);
    const { json: next } = await call(api.url, cluster.key, 'POST', '/v2/transcript', { audio_url: second.body.upload_url });
    const done = await waitUntil('a job after the drop', async () => {
      const t = (await call(api.url, cluster.key, 'GET', `/v2/transcript/${next.id}`)).json;
      return t.status === 'completed' || t.status === 'error' ? t : undefined;
    });
    assert.equal(done.status, 'completed', done.error);
  } catch (err) {
    dumpOnFailure(cluster, err);
  } finally {
    await cluster.close();
  }
});

test('api and worker report Redis not ready while it is cut, and ready again once it is back', async (t) => {
  const proxy = await redisProxy();
  const cluster = await startCluster(t, { EARSHOT_REDIS_URL: proxy.url, EARSHOT_REDIS_TIMEOUT_MS: '500', EARSHOT_LOG_LEVEL: 'silent' });
  if (!cluster) return proxy.close();
  // In this process, to call their ready() (what /readyz serves).
  const config = loadConfig({ port: 0 }, { ...process.env, ...cluster.env });
  const api = await startApiProcess(config);
  const worker = await startWorkerProcess(config, { stages: 'all' });
  try {
    assert.deepEqual(await api.ready(), { database: true, queue: true });
    assert.deepEqual(await worker.ready(), { database: true, queue: true });
    proxy.cut();
    const started = Date.now();
    assert.deepEqual(await api.ready(), { database: true, queue: false });
    assert.deepEqual(await worker.ready(), { database: true, queue: false });
    assert.ok(Date.now() - started < 3000, 'readiness answers within its timeout');
    proxy.restore();
    await waitUntil('the api to be ready again', async () => ((await api.ready()).queue ? true : undefined), 20_000);
    await waitUntil('the worker to be ready again', async () => ((await worker.ready()).queue ? true : undefined), 20_000);
  } finally {
    await worker.close();
    await api.close();
    await cluster.close();
    await proxy.close();
  }
});
