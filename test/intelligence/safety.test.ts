import assert from 'node:assert/strict';
import { test } from 'node:test';
import { filterProfanity, filterTranscriptProfanity, maskWord } from '../../src/intelligence/safety/profanity.js';
import { detectContentSafety } from '../../src/intelligence/safety/safety.js';
import { toSentences } from '../../src/transcript/sentences.js';
import { spoken } from './helpers/transcript.js';

test('filter_profanity masks profane words as first letter plus asterisks, keeping punctuation and case', () => {
  assert.equal(maskWord('shit'), 's***');
  assert.equal(maskWord('Fucking,'), 'F******,');
  assert.equal(maskWord('"bullshit!"'), '"b*******!"');
  for (const innocent of ['class', 'assess', 'Scunthorpe', 'cocktail', 'passage', 'shitake', 'hello']) assert.equal(maskWord(innocent), innocent);
  const words = spoken(['This damn printer is shit.']).words;
  const filtered = filterProfanity(words);
  assert.deepEqual(filtered.map((w) => w.text), ['This', 'd***', 'printer', 'is', 's***.']);
  assert.equal(filtered[0], words[0], 'clean words are not copied');
  assert.equal(words[1].text, 'damn', 'the input is not modified');
  assert.deepEqual([filtered[1].start, filtered[1].end], [words[1].start, words[1].end]);
});

test('filtering a transcript masks its words, segments and utterances alike', () => {
  const t = spoken([{ text: 'What the fuck happened?', speaker: 'A' }, { text: 'No idea.', speaker: 'B' }]);
  t.utterances = [
    { speaker: 'A', start: 0, end: 1, confidence: 1, text: 'What the fuck happened?', words: t.segments[0].words },
    { speaker: 'B', start: 2, end: 3, confidence: 1, text: 'No idea.', words: t.segments[1].words },
  ];
  const filtered = filterTranscriptProfanity(t);
  assert.equal(filtered.words[2].text, 'f***');
  assert.equal(filtered.segments[0].words[2].text, 'f***');
  assert.equal(filtered.utterances?.[0].text, 'What the f*** happened?');
  assert.equal(t.words[2].text, 'fuck');
});

const sentences = [
  'We planted tomatoes and beans in the garden this spring.',
  'The compost was ready after a year.',
  { text: 'Then the gunman opened fire with a rifle and killed two people.', pauseMs: 2000 },
  'Police arrested him after a violent struggle.',
  { text: 'Honestly this is fucking bullshit.', pauseMs: 2000 },
  { text: 'Immigrants are vermin and should be banned.', pauseMs: 2000 },
  { text: 'Afterwards we went back to watering the garden.', pauseMs: 2000 },
];

test('content safety labels the violent, profane and hateful passages and leaves the rest alone', () => {
  const t = spoken(sentences);
  const result = detectContentSafety(t);
  assert.equal(result.status, 'success');
  const labelsOf = (r: (typeof result.results)[number]) => r.labels.map((l) => l.label);
  const violent = result.results.find((r) => r.text.includes('gunman'));
  assert.ok(violent && labelsOf(violent).includes('crime_violence') && labelsOf(violent).includes('weapons'), JSON.stringify(violent));
  const profane = result.results.find((r) => r.text.includes('fucking'));
  assert.ok(profane && labelsOf(profane)[0] === 'profanity');
  const hate = result.results.find((r) => r.text.includes('vermin'));
  assert.ok(hate && labelsOf(hate).includes('hate_speech'));
  assert.ok(!result.results.some((r) => r.text.includes('tomatoes') || r.text.includes('watering')));
  const all = toSentences(t);
  for (const r of result.results) {
    assert.equal(all[r.sentences_idx_start].start, r.timestamp.start, 'sentence indexes agree with /sentences');
    assert.equal(all[r.sentences_idx_end].end, r.timestamp.end);
    for (const l of r.labels) assert.ok(l.confidence >= 0.5 && l.confidence <= 1 && l.severity >= 0 && l.severity <= 1);
  }
  const crime = violent!.labels.find((l) => l.label === 'crime_violence')!;
  assert.ok(crime.severity >= 0.7, 'killing is high severity');
  for (const [label, s] of Object.entries(result.severity_score_summary)) {
    assert.ok(Math.abs(s.low + s.medium + s.high - 1) < 0.001, label);
    assert.ok(result.summary[label] > 0 && result.summary[label] <= 1);
  }
  assert.equal(result.severity_score_summary.crime_violence.high, 1);
});

test('content_safety_confidence raises or lowers the bar', () => {
  const t = spoken(['We had a beer after work.', 'Then we went home.']);
  assert.equal(detectContentSafety(t).results.length, 0, 'one beer is not enough evidence at 50%');
  const low = detectContentSafety(t, { content_safety_confidence: 25 });
  assert.equal(low.results[0]?.labels[0]?.label, 'alcohol');
  assert.equal(detectContentSafety(spoken(sentences), { content_safety_confidence: 100 }).results.length, 0);
});
