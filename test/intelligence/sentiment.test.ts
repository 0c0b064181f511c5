import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeSentiment } from '../../src/intelligence/sentiment/sentiment.js';
import { spoken } from './helpers/transcript.js';

test('one result per sentence with its sentiment, times, confidence and speaker', () => {
  const t = spoken([
    { text: 'I absolutely love this wonderful new feature.', speaker: 'A' },
    { text: 'The old dashboard was terrible and painfully slow.', speaker: 'B' },
    { text: 'The meeting is on Tuesday at ten.', speaker: 'A' },
    { text: 'It was not bad at all.', speaker: 'B' },
  ]);
  const results = analyzeSentiment(t);
  assert.deepEqual(results.map((r) => r.sentiment), ['POSITIVE', 'NEGATIVE', 'NEUTRAL', 'POSITIVE']);
  assert.deepEqual(results.map((r) => r.speaker), ['A', 'B', 'A', 'B']);
  assert.equal(results[1].text, 'The old dashboard was terrible and painfully slow.');
  assert.equal(results[1].start, t.segments[1].words[0].start);
  assert.equal(results[1].end, t.segments[1].words[t.segments[1].words.length - 1].end);
  for (const r of results) assert.ok(r.confidence >= 0.5 && r.confidence < 1);
  assert.ok(results[0].confidence > 0.7, 'a strongly worded sentence is confidently positive');
});

test('without diarization the speaker is null', () => {
  assert.equal(analyzeSentiment(spoken(['What a great day.']))[0].speaker, null);
});
