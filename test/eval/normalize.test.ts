import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalizeText, normalizeWords } from '../../src/eval/normalize.js';

test('sphinx reference markup and bracketed notes are dropped', () => {
  assert.equal(normalizeText('<s> HELLO WORLD </s> (spk1-utt_001)\n<s> again <sil> </s> (spk1-utt_002)'), 'hello world again');
  assert.equal(normalizeText('so [noise] anyway [laughter]'), 'so anyway');
});

test('case and punctuation do not count, apostrophes inside words do', () => {
  assert.equal(normalizeText('Hello, World! "Quoted" — well-known; John’s dog.'), "hello world quoted well known john's dog");
  assert.equal(normalizeText("'tis the dogs' bowl"), 'tis the dogs bowl');
});

test('contractions expand so the written and spoken forms agree', () => {
  const pairs: [string, string][] = [
    ["I don't know", 'I do not know'],
    ["we won't, they can't", 'we will not, they cannot'],
    ["it's what you're doing, I'm sure we'll see", 'it is what you are doing, I am sure we will see'],
    ["let's go, I'd say we've won", 'let us go, I would say we have won'],
  ];
  for (const [a, b] of pairs) assert.equal(normalizeText(a), normalizeText(b));
  // after a noun 's is possessive and stays
  assert.equal(normalizeText("the dog's bone"), "the dog's bone");
});

test('numbers in digits read as words the way they are spoken', () => {
  const cases: [string, string][] = [
    ['42', 'forty two'],
    ['forty-two', 'forty two'],
    ['1,500 people', 'one thousand five hundred people'],
    ['in 1990', 'in nineteen ninety'],
    ['the 1990s', 'the nineteen nineties'],
    ['3.14', 'three point one four'],
    ['the 21st', 'the twenty first'],
    ['agent 007', 'agent zero zero seven'],
    ['at 10:30 or 10:05 or 9:00', 'at ten thirty or ten oh five or nine'],
    ['50% off', 'fifty percent off'],
    ['$5 each', 'five dollars each'],
    ['an mp3 file', 'an mp three file'],
    ['R&D', 'r and d'],
  ];
  for (const [text, expected] of cases) assert.equal(normalizeText(text), expected, text);
});

test('fillers are dropped unless asked to keep them', () => {
  assert.deepEqual(normalizeWords('um so uh we hmm went'), ['so', 'we', 'went']);
  assert.deepEqual(normalizeWords('um so', { keepFillers: true }), ['um', 'so']);
});

test('normalisation is idempotent and collapses whitespace', () => {
  const samples = ["  It's  1990,\tand  I\n don't  know — 3.5%  ", '<s> A  B </s> (x)', 'mp3s & $10'];
  for (const s of samples) {
    const once = normalizeText(s);
    assert.equal(normalizeText(once), once);
    assert.doesNotMatch(once, /\s{2}|^\s|\s$/);
  }
});
