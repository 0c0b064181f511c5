import assert from 'node:assert/strict';
import { test } from 'node:test';
import { autoChapters } from '../../src/intelligence/chapters/chapters.js';
import { checkChapterTexts } from '../../src/intelligence/chapters/llm-chapters.js';
import { chapterScale, findChapterStarts } from '../../src/intelligence/chapters/segment.js';
import { isEarshotError } from '../../src/errors.js';
import { annotate } from '../../src/intelligence/nlp/annotate.js';
import { repeatSentences, spoken } from './helpers/transcript.js';

const GARDEN = [
  'Spread a thick layer of compost on the vegetable beds every autumn.',
  'Tomato seedlings need a sunny windowsill before they go into the garden soil.',
  'Pull the weeds by hand while they are small and cover bare soil with mulch.',
  'Water the vegetable beds deeply at the base of each plant.',
  'Rotate the crops so pests do not build up in the soil.',
  'Raised beds warm the soil quickly in spring and drain well.',
];
const NETWORK = [
  'Every packet carries a header with the destination address.',
  'A router reads the address and forwards the packet to the next network.',
  'The DNS resolver turns the domain name into an address for the browser.',
  'TCP numbers every packet and resends whatever the network loses.',
  'Your home router shares one public address between all your devices.',
  'Latency grows with the number of routers between you and the server.',
];

// Three minutes on each subject at 150 words a minute.
const twoTopics = spoken([...repeatSentences(GARDEN, 36), ...repeatSentences(NETWORK, 36)]);
const boundary = twoTopics.words[twoTopics.words.findIndex((w) => w.text === 'Every')].start;

test('a change of subject becomes a chapter boundary, and headlines name each subject', async () => {
  const { value: chapters, source } = await autoChapters(twoTopics);
  assert.equal(source, 'offline');
  assert.equal(chapters.length, 2, JSON.stringify(chapters.map((c) => [c.start, c.headline])));
  assert.ok(Math.abs(chapters[1].start - boundary) <= 10_000, `boundary at ${chapters[1].start}, expected ${boundary}`);
  assert.match(chapters[0].headline, /soil|beds|compost|garden|weeds/i);
  assert.match(chapters[1].headline, /packet|router|address|network/i);
  assert.equal(chapters[0].start, twoTopics.words[0].start);
  assert.equal(chapters[1].end, twoTopics.words[twoTopics.words.length - 1].end);
  assert.ok(chapters[0].end <= chapters[1].start);
  for (const c of chapters) {
    assert.deepEqual(Object.keys(c).sort(), ['end', 'gist', 'headline', 'start', 'summary']);
    assert.ok(c.gist.split(' ').length <= 6 && c.gist.length > 0);
    assert.ok(c.summary.split(/[.!?]\s/).length >= 2, c.summary);
  }
});

test('one subject throughout stays one chapter', async () => {
  const { value } = await autoChapters(spoken(repeatSentences(GARDEN, 60)));
  assert.equal(value.length, 1);
});

test('no chapter is shorter than the minimum, even where the subject flips back and forth', async () => {
  const flipping = spoken(Array.from({ length: 8 }, (_, i) => repeatSentences(i % 2 ? NETWORK : GARDEN, 4)).flat());
  const sentences = annotate(flipping);
  const { minChapterMs } = chapterScale(flipping.durationMs);
  const starts = findChapterStarts(sentences, flipping.durationMs).map((i) => sentences[i].start);
  starts.push(flipping.durationMs);
  for (let i = 1; i < starts.length; i++) assert.ok(starts[i] - starts[i - 1] >= minChapterMs, `chapter of ${starts[i] - starts[i - 1]} ms`);
});

test('the minimum chapter length scales with the file between one and two minutes', () => {
  assert.equal(chapterScale(5 * 60_000).minChapterMs, 60_000);
  assert.equal(chapterScale(30 * 60_000).minChapterMs, 90_000);
  assert.equal(chapterScale(3 * 3_600_000).minChapterMs, 120_000);
});

test('an empty transcript has no chapters', async () => {
  assert.deepEqual((await autoChapters(spoken([]))).value, []);
});

test('LLM chapter answers need one complete entry per chapter', () => {
  const good = JSON.stringify({ chapters: [{ headline: 'H1', gist: 'G1', summary: 'S1' }, { headline: 'H2', gist: 'G2.', summary: 'S2' }] });
  assert.deepEqual(checkChapterTexts('```json\n' + good + '\n```', 2), [
    { headline: 'H1', gist: 'G1', summary: 'S1' },
    { headline: 'H2', gist: 'G2', summary: 'S2' },
  ]);
  assert.equal(checkChapterTexts(JSON.stringify([{ headline: 'H', gist: 'G', summary: 'S' }]), 1).length, 1);
  const bad = [good.replace('"H2"', '""'), good, '{"chapters": "none"}', 'no json here'];
  const counts = [2, 3, 2, 2];
  bad.forEach((answer, i) => assert.throws(() => checkChapterTexts(answer, counts[i]), (err) => isEarshotError(err, 'llm_failed'), answer));
});
