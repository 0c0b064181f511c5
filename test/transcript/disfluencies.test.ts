import assert from 'node:assert/strict';
import { test } from 'node:test';
import { featureStages, runFeatureStages } from '../../src/pipeline/features.js';
import { withoutFillers } from '../../src/transcript/disfluencies.js';
import type { Transcript } from '../../src/transcript/model.js';

const word = (text: string, start: number) => ({ text, start, end: start + 200, confidence: 0.9 });
const words = ['um', 'I', 'think', 'uh', 'we', 'should', 'Hmm,', 'uh-huh', 'go', 'ahead'].map((t, i) => word(t, i * 250));
const transcript: Transcript = { words, segments: [{ start: 0, end: 2500, words }], durationMs: 3000, language: 'en', model: 'test' };

test('filler words leave the words and the segments; other words keep their times', () => {
  const clean = withoutFillers(transcript);
  assert.deepEqual(clean.words.map((w) => w.text), ['I', 'think', 'we', 'should', 'go', 'ahead']);
  assert.deepEqual(clean.segments[0].words, clean.words);
  assert.equal(clean.words[2].start, 1000);
  assert.equal(withoutFillers(clean), clean, 'nothing to remove: the same transcript back');
});

test('the pipeline leaves fillers out by default, as AssemblyAI does, and keeps them with disfluencies', async () => {
  const run = async (disfluencies: boolean | undefined) =>
    (await runFeatureStages({ transcript, taps: {} }, featureStages({ disfluencies, punctuate: false, format_text: false }).stages)).transcript.words.map((w) => w.text);
  assert.deepEqual(await run(undefined), ['I', 'think', 'we', 'should', 'go', 'ahead']);
  assert.deepEqual(await run(true), words.map((w) => w.text));
});
