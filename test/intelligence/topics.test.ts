import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IAB_TAXONOMY } from '../../src/intelligence/topics/taxonomy.js';
import { detectTopics } from '../../src/intelligence/topics/topics.js';
import { repeatSentences, spoken } from './helpers/transcript.js';

const SOCCER = [
  'The striker scored two goals before the goalkeeper could react.',
  'Their midfield pressing forced the defenders into a long ball.',
  'The coach changed the formation at half time and the full backs pushed up.',
];
const ASTRONOMY = [
  'Through the telescope we saw the rings of Saturn and four moons of Jupiter.',
  'The Andromeda galaxy is two and a half million light years away.',
  'Astronomers count billions of stars in every spiral galaxy.',
];

test('each passage gets its IAB label, with timestamps, and the summary ranks the labels over the file', () => {
  const t = spoken([...repeatSentences(SOCCER, 9), { text: ASTRONOMY[0], pauseMs: 2000 }, ...repeatSentences(ASTRONOMY, 9).slice(1)]);
  const result = detectTopics(t);
  assert.equal(result.status, 'success');
  assert.ok(result.results.length >= 2);
  const first = result.results[0];
  const last = result.results[result.results.length - 1];
  assert.equal(first.labels[0].label, 'Sports>Soccer');
  assert.ok(first.labels[0].relevance > 0.8, JSON.stringify(first.labels));
  assert.equal(last.labels[0].label, 'Science>SpaceAndAstronomy');
  assert.equal(first.timestamp.start, t.words[0].start);
  assert.equal(last.timestamp.end, t.words[t.words.length - 1].end);
  assert.ok(first.text.startsWith('The striker scored'));
  const summary = Object.entries(result.summary);
  assert.deepEqual(summary.slice(0, 2).map(([label]) => label).sort(), ['Science>SpaceAndAstronomy', 'Sports>Soccer']);
  assert.equal(summary[0][1], 1, 'the top label has relevance 1');
  for (const r of result.results) {
    const relevances = r.labels.map((l) => l.relevance);
    assert.deepEqual(relevances, [...relevances].sort((a, b) => b - a));
  }
});

test('a passage with no topic words has no labels, and a stray keyword stays weak', () => {
  const result = detectTopics(spoken(['Well, I think that is it for now, see you next time.', 'We had a good chat about the garden.']));
  assert.ok(result.results.every((r) => r.labels.every((l) => l.relevance < 0.5)), JSON.stringify(result.results));
});

test('labels are written the way AssemblyAI writes IAB labels', () => {
  const labels = IAB_TAXONOMY.map((c) => c.label);
  assert.equal(new Set(labels).size, labels.length, 'no label twice');
  for (const label of labels) assert.match(label, /^[A-Za-z&-]+(>[A-Za-z&-]+)*$/, label);
  for (const known of ['FoodAndDrink>Cooking', 'Home&Garden>Gardening', 'Technology&Computing>Computing>ComputerNetworking', 'Sports>Soccer', 'Home&Garden>IndoorEnvironmentalQuality']) {
    assert.ok(labels.includes(known), known);
  }
});

test('an empty transcript has no results and an empty summary', () => {
  assert.deepEqual(detectTopics(spoken([])), { status: 'success', results: [], summary: {} });
});
