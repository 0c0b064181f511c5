/**
 * OpenAI Realtime transcription (issue 14 item 5) through the real `openai` SDK: its
 * OpenAIRealtimeWS connects to wss://127.0.0.1/v1/realtime?model=… (trusting the test's
 * certificate through its `options.ca`), and its `clientSecrets.create()` mints ephemeral secrets
 * (over a fetch that trusts the same certificate). LibriVox clips, converted to 24 kHz pcm16 or
 * 8 kHz μ-law, are sent as base64 appends; every event is recorded and checked against the
 * protocol: speech_started → speech_stopped → committed → delta(s) → completed per turn.
 */
import assert from 'node:assert/strict';
import https from 'node:https';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { OpenAIRealtimeWS } from 'openai/realtime/ws';
import WebSocket from 'ws';
import { wordErrorRate } from '../../src/eval/wer.js';
import { alawToPcm } from '../../src/realtime/openai/audio.js';
import { ClientSecrets } from '../../src/realtime/openai/client-secrets.js';
import { defaultConfig } from '../../src/realtime/openai/session-config.js';
import { Resampler } from '../../src/realtime/resampler.js';
import { clipSequence, concat, type PlacedClip } from './helpers/audio.js';
import { startStreamServer, type StreamTestServer } from './helpers/stream-server.js';

const TOKEN_SECRET = 'openai-realtime-test-secret';
type Event = Record<string, any> & { type: string };

function resample(pcm: Int16Array, rate: number): Int16Array {
  const r = new Resampler(16000, rate);
  return concat([r.push(pcm), r.flush()]);
}

/** Linear → G.711 μ-law (the classic Sun encoder). */
function mulaw(pcm: Int16Array): Buffer {
  const out = Buffer.alloc(pcm.length);
  for (let i = 0; i < pcm.length; i++) {
    let x = pcm[i];
    const sign = x < 0 ? 0x80 : 0;
    if (x < 0) x = -x;
    x = Math.min(x, 32635) + 0x84;
    let exponent = 7;
    for (let mask = 0x4000; (x & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
    out[i] = ~(sign | (exponent << 4) | ((x >> (exponent + 3)) & 0x0f)) & 0xff;
  }
  return out;
}

const bytesOf = (pcm: Int16Array) => Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);

/** A fetch for the SDK's REST calls that trusts the test certificate. */
function trustingFetch(ca: Buffer): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === 'string' || input instanceof URL ? String(input) : input.url;
    const headers = new Headers(init?.headers);
    return new Promise<Response>((resolve, reject) => {
      const req = https.request(url, { method: init?.method ?? 'GET', headers: Object.fromEntries(headers), ca }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(new Response(Buffer.concat(chunks), { status: res.statusCode, headers: res.headers as Record<string, string> })));
      });
      req.on('error', reject);
      if (init?.body) req.write(init.body as string);
      req.end();
    });
  }) as typeof fetch;
}

interface Session {
  rt: OpenAIRealtimeWS;
  events: Event[];
  errors: Event[];
  closed: Promise<{ code: number; reason: string }>;
  /** Resolves with the first event matching, past or future. */
  next(predicate: (e: Event) => boolean, timeoutMs?: number): Promise<Event>;
  append(bytes: Buffer, options: { bytesPerSecond: number; chunkMs?: number; speed?: number }): Promise<void>;
}

