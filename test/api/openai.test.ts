/**
 * The OpenAI-compatible API (issue #8 item 5) driven by the official `openai` SDK with its
 * baseURL at `<server>/v1`: every response format, `stream: true`, models, errors in OpenAI's
 * shape, a file without name or type recognised from its bytes, files past OpenAI's 25 MB, and
 * the server's own upload limit. Real server, engine and audio throughout.
 */
import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import OpenAI, { APIError, toFile } from 'openai';
import { encodeWav } from '../../src/intelligence/redaction/encode.js';
import { JFK_REFERENCE, librivoxClips, SHARED_AUDIO_DIR } from '../helpers/librivox.js';
import { startTestServer, type TestServer } from '../helpers/earshot-server.js';
import { clipSequence, wavOf } from '../realtime/helpers/audio.js';

const clips = librivoxClips();
const shortClip = clips.find((c) => c.id.endsWith('0880'))!; // 3 s: "he was not an ill disposed young man"
const JFK_MP3 = join(SHARED_AUDIO_DIR, 'jfk.mp3');

/** Lower case, letters, digits and apostrophes only: compares texts across punctuation and casing. */
const words = (text: string): string[] => text.toLowerCase().replace(/[^a-z0-9' ]+/g, ' ').split(/\s+/).filter((w) => w !== '');

function client(server: TestServer, apiKey = server.keyA): OpenAI {
  return new OpenAI({ apiKey, baseURL: `${server.url}/v1`, maxRetries: 0, timeout: 180_000 });
}

/** Expects the promise to fail with the SDK's APIError, and returns it. */
async function apiError(promise: Promise<unknown>): Promise<APIError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof APIError, `expected an APIError, got ${String(err)}`);
    return err;
  }
  assert.fail('the request succeeded');
}

