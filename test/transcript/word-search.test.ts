import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Word } from '../../src/transcript/model.js';
import { searchWords, toWordSearchResponse } from '../../src/transcript/word-search.js';

const words: Word[] = 'Smoke from the fire . The smoke, thick smoke-free air ; New York New York? new-york it\'s its'
  .split(' ')
  .map((text, i) => ({ text, start: i * 1000, end: i * 1000 + 500, confidence: 1 }));

test('single words match ignoring case and punctuation, with index and time per match', () => {
  const [smoke] = searchWords(words, ['smoke']);
  assert.deepEqual(smoke, {
    text: 'smoke',
    count: 2,
    timestamps: [
      [0, 500],
      [6000, 6500],
    ],
    indexes: [0, 6],
  });
});

test('a multi-word term matches consecutive words, skipping punctuation-only tokens', () => {
  const [fireThe, newYork] = searchWords(words, ['FIRE the', 'new york']);
  assert.deepEqual(fireThe.indexes, [3]);
  assert.deepEqual(fireThe.timestamps, [[3000, 5500]]);
  assert.deepEqual(newYork.indexes, [11, 13]);
  assert.deepEqual(newYork.timestamps, [
    [11_000, 12_500],
    [13_000, 14_500],
  ]);
});

test('hyphens and apostrophes are compared as written', () => {
  const [smokeFree, newyork, itIs, its] = searchWords(words, ['smoke-free', 'new-york', "it's", 'its']);
  assert.deepEqual(smokeFree.indexes, [8]);
  assert.deepEqual(newyork.indexes, [15]);
  assert.deepEqual(itIs.indexes, [16]);
  assert.deepEqual(its.indexes, [17]);
});

test('matches of one term do not overlap, and every count equals its lists’ lengths', () => {
  const ha: Word[] = ['ha', 'ha', 'ha', 'ha', 'ha'].map((text, i) => ({ text, start: i, end: i + 1, confidence: 1 }));
  const [pair] = searchWords(ha, ['ha ha']);
  assert.deepEqual(pair.indexes, [0, 2]);
  for (const m of searchWords(words, ['smoke', 'new york', 'absent', '!!!', 'the'])) {
    assert.equal(m.count, m.indexes.length);
    assert.equal(m.count, m.timestamps.length);
  }
});

test('the response totals the matches of all terms', () => {
  const response = toWordSearchResponse('abc', words, ['smoke', 'the', 'nothing']);
  assert.equal(response.id, 'abc');
  assert.equal(response.total_count, 2 + 2 + 0);
  assert.deepEqual(response.matches.map((m) => m.text), ['smoke', 'the', 'nothing']);
});
