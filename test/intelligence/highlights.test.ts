import assert from 'node:assert/strict';
import { test } from 'node:test';
import { autoHighlights } from '../../src/intelligence/highlights/highlights.js';
import { repeatSentences, spoken } from './helpers/transcript.js';

const t = spoken(
  repeatSentences(
    [
      'Smoke from the wildfires triggered air quality alerts across the region.',
      'The air quality alerts mean particulate matter is high.',
      'Particulate matter from wildfire smoke gets deep into the lungs.',
      'So stay inside when the air quality alerts are on.',
      'People asked whether masks help against the smoke.',
    ],
    25,
  ),
);

test('repeated key phrases are ranked, counted and timed at every mention', () => {
  const result = autoHighlights(t);
  assert.equal(result.status, 'success');
  const texts = result.results.map((r) => r.text);
  assert.ok(texts.includes('air quality alerts'), texts.join(', '));
  assert.ok(texts.includes('particulate matter'), texts.join(', '));
  assert.ok(!texts.includes('quality alerts'), 'a fragment of a kept phrase is not listed separately');
  const alerts = result.results.find((r) => r.text === 'air quality alerts')!;
  assert.equal(alerts.count, 15);
  assert.equal(alerts.timestamps.length, 15);
  const first = t.words.findIndex((w) => w.text === 'air');
  assert.deepEqual(alerts.timestamps[0], { start: t.words[first].start, end: t.words[first + 2].end });
  const ranks = result.results.map((r) => r.rank);
  assert.ok(Math.abs(ranks.reduce((a, b) => a + b, 0) - 1) < 0.01, 'ranks share 1');
  const byRank = [...result.results].sort((a, b) => b.rank - a.rank);
  assert.ok(byRank.slice(0, 3).some((r) => r.text === 'air quality alerts'), byRank.map((r) => r.text).join(', '));
  const starts = result.results.map((r) => r.timestamps[0].start);
  assert.deepEqual(starts, [...starts].sort((a, b) => a - b), 'results are in order of first mention');
});

test('phrases said once are not highlights in a long transcript', () => {
  assert.ok(!autoHighlights(t).results.some((r) => r.count < 2));
});