describe('OpenAI-compatible API', () => {
  let server: TestServer;
  let openai: OpenAI;
  before(async () => {
    server = await startTestServer();
    openai = client(server);
  });
  after(() => server?.close());

  test('models.list() and models.retrieve(): installed models and OpenAI names for the default', async () => {
    const ids: string[] = [];
    for await (const model of openai.models.list()) {
      assert.equal(model.object, 'model');
      assert.equal(model.owned_by, 'earshot');
      assert.ok(Number.isInteger(model.created) && model.created > 1_000_000_000, `created ${model.created}`);
      ids.push(model.id);
    }
    for (const id of ['en-us', 'whisper-1', 'gpt-4o-transcribe', 'gpt-4o-mini-transcribe']) assert.ok(ids.includes(id), `${id} in ${ids}`);
    const whisper1 = (await openai.models.retrieve('whisper-1')) as OpenAI.Models.Model & { root: string; engine: string };
    assert.deepEqual([whisper1.id, whisper1.root, whisper1.engine], ['whisper-1', 'en-us', 'pocketsphinx']);
    const missing = await apiError(openai.models.retrieve('no-such-model'));
    assert.equal(missing.status, 404);
    assert.equal(missing.code, 'model_not_found');
  });

  test('json (default format): the text, usage in seconds, and the model that ran', async () => {
    const { data, response } = await openai.audio.transcriptions
      .create({ file: createReadStream(shortClip.path), model: 'whisper-1' })
      .withResponse();
    assert.match(data.text, /young man/i);
    assert.match(data.text, /^He /, 'punctuated and cased like OpenAI output');
    assert.deepEqual(data.usage, { type: 'duration', seconds: 3 });
    assert.equal(response.headers.get('x-earshot-model'), 'en-us');
    // The model's own name gives the same result as OpenAI's alias for it; a prompt steers
    // whisper-class engines only, so pocketsphinx's words do not change.
    const byName = await openai.audio.transcriptions.create({
      file: createReadStream(shortClip.path),
      model: 'en-us',
      language: 'en',
      prompt: 'Sense and Sensibility, by Jane Austen.',
    });
    assert.equal(byName.text, data.text);
  });

  test('chunking_strategy server_vad settings reach the segmenter', async () => {
    const { pcm } = await clipSequence(['0880', '0930'], 1200);
    const file = await toFile(wavOf(pcm), 'two.wav');
    const auto = await openai.audio.transcriptions.create({ file, model: 'whisper-1', response_format: 'verbose_json', chunking_strategy: 'auto' });
    assert.ok(auto.segments!.length >= 2, `${auto.segments!.length} segments with the default silence`);
    const patient = await openai.audio.transcriptions.create({
      file,
      model: 'whisper-1',
      response_format: 'verbose_json',
      chunking_strategy: { type: 'server_vad', silence_duration_ms: 2500, prefix_padding_ms: 300, threshold: 0.5 },
    });
    assert.equal(patient.segments!.length, 1, 'a 1.2 s pause no longer ends a segment');
    assert.match(patient.text, /young man/i);
  });

  test('text, srt and vtt: plain strings with the same words as json', async () => {
    const file = await toFile(await readFile(shortClip.path), 'clip.wav');
    const json = await openai.audio.transcriptions.create({ file, model: 'whisper-1', response_format: 'json' });
    const text = await openai.audio.transcriptions.create({ file, model: 'whisper-1', response_format: 'text' });
    assert.equal(text, `${json.text}\n`);

    const srt = await openai.audio.transcriptions.create({ file, model: 'whisper-1', response_format: 'srt' });
    assert.match(srt, /^1\n00:00:0\d,\d{3} --> 00:00:0\d,\d{3}\n/);
    const srtText = srt.split('\n').filter((l) => l !== '' && !/^\d+$/.test(l) && !l.includes('-->')).join(' ');
    assert.deepEqual(words(srtText), words(json.text));

    const vtt = await openai.audio.transcriptions.create({ file, model: 'whisper-1', response_format: 'vtt' });
    assert.match(vtt, /^WEBVTT\n\n00:00:0\d\.\d{3} --> 00:00:0\d\.\d{3}\n/);
    const vttText = vtt.split('\n').slice(1).filter((l) => l !== '' && !l.includes('-->')).join(' ');
    assert.deepEqual(words(vttText), words(json.text));
  });

  test('verbose_json: every field clients read, words and segments when asked', async () => {
    const file = await toFile(await readFile(JFK_MP3), 'jfk.mp3');
    const verbose = await openai.audio.transcriptions.create({
      file,
      model: 'whisper-1',
      response_format: 'verbose_json',
      timestamp_granularities: ['word', 'segment'],
      temperature: 0,
    });
    const full = verbose as typeof verbose & { task: string };
    assert.equal(full.task, 'transcribe');
    assert.equal(verbose.language, 'english');
    assert.ok(verbose.duration > 10.5 && verbose.duration < 11.5, `duration ${verbose.duration}`);
    assert.deepEqual(verbose.usage, { type: 'duration', seconds: Math.ceil(verbose.duration) });
    assert.ok(verbose.text.length > 20);

    const segments = verbose.segments!;
    assert.ok(segments.length >= 2, `${segments.length} segments`);
    segments.forEach((s, i) => {
      assert.equal(s.id, i);
      assert.ok(s.start >= 0 && s.end > s.start && s.end <= verbose.duration + 0.01, `segment ${i}: ${s.start}–${s.end}`);
      assert.ok(i === 0 || s.start >= segments[i - 1].end, 'segments in order, not overlapping');
      assert.equal(s.seek, Math.round(s.start * 100));
      assert.ok(Array.isArray(s.tokens));
      assert.equal(s.temperature, 0);
      assert.ok(s.avg_logprob <= 0 && s.avg_logprob > -20, `avg_logprob ${s.avg_logprob}`);
      assert.ok(s.compression_ratio > 0 && s.compression_ratio < 2.4, `compression_ratio ${s.compression_ratio}`);
      assert.ok(s.no_speech_prob >= 0 && s.no_speech_prob <= 1);
      assert.match(s.text, /^ \S/, 'Whisper-style leading space');
    });
    assert.equal(segments.map((s) => s.text).join('').trim(), verbose.text);

    const timed = verbose.words!;
    assert.deepEqual(timed.map((w) => w.word.toLowerCase()), words(verbose.text).map((w) => w.replace(/'$/, '')));
    timed.forEach((w, i) => {
      assert.ok(w.end >= w.start && w.start >= 0 && w.end <= verbose.duration + 0.01, JSON.stringify(w));
      assert.ok(i === 0 || w.start >= timed[i - 1].start, 'words in time order');
      assert.doesNotMatch(w.word, /^[^\p{L}\p{N}]|[^\p{L}\p{N}]$/u, 'words carry no punctuation');
      const segment = segments.find((s) => w.start >= s.start - 0.01 && w.end <= s.end + 0.01);
      assert.ok(segment, `word ${w.word} lies inside a segment`);
    });

    // As OpenAI: segments by default, words only when asked, only words when only words are asked.
    const plain = await openai.audio.transcriptions.create({ file, model: 'whisper-1', response_format: 'verbose_json' });
    assert.ok(plain.segments && plain.segments.length === segments.length);
    assert.equal(plain.words, undefined);
    const wordsOnly = await openai.audio.transcriptions.create({ file, model: 'whisper-1', response_format: 'verbose_json', timestamp_granularities: ['word'] });
    assert.equal(wordsOnly.segments, undefined);
    assert.equal(wordsOnly.words!.length, timed.length);
  });

  test('include logprobs: one per word, joined they read as the text', async () => {
    const file = await toFile(await readFile(shortClip.path), 'clip.wav');
    const result = await openai.audio.transcriptions.create({ file, model: 'gpt-4o-transcribe', include: ['logprobs'] });
    const logprobs = result.logprobs!;
    assert.equal(logprobs.length, result.text.split(' ').length);
    assert.equal(logprobs.map((l) => l.token).join(''), result.text);
    for (const l of logprobs) {
      assert.ok(l.logprob! <= 0 && l.logprob! >= Math.log(1e-6), `logprob ${l.logprob}`);
      assert.deepEqual(l.bytes, [...Buffer.from(l.token!)]);
    }
  });

  test('stream: true → a delta per finished segment while the file decodes, then done with the deltas joined', async (t) => {
    const sequence = await clipSequence(['0870', '0880', '0890', '0920', '0930'], 1500);
    const wav = wavOf(sequence.pcm);
    const stream = await openai.audio.transcriptions.create({ file: await toFile(wav, 'long.wav'), model: 'whisper-1', stream: true });
    const events: Array<{ at: number; event: OpenAI.Audio.TranscriptionStreamEvent }> = [];
    for await (const event of stream) events.push({ at: Date.now(), event });

    const deltas = events.filter((e) => e.event.type === 'transcript.text.delta');
    const done = events.filter((e) => e.event.type === 'transcript.text.done');
    assert.equal(done.length, 1);
    assert.equal(events[events.length - 1].event.type, 'transcript.text.done', 'done comes last');
    assert.ok(deltas.length >= sequence.clips.length, `${deltas.length} deltas for ${sequence.clips.length} clips apart`);
    const deltaTexts = deltas.map((d) => (d.event as OpenAI.Audio.TranscriptionTextDeltaEvent).delta);
    assert.ok(deltaTexts.every((d) => d.trim() !== ''));
    const doneText = (done[0].event as OpenAI.Audio.TranscriptionTextDoneEvent).text;
    assert.equal(doneText, deltaTexts.join(''));
    // Deltas arrive while later audio is still being recognised, not all at the end.
    t.diagnostic(`${deltas.length} deltas; the first ${done[0].at - deltas[0].at} ms before done`);
    assert.ok(deltas[0].at < done[0].at - 200, `first delta ${done[0].at - deltas[0].at} ms before done`);
    for (const phrase of ['young man', 'selfish', 'amiable woman']) assert.match(doneText.toLowerCase(), new RegExp(phrase));

    // The same words as the whole-file answer (punctuation may differ: each delta is punctuated alone).
    const whole = await openai.audio.transcriptions.create({ file: await toFile(wav, 'long.wav'), model: 'whisper-1' });
    assert.deepEqual(words(doneText), words(whole.text));

    // A client that stops reading after the first delta stops the work: the audio is let go long
    // before the rest of the file could have been recognised (which took the time measured above).
    const abandoned = await openai.audio.transcriptions.create({ file: await toFile(wav, 'long.wav'), model: 'whisper-1', stream: true });
    for await (const event of abandoned) {
      assert.equal(event.type, 'transcript.text.delta');
      assert.ok(server.server.vault.size.bytes >= wav.length, 'the audio is held while it is transcribed');
      break;
    }
    const stoppedAt = Date.now();
    while (server.server.vault.size.bytes > 0 && Date.now() - stoppedAt < 5000) await new Promise((r) => setTimeout(r, 20));
    assert.equal(server.server.vault.size.bytes, 0);
    const releasedMs = Date.now() - stoppedAt;
    t.diagnostic(`audio released ${releasedMs} ms after the client left`);
    assert.ok(releasedMs < (done[0].at - deltas[0].at) / 2, `released after ${releasedMs} ms`);
  });

  test('a file without a filename or content type is recognised from its bytes', async () => {
    const mp3 = await readFile(JFK_MP3);
    // FormData with an untyped Blob: undici names it "blob", type application/octet-stream.
    const form = new FormData();
    form.append('file', new Blob([mp3]));
    form.append('response_format', 'verbose_json');
    const viaFormData = await fetch(`${server.url}/v1/audio/transcriptions`, { method: 'POST', headers: { authorization: `Bearer ${server.keyA}` }, body: form });
    assert.equal(viaFormData.status, 200, await viaFormData.clone().text());
    const fromBlob = (await viaFormData.json()) as { duration: number; text: string };
    assert.ok(fromBlob.duration > 10.5 && fromBlob.duration < 11.5, `duration ${fromBlob.duration}`);

    // A part with no filename and no Content-Type at all (busboy alone would call it a text field).
    const boundary = 'earshot-test-boundary';
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="model"\r\n\r\nwhisper-1\r\n`),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"\r\n\r\n`),
      mp3,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const bare = await fetch(`${server.url}/v1/audio/transcriptions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.keyA}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
      body,
    });
    assert.equal(bare.status, 200, await bare.clone().text());
    assert.equal(((await bare.json()) as { text: string }).text, fromBlob.text);
    // The transcript is JFK's line as well as the default engine hears it (it does badly on this recording).
    assert.ok(words(fromBlob.text).some((w) => words(JFK_REFERENCE).includes(w)));
  });

  test('errors in OpenAI shape: unknown model lists the available ones, wrong key 401, bad fields 400', async () => {
    const file = await toFile(await readFile(shortClip.path), 'clip.wav');
    const unknown = await apiError(openai.audio.transcriptions.create({ file, model: 'whisper-large-v9' }));
    assert.equal(unknown.status, 400);
    assert.equal(unknown.code, 'model_not_found');
    assert.equal(unknown.param, 'model');
    assert.equal(unknown.type, 'invalid_request_error');
    assert.match(unknown.message, /whisper-large-v9/);
    for (const id of ['en-us', 'whisper-1', 'gpt-4o-transcribe']) assert.ok(unknown.message.includes(id), `${id} in: ${unknown.message}`);

    const denied = await apiError(client(server, 'not-a-key').audio.transcriptions.create({ file, model: 'whisper-1' }));
    assert.equal(denied.status, 401);
    assert.equal(denied.code, 'invalid_api_key');
    assert.equal((await apiError(client(server, 'not-a-key').models.list())).status, 401);
    const noKey = await fetch(`${server.url}/v1/models`);
    assert.equal(noKey.status, 401);
    assert.deepEqual(Object.keys(((await noKey.json()) as { error: object }).error).sort(), ['code', 'message', 'param', 'type']);

    const language = await apiError(openai.audio.transcriptions.create({ file, model: 'whisper-1', language: 'fr' }));
    assert.deepEqual([language.status, language.param], [400, 'language']);
    const format = await apiError(openai.audio.transcriptions.create({ file, model: 'whisper-1', response_format: 'diarized_json' }));
    assert.deepEqual([format.status, format.param], [400, 'response_format']);
    const granularity = await apiError(openai.audio.transcriptions.create({ file, model: 'whisper-1', timestamp_granularities: ['word'] }));
    assert.deepEqual([granularity.status, granularity.param], [400, 'timestamp_granularities']);
    const notAudio = await apiError(openai.audio.transcriptions.create({ file: await toFile(Buffer.from('definitely not audio'), 'a.mp3'), model: 'whisper-1' }));
    assert.equal(notAudio.status, 400);
    assert.ok(notAudio.code && notAudio.code.startsWith('audio_'), `code ${notAudio.code}`);
    // Before any event, a stream fails like any request: a status and OpenAI's error body.
    const streamNotAudio = await apiError(openai.audio.transcriptions.create({ file: await toFile(Buffer.from('nope'), 'a.wav'), model: 'whisper-1', stream: true }));
    assert.equal(streamNotAudio.status, 400);

    // Form mistakes found before any audio is decoded, each naming its field.
    const clip = await readFile(shortClip.path);
    const cases: Array<[string, Array<[string, string]>, number, string | null]> = [
      ['duplicate field', [['model', 'whisper-1'], ['model', 'en-us']], 400, 'model'],
      ['stream with srt', [['stream', 'true'], ['response_format', 'srt']], 400, 'stream'],
      ['temperature out of range', [['temperature', '2']], 400, 'temperature'],
      ['stream not boolean', [['stream', 'maybe']], 400, 'stream'],
      ['bad chunking strategy', [['chunking_strategy', 'fixed']], 400, 'chunking_strategy'],
      ['logprobs with verbose_json', [['include[]', 'logprobs'], ['response_format', 'verbose_json']], 400, 'include'],
      ['speaker names', [['known_speaker_names[]', 'agent']], 400, 'known_speaker_names'],
      ['model known but not installed', [['model', 'large-v3']], 400, 'model'],
    ];
    for (const [name, fields, status, param] of cases) {
      const form = new FormData();
      form.append('file', new Blob([clip]), 'clip.wav');
      for (const [key, value] of fields) form.append(key, value);
      const reply = await fetch(`${server.url}/v1/audio/transcriptions`, { method: 'POST', headers: { authorization: `Bearer ${server.keyA}` }, body: form });
      const body = (await reply.json()) as { error: { param: string | null; message: string } };
      assert.deepEqual([reply.status, body.error.param], [status, param], `${name}: ${body.error.message}`);
    }
    const noFile = new FormData();
    noFile.append('model', 'whisper-1');
    const missing = await fetch(`${server.url}/v1/audio/transcriptions`, { method: 'POST', headers: { authorization: `Bearer ${server.keyA}` }, body: noFile });
    assert.deepEqual([missing.status, ((await missing.json()) as { error: { param: string } }).error.param], [400, 'file']);
    const json = await fetch(`${server.url}/v1/audio/transcriptions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.keyA}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'whisper-1' }),
    });
    assert.equal(json.status, 400);
    assert.match(((await json.json()) as { error: { message: string } }).error.message, /multipart\/form-data/);

    const extra = new FormData();
    extra.append('file', new Blob([await readFile(shortClip.path)]), 'clip.wav');
    extra.append('speaker_labels', 'true');
    const refused = await fetch(`${server.url}/v1/audio/transcriptions`, { method: 'POST', headers: { authorization: `Bearer ${server.keyA}` }, body: extra });
    assert.equal(refused.status, 400);
    const refusedBody = (await refused.json()) as { error: { message: string; param: string } };
    assert.equal(refusedBody.error.param, 'speaker_labels');
    assert.match(refusedBody.error.message, /Unknown form field: speaker_labels/);
  });
});