function track(rt: OpenAIRealtimeWS): Session {
  const events: Event[] = [];
  const errors: Event[] = [];
  const waiters: { predicate: (e: Event) => boolean; resolve: (e: Event) => void }[] = [];
  rt.on('event', (e) => {
    events.push(e as Event);
    for (const w of [...waiters]) {
      if (w.predicate(e as Event)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(e as Event);
      }
    }
  });
  rt.on('error', (err) => errors.push({ type: 'error', ...(err.error ? { error: err.error } : { message: err.message }) }));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => rt.socket.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  return {
    rt,
    events,
    errors,
    closed,
    next(predicate, timeoutMs = 30_000) {
      const found = events.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching event in ${timeoutMs} ms; got ${events.map((e) => e.type).join(', ')}`)), timeoutMs);
        waiters.push({ predicate, resolve: (e) => (clearTimeout(timer), resolve(e)) });
      });
    },
    async append(bytes, { bytesPerSecond, chunkMs = 100, speed = 1 }) {
      const step = Math.round((bytesPerSecond * chunkMs) / 1000) & ~1;
      const started = performance.now();
      for (let i = 0, n = 0; i < bytes.length; i += step, n++) {
        const wait = started + (n * chunkMs) / speed - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        rt.send({ type: 'input_audio_buffer.append', audio: bytes.subarray(i, i + step).toString('base64') });
      }
    },
  };
}

test('G.711 A-law expands to linear PCM (ITU-T G.711 table values)', () => {
  assert.deepEqual([...alawToPcm(Uint8Array.from([0xd5, 0x55, 0xaa, 0x2a, 0x80]))], [8, -8, 32256, -32256, 5504]);
});

describe('OpenAI Realtime transcription with the openai SDK over wss', () => {
  let s: StreamTestServer;
  let pcm16k: Int16Array;
  let clips: PlacedClip[];

  const client = (apiKey = s.keyA) => new OpenAI({ apiKey, baseURL: `${s.url}/v1`, fetch: trustingFetch(s.cert.cert), maxRetries: 0 });
  const open = async (apiKey?: string, model = 'gpt-4o-transcribe'): Promise<Session> => {
    const rt = new OpenAIRealtimeWS({ model, options: { ca: s.cert.cert } }, client(apiKey));
    const session = track(rt);
    await new Promise<void>((resolve, reject) => {
      rt.socket.once('open', () => resolve());
      rt.socket.once('error', reject);
    });
    return session;
  };

  before(async () => {
    s = await startStreamServer({ streamTokenSecret: TOKEN_SECRET });
    ({ pcm: pcm16k, clips } = await clipSequence(['0880', '0890'], 1500));
  });
  after(() => s.close());

  test('server VAD, 24 kHz pcm16 at real-time pace: speech events, deltas, then a completed transcript per turn with logprobs', async (t) => {
    const session = await open();
    const created = await session.next((e) => e.type === 'session.created');
    assert.equal(created.session.type, 'transcription');
    assert.deepEqual(created.session.audio.input.format, { type: 'audio/pcm', rate: 24000 });
    session.rt.send({
      type: 'session.update',
      session: {
        type: 'transcription',
        audio: { input: { format: { type: 'audio/pcm', rate: 24000 }, transcription: { model: 'gpt-4o-transcribe', language: 'en' }, turn_detection: { type: 'server_vad', threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 500 } } },
        include: ['item.input_audio_transcription.logprobs'],
      },
    });
    const updated = await session.next((e) => e.type === 'session.updated');
    assert.equal(updated.session.audio.input.turn_detection.silence_duration_ms, 500);
    assert.deepEqual(updated.session.include, ['item.input_audio_transcription.logprobs']);

    const started = performance.now();
    await session.append(bytesOf(resample(pcm16k, 24000)), { bytesPerSecond: 48000 });
    const completed: Event[] = [];
    for (let i = 0; i < clips.length; i++) completed.push(await session.next((e) => e.type === 'conversation.item.input_audio_transcription.completed' && !completed.includes(e)));
    const wall = performance.now() - started;
    session.rt.close();
    assert.deepEqual(session.errors, []);

    const types = session.events.map((e) => e.type);
    for (const [i, done] of completed.entries()) {
      const id = done.item_id;
      const at = (type: string) => session.events.findIndex((e) => e.type === type && e.item_id === id);
      const speechStarted = session.events[at('input_audio_buffer.speech_started')];
      const speechStopped = session.events[at('input_audio_buffer.speech_stopped')];
      assert.ok(speechStarted && speechStopped, `item ${id}: ${types.join(', ')}`);
      assert.ok(at('input_audio_buffer.speech_started') < at('input_audio_buffer.speech_stopped'));
      assert.ok(at('input_audio_buffer.speech_stopped') < at('input_audio_buffer.committed'));
      const deltas = session.events.filter((e) => e.type === 'conversation.item.input_audio_transcription.delta' && e.item_id === id);
      assert.ok(deltas.length >= 1, `item ${id} had no delta`);
      assert.ok(session.events.indexOf(deltas.at(-1)!) < session.events.indexOf(done), 'deltas come before completed');
      // The deltas spell the turn as recognised; completed is the same words punctuated and cased.
      const raw = deltas.map((d) => d.delta).join('');
      assert.equal(done.transcript.toLowerCase().replace(/[^a-z' ]/g, ''), raw.replace(/[^a-z' ]/g, ''));
      assert.match(done.transcript, /^[A-Z].*[.?!]$/);
      assert.equal(done.usage.type, 'duration');
      assert.ok(done.usage.seconds > 0.5);
      assert.equal(done.logprobs.map((l: any) => l.token).join(''), done.transcript);
      assert.ok(done.logprobs.every((l: any) => l.logprob <= 0 && Buffer.from(l.bytes).toString() === l.token));
      assert.ok(deltas.every((d) => Array.isArray(d.logprobs) && d.logprobs.length > 0));
      // The turn lies where its clip is, and says what the reader said.
      const clip = clips[i];
      assert.ok(Math.abs(speechStarted.audio_start_ms + 300 - clip.startMs) < 700, `speech_started ${speechStarted.audio_start_ms} for a clip at ${clip.startMs}`);
      assert.ok(speechStopped.audio_end_ms > clip.endMs - 300 && speechStopped.audio_end_ms < clip.endMs + 1500, `speech_stopped ${speechStopped.audio_end_ms} for a clip ending at ${clip.endMs}`);
      const wer = wordErrorRate(clip.reference, raw).wer;
      t.diagnostic(`turn ${i}: "${done.transcript}" (${deltas.length} deltas, WER ${(wer * 100).toFixed(0)}% vs "${clip.reference}")`);
      assert.ok(wer <= 0.5, `turn ${i} WER ${wer}`);
    }
    t.diagnostic(`${(pcm16k.length / 16).toFixed(0)} ms of audio streamed and transcribed in ${wall.toFixed(0)} ms`);
  });

  test('manual commits (turn_detection null): no speech events, commit → committed + completed; empty commit and clear', async () => {
    const session = await open();
    session.rt.send({ type: 'session.update', session: { type: 'transcription', audio: { input: { turn_detection: null } } } });
    const updated = await session.next((e) => e.type === 'session.updated');
    assert.equal(updated.session.audio.input.turn_detection, null);

    const first = resample(pcm16k.subarray(0, Math.round((clips[0].endMs + 300) * 16)), 24000);
    await session.append(bytesOf(first), { bytesPerSecond: 48000, speed: 4 });
    session.rt.send({ type: 'input_audio_buffer.commit' });
    const committed = await session.next((e) => e.type === 'input_audio_buffer.committed');
    const done = await session.next((e) => e.type === 'conversation.item.input_audio_transcription.completed');
    assert.equal(done.item_id, committed.item_id);
    assert.ok(wordErrorRate(clips[0].reference, done.transcript.toLowerCase().replace(/[^a-z' ]/g, '')).wer <= 0.5, done.transcript);
    assert.ok(!session.events.some((e) => e.type.startsWith('input_audio_buffer.speech_')), 'no VAD events without turn detection');

    session.rt.send({ type: 'input_audio_buffer.commit', event_id: 'commit-2' });
    const empty = await session.next((e) => e.type === 'error');
    assert.equal(empty.error.code, 'input_audio_buffer_commit_empty');
    assert.equal(empty.error.event_id, 'commit-2');

    // Cleared audio is never transcribed, and leaves nothing to commit.
    await session.append(bytesOf(first), { bytesPerSecond: 48000, speed: 8 });
    session.rt.send({ type: 'input_audio_buffer.clear' });
    await session.next((e) => e.type === 'input_audio_buffer.cleared');
    session.rt.send({ type: 'input_audio_buffer.commit', event_id: 'commit-3' });
    await session.next((e) => e.type === 'error' && e.error.event_id === 'commit-3');
    assert.equal(session.events.filter((e) => e.type === 'conversation.item.input_audio_transcription.completed').length, 1);
    session.rt.close();
  });

  test('a bad session.update is answered with an error event and the session goes on; the older transcription_session.update works', async () => {
    const session = await open();
    await session.next((e) => e.type === 'session.created');
    session.rt.send({ type: 'session.update', event_id: 'bad-1', session: { type: 'transcription', audio: { input: { format: { type: 'audio/pcm', rate: 16000 } } } } as any });
    const bad = await session.next((e) => e.type === 'error');
    assert.deepEqual(
      { type: bad.error.type, code: bad.error.code, param: bad.error.param, event_id: bad.error.event_id },
      { type: 'invalid_request_error', code: 'invalid_value', param: 'session.audio.input.format.rate', event_id: 'bad-1' },
    );
    session.rt.send({ type: 'session.update', event_id: 'bad-2', session: { type: 'transcription', audio: { input: { turn_detection: { type: 'server_vad', silence_duration_ms: 'long' } } }, colour: 'blue' } as any });
    const unknown = await session.next((e) => e.type === 'error' && e.error.event_id === 'bad-2');
    assert.equal(unknown.error.code, 'unknown_parameter');
    session.rt.send({ type: 'session.update', event_id: 'bad-3', session: { type: 'realtime' } });
    assert.equal((await session.next((e) => e.type === 'error' && e.error.event_id === 'bad-3')).error.param, 'session.type');
    session.rt.send({ type: 'response.create', event_id: 'bad-4' } as any);
    assert.equal((await session.next((e) => e.type === 'error' && e.error.event_id === 'bad-4')).error.param, 'type');
    assert.equal(session.errors.length, 4, 'the SDK surfaces each as an error');
    assert.ok(!session.events.some((e) => e.type === 'session.updated'));

    session.rt.send({ type: 'transcription_session.update', session: { input_audio_format: 'g711_alaw', input_audio_transcription: { model: 'whisper-1' }, turn_detection: { type: 'server_vad', silence_duration_ms: 700 } } } as any);
    const updated = await session.next((e) => e.type === 'transcription_session.updated');
    assert.equal(updated.session.input_audio_format, 'g711_alaw');
    assert.equal(updated.session.turn_detection.silence_duration_ms, 700);
    session.rt.send({ type: 'session.update', session: { type: 'transcription', audio: { input: { turn_detection: { type: 'semantic_vad', eagerness: 'high' } } } } });
    const semantic = await session.next((e) => e.type === 'session.updated');
    assert.deepEqual(semantic.session.audio.input.turn_detection, { type: 'semantic_vad', eagerness: 'high' });
    assert.deepEqual(semantic.session.audio.input.format, { type: 'audio/pcma' }, 'the beta update\'s format carries over');
    session.rt.close();
    assert.equal((await session.closed).code, 1000);
  });

  test('ephemeral client secrets: minted by the SDK, carry their session, refused once expired; a wrong key is refused', async (t) => {
    const secret = await client().realtime.clientSecrets.create({
      expires_after: { anchor: 'created_at', seconds: 60 },
      session: { type: 'transcription', audio: { input: { format: { type: 'audio/pcmu' }, turn_detection: { type: 'server_vad', silence_duration_ms: 600 } } } },
    });
    assert.match(secret.value, /^ek_/);
    assert.ok(Math.abs(secret.expires_at - (Date.now() / 1000 + 60)) < 5);
    assert.equal(secret.session.type, 'transcription');
    await assert.rejects(client().realtime.clientSecrets.create({ expires_after: { anchor: 'created_at', seconds: 5 } }), (err: any) => err.status === 400 && err.error?.param === 'expires_after.seconds');

    // μ-law at 8 kHz, as a telephony client sends it, on a session opened with the secret.
    const session = await open(secret.value);
    const created = await session.next((e) => e.type === 'session.created');
    assert.deepEqual(created.session.audio.input.format, { type: 'audio/pcmu' });
    const ulaw = mulaw(resample(pcm16k, 8000));
    await session.append(ulaw, { bytesPerSecond: 8000, speed: 2 });
    const done: Event[] = [];
    for (let i = 0; i < clips.length; i++) done.push(await session.next((e) => e.type === 'conversation.item.input_audio_transcription.completed' && !done.includes(e)));
    t.diagnostic(`μ-law 8 kHz: ${done.map((d) => `"${d.transcript}"`).join(', ')}`);
    // The first seconds of narrowband audio are weak while the engine's live normalisation adapts
    // (docs/streaming.md); the second turn is where telephony audio is judged.
    assert.ok(wordErrorRate(clips[1].reference, done[1].transcript.toLowerCase().replace(/[^a-z' ]/g, '')).wer <= 0.5, `μ-law: ${done[1].transcript}`);
    session.rt.close();

    // Signed like any other, but an hour old: refused before a session exists.
    const stale = new ClientSecrets(TOKEN_SECRET, () => Date.now() - 3_600_000).issue({ keyId: 'k', projectId: 'p' }, 60, defaultConfig('pocketsphinx'));
    const refused = await open(stale.value);
    const { code } = await refused.closed;
    assert.equal(code, 1008);
    assert.equal(refused.events.length, 1);
    assert.equal(refused.events[0].error.code, 'invalid_api_key');
    assert.match(refused.events[0].error.message, /expired/);

    const wrong = await open('sk-not-a-key');
    assert.equal((await wrong.closed).code, 1008);
    assert.match(wrong.events[0]?.error?.message ?? '', /Incorrect API key/);
  });

  test('?intent=transcription with the key in the subprotocol, as a browser connects; other intents refused', async () => {
    const { value } = await client().realtime.clientSecrets.create({});
    const ws = new WebSocket(`${s.url.replace(/^https/, 'wss')}/v1/realtime?intent=transcription`, ['realtime', `openai-insecure-api-key.${value}`], { ca: s.cert.cert });
    const first = await new Promise<Event>((resolve, reject) => {
      ws.once('message', (data) => resolve(JSON.parse(String(data)) as Event));
      ws.once('error', reject);
    });
    assert.equal(ws.protocol, 'realtime');
    assert.equal(first.type, 'session.created');
    ws.close();

    const other = new WebSocket(`${s.url.replace(/^https/, 'wss')}/v1/realtime?intent=conversation`, { headers: { authorization: `Bearer ${s.keyA}` }, ca: s.cert.cert });
    const closed = await new Promise<number>((resolve) => other.on('close', (code) => resolve(code)));
    assert.equal(closed, 1008);
  });
});

test('one core, two protocols: a v3 session and an OpenAI session count against the same per-key limit', async () => {
  const s = await startStreamServer({ streamMaxSessionsPerKey: 1 });
  try {
    const v3 = s.connect();
    await v3.begun;
    const openai = new OpenAI({ apiKey: s.keyA, baseURL: `${s.url}/v1` });
    const rt = new OpenAIRealtimeWS({ model: 'gpt-4o-transcribe', options: { ca: s.cert.cert } }, openai);
    const refused = track(rt);
    const { code } = await refused.closed;
    assert.equal(code, 1013);
    assert.equal(refused.events[0]?.error?.code, 'session_limit_reached');
    v3.ws.send(JSON.stringify({ type: 'Terminate' }));
    assert.equal((await v3.closed).code, 1000);
    // The slot is back: the other protocol gets it.
    const again = track(new OpenAIRealtimeWS({ model: 'gpt-4o-transcribe', options: { ca: s.cert.cert } }, openai));
    assert.equal((await again.next((e) => e.type === 'session.created', 10_000)).session.type, 'transcription');
    again.rt.close();
    await again.closed;
  } finally {
    await s.close();
  }
});
