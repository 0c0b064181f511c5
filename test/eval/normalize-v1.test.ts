/** Normalisation rules added with NORMALIZATION_VERSION 1 (docs/evaluation.md). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalizeText } from '../../src/eval/normalize.js';
import { wordErrorRate } from '../../src/eval/wer.js';

test('spoken titles written short are spelled out; "st" is left alone', () => {
  assert.equal(normalizeText('Mr. Dashwood met Mrs Jennings and Dr. Foo on St. James'), 'mister dashwood met missus jennings and doctor foo on st james');
  assert.equal(wordErrorRate('and mister john dashwood', 'and mr john dashwood').wer, 0);
});

test('words that are Object.prototype members stay words', () => {
  assert.equal(normalizeText('The constructor calls toString and hasOwnProperty'), 'the constructor calls tostring and hasownproperty');
  assert.equal(normalizeText('__proto__ valueOf'), 'proto valueof', 'underscores are punctuation');
});
