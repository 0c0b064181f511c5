/**
 * Issue 7's closing note asks what each method does on transcripts with recognition errors. The
 * chapters figures are in chapters-measure.test.ts; this file measures topics and key phrases on
 * the same 42-minute fixture, clean and with 30% simulated word errors, and prints the figures.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { autoHighlights } from '../../src/intelligence/highlights/highlights.js';
import { detectTopics } from '../../src/intelligence/topics/topics.js';
import type { Transcript } from '../../src/transcript/model.js';
import { parseTranscript } from '../../src/transcript/parse.js';
import type { PodcastReference } from '../fixtures/chapters/build-podcast.js';
import { injectErrors } from './helpers/noise.js';

const DIR = fileURLToPath(new URL('../fixtures/chapters/', import.meta.url));
const clean = parseTranscript(readFileSync(`${DIR}podcast-topics.txt`, 'utf8'));
const reference: PodcastReference = JSON.parse(readFileSync(`${DIR}podcast-topics.json`, 'utf8'));
const noisy = injectErrors(clean, { substitute: 0.2, delete: 0.1, raw: true, seed: 1 });

/** The IAB label a listener would give each fixture topic. */
const EXPECTED: Record<string, string> = {
  cooking: 'FoodAndDrink>Cooking',
  astronomy: 'Science>SpaceAndAstronomy',
  football: 'Sports>Soccer',
  gardening: 'Home&Garden>Gardening',
  running: 'HealthyLiving>FitnessAndExercise>RunningAndJogging',
  networking: 'Technology&Computing>Computing>ComputerNetworking',
  volcanoes: 'Science>Geology',
  beekeeping: 'Hobbies&Interests>Beekeeping',
  sailing: 'Sports>Sailing',
  photography: 'Hobbies&Interests>ArtsAndCrafts>Photography',
};

/** Share of passages whose top label is their topic's label (passages are judged by their midpoint). */
function topicAccuracy(transcript: Transcript): { accuracy: number; passages: number; unlabelled: number; topTen: string[] } {
  const result = detectTopics(transcript);
  let right = 0;
  let unlabelled = 0;
  for (const r of result.results) {
    const mid = (r.timestamp.start + r.timestamp.end) / 2;
    const topic = reference.topics.find((t) => mid >= t.startMs && mid < t.endMs) ?? reference.topics[reference.topics.length - 1];
    if (r.labels.length === 0) unlabelled++;
    if (r.labels[0]?.label === EXPECTED[topic.id]) right++;
  }
  return { accuracy: right / result.results.length, passages: result.results.length, unlabelled, topTen: Object.keys(result.summary).slice(0, 10) };
}

test('topic detection: passage labels and the file summary, clean and with 30% word errors', (t) => {
  const a = topicAccuracy(clean);
  const b = topicAccuracy(noisy);
  t.diagnostic(`clean: top label right for ${(a.accuracy * 100).toFixed(0)}% of ${a.passages} passages (${a.unlabelled} without a label)`);
  t.diagnostic(`30% errors: top label right for ${(b.accuracy * 100).toFixed(0)}% of ${b.passages} passages (${b.unlabelled} without a label)`);
  const expected = Object.values(EXPECTED).sort();
  assert.ok(a.accuracy >= 0.85, `clean ${a.accuracy}`);
  assert.ok(b.accuracy >= 0.75, `30% errors ${b.accuracy}`);
  // The file summary's ten best labels are the ten topics, with or without errors.
  assert.deepEqual([...a.topTen].sort(), expected);
  assert.deepEqual([...b.topTen].sort(), expected);
});

test('key phrases: how many of the clean highlights survive 30% word errors', (t) => {
  const cleanPhrases = autoHighlights(clean).results.map((r) => r.text.toLowerCase());
  const noisyPhrases = autoHighlights(noisy).results.map((r) => r.text.toLowerCase());
  const kept = cleanPhrases.filter((p) => noisyPhrases.includes(p));
  t.diagnostic(`clean highlights: ${cleanPhrases.join(', ')}`);
  t.diagnostic(`30% errors: ${noisyPhrases.join(', ')}`);
  t.diagnostic(`${kept.length} of ${cleanPhrases.length} clean highlights are still found`);
  assert.ok(kept.length >= cleanPhrases.length / 2, `${kept.length} of ${cleanPhrases.length}`);
});
