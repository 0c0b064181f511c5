/**
 * Issue 12 item 2: a transcript's stages as queue jobs in dependency order, on separately scaled
 * workers. An `earshot worker --stages asr` recognises and hands on through Redis (sealed); the
 * transcript waits `processing` in the intelligence queue until an `earshot worker --stages
 * intelligence` starts, which runs speakers and analyses on what the first left, completes it and
 * sends one webhook. Each worker's /metrics shows it ran only its own stages.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AssemblyAI } from 'assemblyai';
import { decodeAudioToPcm } from '../../src/audio/decode.js';
import { librivoxClips } from '../helpers/librivox.js';
import { dumpOnFailure, startCluster, waitUntil, webhookReceiver } from './cluster.js';

const clip = librivoxClips().find((c) => c.id.endsWith('0880'))!; // 3 s: "he was not an ill-disposed young man"

function metricsAddress(output: string): string {
  const url = /metrics on (http:\/\/\S+)\/metrics/.exec(output)?.[1];
  assert.ok(url, `the worker names its metrics address: ${output}`);
  return url;
}

/** Pipeline stages this worker timed (earshot_stage_duration_seconds), in name order. */
async function stagesTimed(probe: string): Promise<string[]> {
  const text = await (await fetch(`${probe}/metrics`)).text();
  return [...text.matchAll(/^earshot_stage_duration_seconds_count\{stage="(\w+)"\} [1-9]/gm)].map((m) => m[1]).sort();
}

test('asr and intelligence workers split a transcript between them through the queue', async (t) => {
  const cluster = await startCluster(t);
  if (!cluster) return;
  const hooks = await webhookReceiver();
  try {
    const api = await cluster.startApi();
    const client = new AssemblyAI({ apiKey: cluster.key, baseUrl: api.url });
    const asr = await cluster.startWorker(['--stages', 'asr', '--metrics-port', '0']);
    const uploadUrl = await client.files.upload(clip.path);
    const submitted = await client.transcripts.submit({ audio_url: uploadUrl, webhook_url: hooks.url, speaker_labels: true, entity_detection: true, auto_highlights: true });

    // Recognised and handed on: the words wait in Redis, sealed, and nobody analyses them yet.
    const handoffKey = `${cluster.prefix}:recognised:${submitted.id}`;
    const sealed = await waitUntil('the hand-off', async () => (await cluster.redis.getBuffer(handoffKey)) ?? undefined, 60_000);
    for (const word of ['young', 'disposed', 'man']) assert.equal(sealed.indexOf(word), -1, `"${word}" is not in Redis in the clear`);
    assert.ok((await cluster.redis.pttl(handoffKey)) > 0, 'the hand-off has a time-to-live');
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal((await client.transcripts.get(submitted.id)).status, 'processing');
    // Prioritized: every job's priority is its place in its project's backlog (fair queueing).
    assert.deepEqual(await cluster.redis.zrange(`${cluster.prefix}:intelligence:prioritized`, 0, -1), [submitted.id], 'waiting in the intelligence queue');
    assert.deepEqual(await cluster.redis.keys(`${cluster.prefix}:upload:*`), [], 'the audio left Redis once recognised');

    const intelligence = await cluster.startWorker(['--stages', 'intelligence', '--metrics-port', '0']);
    const done = await client.transcripts.waitUntilReady(submitted.id, { pollingInterval: 100, pollingTimeout: 60_000 });
    assert.equal(done.status, 'completed', done.error);
    assert.ok(done.text?.includes('young man'), `text: ${done.text}`);
    assert.ok(done.utterances && done.utterances.length > 0, 'speakers were labelled from the features the asr worker extracted');
    assert.ok(done.words?.every((w) => typeof w.speaker === 'string'));
    assert.ok(Array.isArray(done.entities), 'entity detection ran');
    assert.equal(done.auto_highlights_result?.status, 'success');

    await waitUntil('the webhook', async () => (hooks.calls.length > 0 ? true : undefined), 20_000);
    await new Promise((r) => setTimeout(r, 1000));
    assert.deepEqual(hooks.calls, [{ transcript_id: done.id, status: 'completed' }]);
    assert.equal(await cluster.redis.exists(handoffKey), 0, 'the hand-off left Redis when the transcript completed');

    assert.deepEqual(await stagesTimed(metricsAddress(asr.output())), ['asr', 'decode', 'taps', 'transcript', 'vad']);
    const analysed = await stagesTimed(metricsAddress(intelligence.output()));
    assert.ok(analysed.includes('speakers') && analysed.includes('intelligence') && analysed.includes('formatted'), analysed.join(' '));
    assert.ok(!analysed.includes('asr') && !analysed.includes('decode'), analysed.join(' '));
  } catch (err) {
    dumpOnFailure(cluster, err);
  } finally {
    await hooks.close();
    await cluster.close();
  }
});

