/** custom_topics + topics: the caller's labels, heard through their own words and the IAB keywords they name. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detectCustomTopics } from '../../src/intelligence/topics/custom-topics.js';
import { createTranscript } from '../../src/transcript/model.js';

function transcriptOf(text: string) {
  let at = 0;
  const words = text.split(' ').map((t) => ({ text: t, start: (at += 300), end: at + 250, confidence: 0.9 }));
  return createTranscript({ segments: [{ start: 0, end: at + 300, words }] });
}

const NIGHT = transcriptOf('last night we pointed the telescope at jupiter and counted four moons in orbit, then the galaxies came out over the hills.');

test('a label is heard through the IAB keywords it names: "astronomy" hears telescope, moons, galaxies', () => {
  const result = detectCustomTopics(NIGHT, ['Astronomy', 'Cooking']);
  assert.equal(result.status, 'success');
  assert.deepEqual(Object.keys(result.summary), ['Astronomy'], 'labels spelled as given; Cooking has no evidence');
  assert.ok(result.results[0].labels[0].relevance > 0.5, JSON.stringify(result.results[0]));
});

test('a label that names no category is heard by its own words, by stem', () => {
  const result = detectCustomTopics(transcriptOf('our beekeepers checked the bee boxes twice this week.'), ['beekeeper', 'sailing']);
  assert.deepEqual(Object.keys(result.summary), ['beekeeper']);
});

test('a label never said and naming nothing gets no relevance at all', () => {
  const result = detectCustomTopics(NIGHT, ['quarterly earnings']);
  assert.deepEqual(result.summary, {});
  assert.ok(result.results.every((r) => r.labels.length === 0));
});
