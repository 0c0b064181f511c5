/**
 * Issue 12 item 5, with real processes: a worker SIGKILLed mid-job has its job finished by another,
 * once, with one webhook; SIGTERM drains (the job finishes, or goes back to the queue and finishes
 * elsewhere); Redis connections dropped mid-job cost the job nothing.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { librivoxClips } from '../helpers/librivox.js';
import { call, dumpOnFailure, longSpeech, startCluster, waitUntil, webhookReceiver, type ApiChild, type Cluster } from './cluster.js';

let speech: { path: string; remove(): Promise<void> };
let audio: Buffer;

before(async () => {
  // The five clips joined, 24.7 s of read speech: seconds of work, so a worker can be stopped mid-job.
  speech = await longSpeech(librivoxClips().map((c) => c.path), 1);
  audio = await readFile(speech.path);
});
after(() => speech.remove());

async function upload(api: ApiChild, key: string): Promise<string> {
  const response = await fetch(`${api.url}/v2/upload`, { method: 'POST', headers: { authorization: key }, body: new Uint8Array(audio) });
  assert.equal(response.status, 200);
  return ((await response.json()) as { upload_url: string }).upload_url;
}

async function statusOf(cluster: Cluster, api: ApiChild, id: string): Promise<Record<string, any>> {
  const reply = await call(api.url, cluster.key, 'GET', `/v2/transcript/${id}`);
  assert.equal(reply.status, 200, JSON.stringify(reply.json));
  return reply.json;
}

function finished(cluster: Cluster, api: ApiChild, id: string, timeoutMs = 90_000): Promise<Record<string, any>> {
  return waitUntil(`transcript ${id} to finish`, async () => {
    const t = await statusOf(cluster, api, id);
    return t.status === 'completed' || t.status === 'error' ? t : undefined;
  }, timeoutMs);
}

function processing(cluster: Cluster, api: ApiChild, id: string): Promise<true> {
  return waitUntil(`transcript ${id} to start`, async () => ((await statusOf(cluster, api, id)).status === 'processing' ? true : undefined), 60_000);
}


/** A completed transcript, its one webhook, its upload gone from Redis, and how often it was started. */
async function assertCompletedOnce(cluster: Cluster, api: ApiChild, hooks: Awaited<ReturnType<typeof webhookReceiver>>, id: string): Promise<number> {
  const done = await finished(cluster, api, id);
  assert.equal(done.status, 'completed', done.error);
  assert.ok(done.words.length > 40, `${done.words.length} words for 24.7 s of speech`);
  assert.ok(done.audio_duration > 24.5 && done.audio_duration < 25, `audio_duration ${done.audio_duration}`);
  await waitUntil('the webhook', async () => (hooks.calls.length > 0 ? true : undefined), 20_000);
  // Room for a second delivery, were one coming (a retry is 200 ms away here).
  await new Promise((r) => setTimeout(r, 1500));
  assert.deepEqual(hooks.calls, [{ transcript_id: id, status: 'completed' }], 'exactly one webhook');
  const [row] = await cluster.query<{ attempts: number }>('select attempts from transcripts where id = $1', [id]);
  assert.deepEqual(await cluster.redis.keys(`${cluster.prefix}:upload:*`), [], 'the upload left Redis');
  return row.attempts;
}

test('a worker killed with SIGKILL mid-job: another worker completes the transcript once, one webhook', async (t) => {
  const cluster = await startCluster(t);
  if (!cluster) return;
  const hooks = await webhookReceiver();
  try {
    const api = await cluster.startApi();
    const doomed = await cluster.startWorker();
    const { json } = await call(api.url, cluster.key, 'POST', '/v2/transcript', { audio_url: await upload(api, cluster.key), webhook_url: hooks.url });
    await processing(cluster, api, json.id);
    await doomed.stop('SIGKILL');

    const started = Date.now();
    await cluster.startWorker();
    const attempts = await assertCompletedOnce(cluster, api, hooks, json.id);
    assert.equal(attempts, 2, 'started by the killed worker, then taken over once');
    t.diagnostic(`taken over and completed ${Date.now() - started} ms after the second worker was started`);
  } catch (err) {
    dumpOnFailure(cluster, err);
  } finally {
    await hooks.close();
    await cluster.close();
  }
});

test('SIGTERM with no drain time hands the running job back; another worker completes it once', async (t) => {
  const cluster = await startCluster(t);
  if (!cluster) return;
  const hooks = await webhookReceiver();
  try {
    const api = await cluster.startApi();
    const leaving = await cluster.startWorker([], { EARSHOT_DRAIN_SECONDS: '0' });
    const { json } = await call(api.url, cluster.key, 'POST', '/v2/transcript', { audio_url: await upload(api, cluster.key), webhook_url: hooks.url });
    await processing(cluster, api, json.id);
    const stoppedAt = Date.now();
    assert.equal(await leaving.stop('SIGTERM'), 0, 'a clean exit');
    const stopMs = Date.now() - stoppedAt;
    assert.equal((await statusOf(cluster, api, json.id)).status, 'processing', 'not finished by the worker that left');
    assert.match(leaving.output(), /draining/);

    await cluster.startWorker();
    const attempts = await assertCompletedOnce(cluster, api, hooks, json.id);
    assert.equal(attempts, 2);
    t.diagnostic(`the draining worker exited ${stopMs} ms after SIGTERM`);
  } catch (err) {
    dumpOnFailure(cluster, err);
  } finally {
    await hooks.close();
    await cluster.close();
  }
});