test('a recognised transcript whose hand-off is gone fails with a message naming the missing worker', async (t) => {
  const cluster = await startCluster(t);
  if (!cluster) return;
  try {
    const api = await cluster.startApi();
    const client = new AssemblyAI({ apiKey: cluster.key, baseUrl: api.url });
    await cluster.startWorker(['--stages', 'asr']);
    const submitted = await client.transcripts.submit({ audio_url: await client.files.upload(clip.path) });
    const handoffKey = `${cluster.prefix}:recognised:${submitted.id}`;
    await waitUntil('the hand-off', async () => ((await cluster.redis.exists(handoffKey)) === 1 ? true : undefined), 60_000);
    // As if its time-to-live had passed before any intelligence worker came.
    await cluster.redis.del(handoffKey);
    await cluster.startWorker(['--stages', 'intelligence']);
    const done = await client.transcripts.waitUntilReady(submitted.id, { pollingInterval: 100, pollingTimeout: 30_000 });
    assert.equal(done.status, 'error');
    assert.match(done.error ?? '', /expired.*--stages intelligence/);
  } finally {
    await cluster.close();
  }
});

test('redact_pii_audio across processes: recognised on one worker, bleeped on another, downloaded through either api', async (t) => {
  const cluster = await startCluster(t);
  if (!cluster) return;
  try {
    const [apiA, apiB] = await Promise.all([cluster.startApi(), cluster.startApi()]);
    await Promise.all([cluster.startWorker(['--stages', 'asr']), cluster.startWorker(['--stages', 'intelligence'])]);
    const viaA = new AssemblyAI({ apiKey: cluster.key, baseUrl: apiA.url });
    const viaB = new AssemblyAI({ apiKey: cluster.key, baseUrl: apiB.url });
    const named = librivoxClips()[0]; // "… mister john dashwood …"
    const done = await viaA.transcripts.transcribe(
      { audio: named.path, redact_pii: true, redact_pii_policies: ['person_name'], redact_pii_sub: 'entity_name', redact_pii_audio: true },
      { pollingInterval: 100, pollingTimeout: 90_000 },
    );
    assert.equal(done.status, 'completed', done.error);
    assert.match(done.text!, /\[PERSON_NAME\]/);

    const { redacted_audio_url } = await viaB.transcripts.redactedAudio(done.id);
    assert.ok(redacted_audio_url.startsWith(apiB.url));
    const viaOtherApi = redacted_audio_url.replace(apiB.url, apiA.url);
    const response = await fetch(viaOtherApi);
    assert.equal(response.status, 200);
    const mp3 = Buffer.from(await response.arrayBuffer());
    const pcm = await decodeAudioToPcm(mp3);
    assert.ok(Math.abs(pcm.length / 16000 - done.audio_duration!) < 0.2, `${pcm.length / 16000} s vs ${done.audio_duration} s`);
    const held = await cluster.redis.hgetBuffer(`${cluster.prefix}:redacted:${done.id}`, 'audio');
    assert.ok(held && held.indexOf(mp3.subarray(mp3.length - 600, mp3.length - 536)) === -1, 'Redis holds the copy sealed');
    assert.ok((await cluster.redis.pttl(`${cluster.prefix}:redacted:${done.id}`)) > 0, 'with a time-to-live');

    await viaB.transcripts.delete(done.id);
    assert.equal((await fetch(viaOtherApi)).status, 404, 'DELETE through one api removes the copy for every api');
    assert.deepEqual(await cluster.redis.keys(`${cluster.prefix}:redacted*`), []);
    assert.deepEqual(await cluster.redis.keys(`${cluster.prefix}:recognised:*`), [], 'the hand-off, speech audio included, is gone');
  } catch (err) {
    dumpOnFailure(cluster, err);
  } finally {
    await cluster.close();
  }
});
