/**
 * Issue 15 item 1 against a real server: a decoding bomb is refused while it decodes (as a job
 * and on /v1), a job past its deadline ends in error saying which settings set it, and the
 * redacted copy's length comes from the decoded samples, not from a header that lies.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { decodeAudioToPcm } from '../../src/audio/decode.js';
import { decodingBomb, lyingWav } from '../helpers/decoding-bomb.js';
import { startTestServer, type TestServer } from '../helpers/earshot-server.js';
import { SHARED_AUDIO_DIR } from '../helpers/librivox.js';
import { concatPcm } from '../helpers/pcm.js';

const jfkWav = readFileSync(join(SHARED_AUDIO_DIR, 'jfk.wav'));
let server: TestServer;
let bomb: Buffer;

before(async () => {
  server = await startTestServer({ maxAudioSeconds: 600 });
  bomb = await decodingBomb(24);
});
after(() => server?.close());

async function upload(s: TestServer, bytes: Buffer): Promise<string> {
  const reply = await s.call('POST', '/v2/upload', { raw: Uint8Array.from(bytes), headers: { 'content-type': 'application/octet-stream' } });
  assert.equal(reply.status, 200, reply.text);
  return reply.json.upload_url;
}

test('a transcript of a decoding bomb ends in error naming the limit and its setting', async () => {
  const created = await server.call('POST', '/v2/transcript', { body: { audio_url: await upload(server, bomb) } });
  assert.equal(created.status, 200, created.text);
  const done = await server.waitFor(created.json.id);
  assert.equal(done.status, 'error');
  assert.match(done.error, /decodes to more than 10 min.*EARSHOT_MAX_AUDIO_SECONDS=600/);
});

test('/v1/audio/transcriptions answers a decoding bomb with 413 audio_too_long', async () => {
  const form = new FormData();
  form.append('file', new Blob([Uint8Array.from(bomb)]), 'silence.flac');
  form.append('model', 'whisper-1');
  const response = await fetch(`${server.url}/v1/audio/transcriptions`, { method: 'POST', headers: { authorization: `Bearer ${server.keyA}` }, body: form });
  const body = (await response.json()) as { error: { code: string; message: string } };
  assert.equal(response.status, 413, JSON.stringify(body));
  assert.equal(body.error.code, 'audio_too_long');
  assert.match(body.error.message, /EARSHOT_MAX_AUDIO_SECONDS=600/);
});

test('the redacted copy is as long as the decoded audio, whatever length the header declares', async () => {
  const pcm = await decodeAudioToPcm(jfkWav);
  // The header says ten hours; the file holds JFK's eleven seconds.
  const liar = lyingWav(pcm, 10 * 3600);
  const created = await server.call('POST', '/v2/transcript', {
    body: {
      audio_url: await upload(server, liar),
      audio_end_at: 8000,
      redact_pii: true,
      redact_pii_policies: ['person_name'],
      redact_pii_audio: true,
      redact_pii_audio_quality: 'wav',
    },
  });
  assert.equal(created.status, 200, created.text);
  const done = await server.waitFor(created.json.id);
  assert.equal(done.status, 'completed', done.error);
  const link = await server.call('GET', `/v2/transcript/${done.id}/redacted-audio`);
  assert.equal(link.status, 200, link.text);
  const wav = Buffer.from(await (await fetch(link.json.redacted_audio_url)).arrayBuffer());
  const seconds = (wav.length - 44) / 32000;
  // Decoding stops at audio_end_at (8 s, plus the chunk in flight); never the declared 10 h.
  assert.ok(seconds >= 8 && seconds <= pcm.length / 16000, `the redacted copy lasts ${seconds} s`);
  assert.equal(wav.readUInt32LE(40), wav.length - 44, 'the WAV header states the length it holds');
});

test('a job past its deadline ends in error saying which settings set it', async () => {
  // One second per job, whatever its length: a minute of speech cannot finish in time.
  const strict = await startTestServer({ jobMinSeconds: 1, jobSecondsPerAudioSecond: 0 });
  try {
    const pcm = await decodeAudioToPcm(jfkWav);
    const minute = lyingWav(concatPcm(Array.from({ length: 6 }, () => pcm)), 0);
    minute.writeUInt32LE(minute.length - 8, 4);
    minute.writeUInt32LE(minute.length - 44, 40);
    const created = await strict.call('POST', '/v2/transcript', { body: { audio_url: await upload(strict, minute) } });
    const done = await strict.waitFor(created.json.id);
    assert.equal(done.status, 'error');
    assert.match(done.error, /ran past its deadline of \d+ s \(EARSHOT_JOB_MIN_SECONDS=1 plus EARSHOT_JOB_SECONDS_PER_AUDIO_SECOND=0/);
  } finally {
    await strict.close();
  }
});
