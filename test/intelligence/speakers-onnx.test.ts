import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isEarshotError } from '../../src/errors.js';
import { diarize } from '../../src/intelligence/speakers/diarize.js';
import { SpeakerFeatureExtractor } from '../../src/intelligence/speakers/feature-extractor.js';
import { OnnxSpeakerEmbedder } from '../../src/intelligence/speakers/onnx-embedder.js';
import { fbankModel, integerInputModel, waveformModel } from './helpers/tiny-onnx.js';

// No speaker-embedding network ships with Earshot; these tiny hand-written ONNX graphs exercise
// the loading, contract checks and plumbing for real (their "embeddings" are not speaker-aware).
let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'earshot-speaker-model-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, bytes: Buffer | string) => {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
};

test('a missing model file is speaker_model_invalid', async () => {
  await assert.rejects(OnnxSpeakerEmbedder.open(join(dir, 'nope.onnx')), (e) => isEarshotError(e, 'speaker_model_invalid') && /does not exist/.test(e.message));
});

test('a file that is not ONNX is speaker_model_invalid', async () => {
  const path = write('garbage.onnx', 'this is not a protobuf model');
  await assert.rejects(OnnxSpeakerEmbedder.open(path), (e) => isEarshotError(e, 'speaker_model_invalid') && /could not be loaded/.test(e.message));
});

test('a model outside the documented contracts is refused with its inputs named', async () => {
  const path = write('ints.onnx', integerInputModel());
  await assert.rejects(OnnxSpeakerEmbedder.open(path), (e) => isEarshotError(e, 'speaker_model_invalid') && /inputs \[ids\]/.test(e.message));
  const wave = write('wave-as-fbank.onnx', waveformModel());
  await assert.rejects(OnnxSpeakerEmbedder.open(wave, { input: 'fbank' }), (e) => isEarshotError(e, 'speaker_model_invalid') && /fbank/.test(e.message));
});

test('a waveform model plugs into the extractor and diarization', async () => {
  const embedder = await OnnxSpeakerEmbedder.open(write('wave.onnx', waveformModel()));
  const extractor = new SpeakerFeatureExtractor({ embedder });
  // Two "speakers" this model can tell apart (its vectors are length-normalised, so they must
  // differ in shape, not level): a plain tone and one with a DC offset, 3 s each.
  const tone = (offset: number) => Int16Array.from({ length: 48000 }, (_, i) => Math.round(offset + 8000 * Math.sin(i / 7)));
  await extractor.addSegment({ start: 0, end: 3000, pcm: tone(0) });
  await extractor.addSegment({ start: 3500, end: 6500, pcm: tone(12000) });
  const features = extractor.features();
  assert.equal(features.kind, 'embedding');
  assert.ok(features.windows.every((w) => w.vector.length === 3 && w.frameStats === undefined));
  const result = diarize([{ text: 'one', start: 500, end: 900, confidence: 1 }, { text: 'two', start: 4000, end: 4400, confidence: 1 }], features, { speakersExpected: 2 });
  assert.deepEqual(result.words.map((w) => w.speaker), ['A', 'B']);
  await embedder.close();
});

test('an fbank model gets [1, frames, 80] features', async () => {
  const embedder = await OnnxSpeakerEmbedder.open(write('fbank.onnx', fbankModel()));
  const samples = Float32Array.from({ length: 16000 }, (_, i) => 0.3 * Math.sin(i / 5));
  const [embedded] = await embedder.embedWindows(samples, [{ start: 0, end: 16000 }], 1);
  assert.equal(embedded!.vector.length, 80);
  // Mean-normalised per window, so the average over frames is ~0 in every band.
  assert.ok(embedded!.vector.every((v) => Math.abs(v) < 1e-3));
  await embedder.close();
});