/** A 48 kHz stereo 16-bit WAV: the clip, then silence up to `totalBytes` (three times the bytes of 16 kHz mono). */
function bigWav(pcm16k: Int16Array, totalBytes: number): Buffer {
  const frames = Math.floor((totalBytes - 44) / 4);
  const pcm = new Int16Array(frames * 2);
  for (let i = 0; i < pcm16k.length * 3 && i < frames; i++) pcm[2 * i] = pcm[2 * i + 1] = pcm16k[Math.floor(i / 3)];
  return encodeWav(pcm, 48000, 2);
}

test('files past OpenAI 25 MB are accepted up to the server limit; beyond it, 413 in OpenAI shape', async () => {
  const limit = 27 * 1024 * 1024;
  const server = await startTestServer({ maxUploadBytes: limit });
  try {
    const openai = client(server);
    const { pcm } = await clipSequence(['0880'], 0);
    const big = bigWav(pcm, 26 * 1024 * 1024);
    assert.ok(big.length > 25 * 1024 * 1024);
    const result = await openai.audio.transcriptions.create({ file: await toFile(big, 'big.wav'), model: 'whisper-1', response_format: 'verbose_json' });
    assert.match(result.text, /young man/i);
    assert.ok(Math.abs(result.duration - (big.length - 44) / (48000 * 4)) < 0.1, `duration ${result.duration}`);

    const tooBig = Buffer.concat([big, Buffer.alloc(limit - big.length + 1)]);
    const refused = await apiError(openai.audio.transcriptions.create({ file: await toFile(tooBig, 'huge.wav'), model: 'whisper-1' }));
    assert.equal(refused.status, 413);
    assert.equal(refused.param, 'file');
    assert.equal(refused.type, 'invalid_request_error');
    assert.match(refused.message, new RegExp(`${limit} bytes`));
    // The server is fine afterwards, and nothing stays held in memory.
    assert.equal(server.server.vault.size.bytes, 0);
    const again = await openai.audio.transcriptions.create({ file: createReadStream(shortClip.path), model: 'whisper-1' });
    assert.match(again.text, /young man/i);
  } finally {
    await server.close();
  }
});
