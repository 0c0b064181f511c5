import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTranscript, segmentBreaks, splitAtPauses, type Word } from '../../src/transcript/model.js';
import { toParagraphs } from '../../src/transcript/paragraphs.js';
import { toSentences } from '../../src/transcript/sentences.js';
import { toUtterances } from '../../src/transcript/utterances.js';

/** Words of `text`, each 300 ms long with 100 ms gaps, except the silences listed in `pauses`. */
function wordsOf(text: string, pauses: Record<number, number> = {}, speakers?: string[]): Word[] {
  let t = 0;
  return text.split(' ').map((token, i) => {
    const word: Word = { text: token, start: t, end: t + 300, confidence: i % 2 === 0 ? 0.8 : 0.6 };
    if (speakers) word.speaker = speakers[i];
    t += 300 + (pauses[i] ?? 100);
    return word;
  });
}

const oneSegment = (words: Word[]) =>
  createTranscript({ segments: [{ start: words[0].start, end: words[words.length - 1].end, words }] });

const texts = (spans: { text: string }[]) => spans.map((s) => s.text);

test('without punctuation, a pause of 600 ms or more ends a sentence and a shorter one does not', () => {
  // pause 599 ms after "two", 600 ms after "four"
  const t = oneSegment(wordsOf('one two three four five six', { 1: 599, 3: 600 }));
  assert.deepEqual(texts(toSentences(t)), ['one two three four', 'five six']);
});

test('without punctuation, a segment boundary ends a sentence even with no pause', () => {
  const words = wordsOf('alpha beta gamma delta');
  const t = createTranscript({
    segments: [
      { start: 0, end: 700, words: words.slice(0, 2) },
      { start: 800, end: 1500, words: words.slice(2) },
    ],
  });
  assert.deepEqual(texts(toSentences(t)), ['alpha beta', 'gamma delta']);
});

test('without punctuation, sentences are cut after 30 words', () => {
  const text = Array.from({ length: 65 }, (_, i) => `w${i}`).join(' ');
  const sizes = toSentences(oneSegment(wordsOf(text))).map((s) => s.words.length);
  assert.deepEqual(sizes, [30, 30, 5]);
});

test('with punctuation, sentences end at . ? ! and ignore pauses, segments and abbreviations', () => {
  const words = wordsOf('I met Dr. Smith today. Did you? Yes! He was', { 1: 2000 });
  const t = createTranscript({
    segments: [
      { start: 0, end: 2000, words: words.slice(0, 4) },
      { start: 2000, end: 9000, words: words.slice(4) },
    ],
  });
  assert.deepEqual(texts(toSentences(t)), ['I met Dr. Smith today.', 'Did you?', 'Yes!', 'He was']);
});

test('a sentence carries the times, mean confidence and speaker of its words', () => {
  const [sentence] = toSentences(oneSegment(wordsOf('a b c', {}, ['B', 'B', 'B'])));
  assert.equal(sentence.start, 0);
  assert.equal(sentence.end, 2 * 400 + 300);
  assert.ok(Math.abs(sentence.confidence - (0.8 + 0.6 + 0.8) / 3) < 1e-9);
  assert.equal(sentence.speaker, 'B');
  assert.equal(toSentences(oneSegment(wordsOf('a b')))[0].speaker, null);
});

test('a change of speaker ends a sentence in both modes', () => {
  const speakers = ['A', 'A', 'B', 'B'];
  assert.deepEqual(texts(toSentences(oneSegment(wordsOf('so we went there', {}, speakers)))), ['so we', 'went there']);
  assert.deepEqual(texts(toSentences(oneSegment(wordsOf('So we went there.', {}, speakers)))), ['So we', 'went there.']);
});

test('sentences and paragraphs partition the words in order', () => {
  const text = Array.from({ length: 200 }, (_, i) => (i % 7 === 6 ? `w${i}.` : `w${i}`)).join(' ');
  const pauses = Object.fromEntries(Array.from({ length: 20 }, (_, k) => [k * 9 + 4, 700 + k * 100]));
  for (const raw of [text, text.replace(/\./g, '')]) {
    const t = oneSegment(wordsOf(raw, pauses));
    const sentences = toSentences(t);
    const paragraphs = toParagraphs(t);
    assert.deepEqual(sentences.flatMap((s) => s.words), t.words);
    assert.deepEqual(paragraphs.flatMap((p) => p.words), t.words);
    // every paragraph starts where a sentence starts: sentences are never cut
    const sentenceStarts = new Set(sentences.map((s) => s.words[0]));
    for (const p of paragraphs) assert.ok(sentenceStarts.has(p.words[0]));
  }
});

test('paragraphs break at a pause of 1.5 s between sentences, not a shorter one', () => {
  const t = oneSegment(wordsOf('One two. Three four. Five six. Seven.', { 1: 1499, 3: 1500 }));
  assert.deepEqual(texts(toParagraphs(t)), ['One two. Three four.', 'Five six. Seven.']);
});

test('paragraphs break when the next sentence would pass the word budget, and at a speaker change', () => {
  const t = oneSegment(wordsOf('A b c. D e. F g h. I.', {}, ['A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'B']));
  assert.deepEqual(texts(toParagraphs(t, { maxWords: 5 })), ['A b c. D e.', 'F g h.', 'I.']);
  const last = toParagraphs(t, { maxWords: 5 }).at(-1)!;
  assert.equal(last.speaker, 'B');
});

test('a sentence longer than the paragraph budget still makes a single paragraph', () => {
  const t = oneSegment(wordsOf('one two three four five six.'));
  assert.equal(toParagraphs(t, { maxWords: 3 }).length, 1);
});

test('toUtterances groups consecutive words by speaker and keeps unlabelled words in place', () => {
  const words = wordsOf('hi there hello you ok', {}, ['A', 'A', 'B', null as unknown as string, 'A']);
  const utterances = toUtterances(words);
  assert.deepEqual(
    utterances.map((u) => [u.speaker, u.text]),
    [['A', 'hi there'], ['B', 'hello you'], ['A', 'ok']],
  );
  assert.deepEqual(toUtterances(wordsOf('no labels here')), []);
});

test('segment boundaries are found by time when the words are not the segments\' own objects', () => {
  const words = wordsOf('alpha beta gamma delta');
  const t = {
    words: words.map((w) => ({ ...w })),
    segments: [
      { start: 0, end: 750, words: [] },
      { start: 750, end: 1500, words: [] },
    ],
  };
  assert.deepEqual(segmentBreaks(t), new Set([1]));
  assert.deepEqual(texts(toSentences(t)), ['alpha beta', 'gamma delta']);
});

test('splitAtPauses starts a new segment at each long silence', () => {
  const segments = splitAtPauses(wordsOf('a b c d', { 0: 999, 1: 1000 }), 1000);
  assert.deepEqual(segments.map((s) => s.words.map((w) => w.text).join(' ')), ['a b', 'c d']);
  assert.equal(segments[1].start, segments[1].words[0].start);
});