test('SIGTERM with drain time: the worker finishes its running job before it exits', async (t) => {
  const cluster = await startCluster(t);
  if (!cluster) return;
  const hooks = await webhookReceiver();
  try {
    const api = await cluster.startApi();
    const worker = await cluster.startWorker([], { EARSHOT_DRAIN_SECONDS: '60' });
    const { json } = await call(api.url, cluster.key, 'POST', '/v2/transcript', { audio_url: await upload(api, cluster.key), webhook_url: hooks.url });
    await processing(cluster, api, json.id);
    assert.equal(await worker.stop('SIGTERM'), 0);
    const [row] = await cluster.query<{ status: string }>('select status from transcripts where id = $1', [json.id]);
    assert.equal(row.status, 'completed', 'completed before the process exited');
    // Its webhook was scheduled in Redis before the exit; a new worker delivers it.
    await cluster.startWorker();
    assert.equal(await assertCompletedOnce(cluster, api, hooks, json.id), 1);
  } catch (err) {
    dumpOnFailure(cluster, err);
  } finally {
    await hooks.close();
    await cluster.close();
  }
});

test('Redis connections dropped mid-job: the job still completes, once', async (t) => {
  const cluster = await startCluster(t);
  if (!cluster) return;
  const hooks = await webhookReceiver();
  try {
    const api = await cluster.startApi();
    await cluster.startWorker();
    const { json } = await call(api.url, cluster.key, 'POST', '/v2/transcript', { audio_url: await upload(api, cluster.key), webhook_url: hooks.url });
    await processing(cluster, api, json.id);
    // Only this test's processes: their connections are named after the test's key prefix.
    const killed = await dropConnections(cluster);
    assert.ok(killed >= 3, `${killed} connections dropped`);
    await new Promise((r) => setTimeout(r, 300));
    assert.ok((await dropConnections(cluster)) >= 1, 'reconnected, and dropped once more');
    assert.equal(await assertCompletedOnce(cluster, api, hooks, json.id), 1, 'the lock survived: no takeover was needed');
  } catch (err) {
    dumpOnFailure(cluster, err);
  } finally {
    await hooks.close();
    await cluster.close();
  }
});

async function dropConnections(cluster: Cluster): Promise<number> {
  const list = (await cluster.redis.client('LIST')) as string;
  const ids = list
    .split('\n')
    .map((line) => Object.fromEntries(line.split(' ').map((kv) => kv.split('=', 2) as [string, string])))
    .filter((c) => c.name?.startsWith(`${cluster.prefix}:`))
    .map((c) => c.id);
  for (const id of ids) await cluster.redis.client('KILL', 'ID', id);
  return ids.length;
}

test('split stages: an asr worker killed mid-recognition and an intelligence worker killed mid-analysis are both taken over; one completion, one webhook', async (t) => {
  const cluster = await startCluster(t);
  if (!cluster) return;
  const hooks = await webhookReceiver();
  // A chat endpoint that takes requests and never answers: the intelligence stage waits on it, so
  // its worker can be killed in the middle of the stage.
  const silent = http.createServer(() => {});
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/v1`;
  try {
    const asked = new Promise<void>((r) => silent.once('request', () => r()));
    const api = await cluster.startApi();
    const doomedAsr = await cluster.startWorker(['--stages', 'asr']);
    const doomedAnalyst = await cluster.startWorker(['--stages', 'intelligence'], { EARSHOT_LLM_BASE_URL: silentUrl, EARSHOT_LLM_MODEL: 'waits-forever' });
    const { json } = await call(api.url, cluster.key, 'POST', '/v2/transcript', { audio_url: await upload(api, cluster.key), webhook_url: hooks.url, summarization: true });
    await processing(cluster, api, json.id);
    await doomedAsr.stop('SIGKILL');
    await cluster.startWorker(['--stages', 'asr']);

    await asked;
    assert.equal((await statusOf(cluster, api, json.id)).status, 'processing', 'the analysis is waiting on the chat model');
    await doomedAnalyst.stop('SIGKILL');
    await cluster.startWorker(['--stages', 'intelligence']);

    assert.equal(await assertCompletedOnce(cluster, api, hooks, json.id), 3, 'recognition started twice, analysis once more');
    const done = await statusOf(cluster, api, json.id);
    assert.ok(done.summary && done.summary.length > 20, 'summarised offline by the worker that took over');
    assert.deepEqual(await cluster.redis.keys(`${cluster.prefix}:recognised:*`), [], 'the hand-off left Redis');
  } catch (err) {
    dumpOnFailure(cluster, err);
  } finally {
    silent.closeAllConnections();
    silent.close();
    await hooks.close();
    await cluster.close();
  }
});
