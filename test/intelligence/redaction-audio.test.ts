import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeAudioToPcm } from '../../src/audio/decode.js';
import { isEarshotError } from '../../src/errors.js';
import { bleepAudio, bleepPiece, spanSamples, toneSample } from '../../src/intelligence/redaction/bleep.js';
import { encodeMp3, encodePieces, encodeRedactedAudio, encodeWav } from '../../src/intelligence/redaction/encode.js';

const RATE = 16000;
/** Two seconds of a low hum standing in for speech, so "unchanged" is checked on non-zero samples. */
const original = Int16Array.from({ length: 2 * RATE }, (_, i) => Math.round(4000 * Math.sin((2 * Math.PI * 220 * i) / RATE)));
const spans = [{ start: 250, end: 500 }, { start: 1200.5, end: 1300 }];

test('bleep: samples inside the spans are the 1 kHz tone, outside they are untouched', () => {
  const out = bleepAudio(original, spans);
  assert.equal(out.length, original.length);
  const inside = new Uint8Array(original.length);
  for (const span of spans) {
    const [from, to] = spanSamples(span, RATE, original.length);
    inside.fill(1, from, to);
    for (let i = from; i < to; i++) assert.equal(out[i], toneSample(i - from, RATE, 1000, 0.3));
  }
  assert.deepEqual(spanSamples(spans[0], RATE, original.length), [4000, 8000]);
  assert.deepEqual(spanSamples(spans[1], RATE, original.length), [19208, 20800]);
  for (let i = 0; i < original.length; i++) if (!inside[i]) assert.equal(out[i], original[i], `sample ${i}`);
  // The input is not modified.
  assert.equal(original[4001], Math.round(4000 * Math.sin((2 * Math.PI * 220 * 4001) / RATE)));
});

test('bleep: the tone is a 1 kHz sine (16 samples a period) at the set level', () => {
  const out = bleepAudio(new Int16Array(RATE), [{ start: 0, end: 1000 }], { amplitude: 0.5 });
  assert.equal(out[0], 0);
  assert.equal(out[4], Math.round(0.5 * 32767));
  assert.equal(out[4 + 16], out[4]);
  assert.equal(Math.max(...out), Math.round(0.5 * 32767));
});

test('bleep: spans past the end are clipped; bad settings are refused', () => {
  const out = bleepAudio(original, [{ start: 1900, end: 99999 }]);
  assert.equal(out.length, original.length);
  assert.equal(out[original.length - 1], toneSample(original.length - 1 - 30400, RATE, 1000, 0.3));
  assert.throws(() => bleepAudio(original, spans, { frequency: 9000 }), (e) => isEarshotError(e, 'invalid_request'));
});

test('WAV: a 44-byte header and the samples, read back bit for bit by the decoder', async () => {
  const redacted = bleepAudio(original, spans);
  const wav = encodeWav(redacted);
  assert.equal(wav.length, 44 + redacted.length * 2);
  assert.equal(wav.toString('ascii', 0, 4), 'RIFF');
  assert.equal(wav.readUInt32LE(24), RATE);
  assert.deepEqual(await decodeAudioToPcm(wav), redacted);
});

test('MP3 over pipes: decodes back to the same length with the tone where the spans are', async () => {
  const redacted = bleepAudio(new Int16Array(2 * RATE), spans);
  const mp3 = await encodeRedactedAudio(redacted, 'mp3');
  assert.equal(mp3.subarray(0, 3).toString('ascii') === 'ID3' || (mp3[0] === 0xff && (mp3[1] & 0xe0) === 0xe0), true, 'an MP3 stream');
  const decoded = await decodeAudioToPcm(mp3);
  // MP3 pads with encoder delay and whole frames; the length agrees to within a few frames.
  assert.ok(Math.abs(decoded.length - redacted.length) < 3 * 1152, `${decoded.length} vs ${redacted.length}`);
  const rms = (from: number, to: number) => Math.sqrt(decoded.subarray(from, to).reduce((s, x) => s + x * x, 0) / (to - from));
  assert.ok(rms(5000, 7000) > 3000, 'tone inside the first span');
  assert.ok(rms(10000, 15000) < 200, 'silence between the spans');
});

test('MP3: a missing ffmpeg is ffmpeg_missing', async () => {
  await assert.rejects(encodeMp3(original, { ffmpegPath: '/nonexistent/ffmpeg' }), (e) => isEarshotError(e, 'ffmpeg_missing'));
});

test('bleep and encode piece by piece: the same samples and the same WAV as the whole array at once', async () => {
  const whole = bleepAudio(original, spans);
  // Pieces of 0.3 s: span edges fall inside pieces and across their borders.
  const size = 4800;
  const pieces: Int16Array[] = [];
  for (let offset = 0; offset < original.length; offset += size) {
    const piece = original.slice(offset, offset + size);
    bleepPiece(piece, offset, original.length, spans);
    pieces.push(piece);
  }
  assert.deepEqual(Int16Array.from(pieces.flatMap((p) => [...p])), whole);
  assert.deepEqual(await encodePieces(pieces, original.length, 'wav'), encodeWav(whole));
  const mp3 = await encodePieces(pieces, original.length, 'mp3');
  assert.ok(Math.abs((await decodeAudioToPcm(mp3)).length - original.length) < 0.1 * RATE);
});
