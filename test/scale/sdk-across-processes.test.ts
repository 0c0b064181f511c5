/**
 * Issue 12: the official `assemblyai` SDK against a scaled-out installation, real processes end to
 * end. The file is uploaded through one `earshot api`, the transcript created and polled through
 * another, a separate `earshot worker` transcribes it, and the webhook arrives once. In between,
 * the upload sits in Redis sealed (no WAV bytes in the clear) and is gone once the job ended.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { createReadStream } from 'node:fs';
import { AssemblyAI } from 'assemblyai';
import OpenAI from 'openai';
import { librivoxClips } from '../helpers/librivox.js';
import { call, dumpOnFailure, startCluster, waitUntil, webhookReceiver } from './cluster.js';

const clip = librivoxClips().find((c) => c.id.endsWith('0880'))!; // 3 s: "he was not an ill-disposed young man"

test('an upload accepted by one api process is transcribed by a worker and read through another api process', async (t) => {
  const cluster = await startCluster(t);
  if (!cluster) return;
  const hooks = await webhookReceiver();
  try {
    const [apiA, apiB] = await Promise.all([cluster.startApi(), cluster.startApi()]);
    const viaA = new AssemblyAI({ apiKey: cluster.key, baseUrl: apiA.url });
    const viaB = new AssemblyAI({ apiKey: cluster.key, baseUrl: apiB.url });

    const uploadUrl = await viaA.files.upload(clip.path);
    assert.match(uploadUrl, new RegExp(`^${apiA.url}/v2/upload/[0-9a-f-]{36}$`));
    const uploadId = uploadUrl.split('/').pop()!;
    const stored = await cluster.redis.hgetBuffer(`${cluster.prefix}:upload:${uploadId}`, 'audio');
    const wav = await readFile(clip.path);
    assert.ok(stored && stored.length > wav.length, 'the upload is held in Redis, with its nonce and tag');
    assert.equal(stored.indexOf('RIFF'), -1, 'no WAV header in the clear');
    assert.equal(stored.indexOf(wav.subarray(1000, 1064)), -1, 'no audio bytes in the clear');
    assert.ok((await cluster.redis.pttl(`${cluster.prefix}:upload:${uploadId}`)) > 0, 'the upload has a time-to-live');

    // No worker yet: the job waits in the queue, visible through either api process.
    const submitted = await viaB.transcripts.submit({ audio_url: uploadUrl, webhook_url: hooks.url });
    assert.equal(submitted.status, 'queued');
    assert.equal((await viaA.transcripts.get(submitted.id)).status, 'queued');

    const worker = await cluster.startWorker(['--metrics-port', '0']);
    const probe = /metrics on (http:\/\/\S+)\/metrics/.exec(worker.output())?.[1];
    assert.ok(probe, `the worker names its metrics address: ${worker.output()}`);
    const done = await viaB.transcripts.waitUntilReady(submitted.id, { pollingInterval: 100, pollingTimeout: 90_000 });
    assert.equal(done.status, 'completed', done.error);
    assert.ok(done.text?.includes('young man'), `text: ${done.text}`);
    assert.ok(done.audio_duration! > 2.9 && done.audio_duration! < 3.1);
    assert.equal((await viaA.transcripts.get(done.id)).text, done.text);

    await waitUntil('the webhook', async () => (hooks.calls.length > 0 ? true : undefined), 20_000);
    // A second delivery would come from a retry or a second worker; give it time to show.
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(hooks.calls, [{ transcript_id: done.id, status: 'completed' }]);
    const log = await call(apiA.url, cluster.key, 'GET', `/v2/transcript/${done.id}/webhooks`);
    assert.equal(log.status, 200);
    assert.equal(log.json.deliveries.length, 1, 'one attempt logged in the database');
    assert.equal(log.json.deliveries[0].status_code, 200);

    assert.deepEqual(await cluster.redis.keys(`${cluster.prefix}:upload:*`), [], 'the upload left Redis when its job ended');

    // Each process reports on itself: the worker its jobs, the api its dependencies.
    const workerMetrics = await (await fetch(`${probe}/metrics`)).text();
    assert.match(workerMetrics, /^earshot_job_transitions_total\{status="completed"\} 1$/m);
    assert.equal((await fetch(`${probe}/readyz`)).status, 200);
    const ready = await fetch(`${apiA.url}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(((await ready.json()) as { checks: { name: string }[] }).checks.map((c) => c.name), ['database', 'queue']);
    assert.match(await (await fetch(`${apiB.url}/metrics`)).text(), /earshot_http_request_duration_seconds_count\{route="\/v2\/transcript",method="POST",status_class="2xx"\} 1/);
    await assert.rejects(viaA.transcripts.submit({ audio_url: uploadUrl }), /not available/, 'an upload is usable once');

    // OpenAI's /v1 answers on the request: the api process transcribes it itself.
    const openai = new OpenAI({ apiKey: cluster.key, baseURL: `${apiB.url}/v1` });
    const direct = await openai.audio.transcriptions.create({ file: createReadStream(clip.path), model: 'whisper-1' });
    assert.ok(direct.text.toLowerCase().includes('young man'), direct.text);
  } catch (err) {
    dumpOnFailure(cluster, err);
  } finally {
    await hooks.close();
    await cluster.close();
  }
});
