import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isEarshotError } from '../../src/errors.js';
import { checkSummary } from '../../src/intelligence/summary/llm-summary.js';
import { summaryLength } from '../../src/intelligence/summary/offline.js';
import { summarize } from '../../src/intelligence/summary/summary.js';
import { tidySentence } from '../../src/intelligence/summary/tidy.js';
import { spoken } from './helpers/transcript.js';

const BREAD = [
  'Good morning everyone.',
  'Sourdough bread needs a lively starter made from flour and water.',
  'You feed the starter with fresh flour every day until it doubles.',
  'Yeah.',
  'The dough rests overnight in the fridge so the bread develops flavour.',
  'Bake the bread in a hot cast iron pot so the crust turns dark.',
  'Anyway, thanks for listening.',
];
const STARS = [
  'A small telescope shows the moons of Jupiter and the rings of Saturn.',
  'The telescope collects more light than the eye, so faint galaxies appear.',
  'Dark skies away from city lights reveal the Milky Way galaxy.',
  'Right.',
];

const sentencesOf = (summary: string) => summary.split('\n').map((line) => line.replace(/^- /, ''));

test('bullets are "- sentence" lines of whole transcript sentences, not greetings or fillers', async () => {
  const t = spoken(BREAD);
  const { value, source, fallback } = await summarize(t, { summary_type: 'bullets' });
  assert.equal(source, 'offline');
  assert.equal(fallback, undefined);
  const lines = value.split('\n');
  assert.equal(lines.length, 3);
  for (const line of lines) {
    assert.match(line, /^- [A-Z]/);
    assert.ok(BREAD.includes(line.slice(2)), `not a transcript sentence: ${line}`);
  }
  assert.ok(!value.includes('Good morning') && !value.includes('thanks for listening') && !value.includes('Yeah'));
});

test('a two-subject transcript is summarised with sentences about both subjects', async () => {
  const { value } = await summarize(spoken([...BREAD, ...STARS]), { summary_type: 'bullets' });
  assert.ok(sentencesOf(value).some((s) => /bread|starter|dough/i.test(s)), value);
  assert.ok(sentencesOf(value).some((s) => /telescope|galax/i.test(s)), value);
});

test('paragraph, headline and gist follow their formats', async () => {
  const t = spoken([...BREAD, ...STARS]);
  const paragraph = (await summarize(t, { summary_type: 'paragraph' })).value;
  assert.ok(!paragraph.includes('\n') && !paragraph.startsWith('- '));
  assert.equal(paragraph.match(/[.!?](\s|$)/g)?.length, 3);
  const headline = (await summarize(t, { summary_type: 'headline' })).value;
  assert.equal(headline.match(/[.!?](\s|$)/g)?.length, 1, headline);
  const gist = (await summarize(spoken(BREAD), { summary_type: 'gist' })).value;
  assert.ok(gist.split(' ').length <= 6, gist);
  assert.match(gist, /bread|starter|flour/i);
});

test('verbose bullets are twice as many, and longer files get more bullets, up to six', () => {
  assert.equal(summaryLength(60_000, 'bullets'), 3);
  assert.equal(summaryLength(60_000, 'bullets_verbose'), 6);
  assert.equal(summaryLength(25 * 60_000, 'bullets'), 5);
  assert.equal(summaryLength(3 * 3_600_000, 'bullets'), 6);
});

test('unknown summary types and models are refused; known models are accepted', async () => {
  await assert.rejects(summarize(spoken(BREAD), { summary_type: 'haiku' as never }), (err) => isEarshotError(err, 'invalid_request') && /summary_type/.test(err.message));
  await assert.rejects(summarize(spoken(BREAD), { summary_model: 'best' as never }), (err) => isEarshotError(err, 'invalid_request'));
  assert.match((await summarize(spoken(BREAD), { summary_model: 'catchy' })).value, /^- /);
});

test('an empty transcript has an empty summary', async () => {
  assert.equal((await summarize(spoken([]))).value, '');
});

test('extracted sentences lose discourse openers and gain a capital and a full stop', () => {
  assert.equal(tidySentence('so um the dough rests overnight in the fridge'), 'The dough rests overnight in the fridge.');
  assert.equal(tidySentence('and yes'), 'And yes.');
  assert.equal(tidySentence('Is it ready?'), 'Is it ready?');
});

test('LLM answers are normalised to the requested format or rejected', () => {
  assert.equal(checkSummary('Here:\n* first point\n2. second point\n• third', 'bullets'), '- first point\n- second point\n- third');
  assert.throws(() => checkSummary('Just a paragraph without bullets.', 'bullets'), (err) => isEarshotError(err, 'llm_failed'));
  assert.equal(checkSummary('<think>hmm</think>\n"Baking sourdough at home."', 'gist'), 'Baking sourdough at home');
  assert.throws(() => checkSummary('This gist goes on and on far longer than any gist should ever be allowed to go on for', 'gist'), (err) => isEarshotError(err, 'llm_failed'));
  assert.equal(checkSummary('Line one.\nLine two.', 'paragraph'), 'Line one. Line two.');
});
