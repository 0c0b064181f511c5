import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cardinalWords, isYearLike, ordinalWords, pluralWords, yearWords } from '../../src/eval/number-words.js';

test('cardinals, hand-checked across the scales', () => {
  const cases: [string, string][] = [
    ['0', 'zero'],
    ['13', 'thirteen'],
    ['40', 'forty'],
    ['42', 'forty two'],
    ['101', 'one hundred one'],
    ['1000', 'one thousand'],
    ['1000001', 'one million one'],
    ['123456789', 'one hundred twenty three million four hundred fifty six thousand seven hundred eighty nine'],
    ['9007199254740993', 'nine quadrillion seven trillion one hundred ninety nine billion two hundred fifty four million seven hundred forty thousand nine hundred ninety three'],
  ];
  for (const [digits, words] of cases) assert.equal(cardinalWords(digits), words, digits);
});

test('every cardinal up to 10000 is distinct and uses only number words', () => {
  const seen = new Set<string>();
  const vocabulary = /^(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand)$/;
  for (let n = 0; n <= 10_000; n++) {
    const words = cardinalWords(String(n));
    assert.ok(!seen.has(words), words);
    seen.add(words);
    for (const word of words.split(' ')) assert.match(word, vocabulary, `${n}: ${words}`);
  }
});

test('ordinals change only the last word', () => {
  const cases: [string, string][] = [
    ['1', 'first'],
    ['2', 'second'],
    ['3', 'third'],
    ['12', 'twelfth'],
    ['20', 'twentieth'],
    ['21', 'twenty first'],
    ['100', 'one hundredth'],
    ['1005', 'one thousand fifth'],
  ];
  for (const [digits, words] of cases) assert.equal(ordinalWords(digits), words, digits);
});

test('years are read in pairs inside their ranges only', () => {
  assert.equal(yearWords('1990'), 'nineteen ninety');
  assert.equal(yearWords('1905'), 'nineteen oh five');
  assert.equal(yearWords('1900'), 'nineteen hundred');
  assert.equal(yearWords('2024'), 'twenty twenty four');
  assert.deepEqual(['1099', '1100', '1999', '2000', '2009', '2010', '2099', '2100', '19900'].map(isYearLike), [
    false, true, true, false, false, true, true, false, false,
  ]);
  assert.equal(pluralWords('nineteen ninety'), 'nineteen nineties');
  assert.equal(pluralWords('nineteen eighty five'), 'nineteen eighty fives');
});
