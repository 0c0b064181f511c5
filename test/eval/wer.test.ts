import assert from 'node:assert/strict';
import { test } from 'node:test';
import { align } from '../../src/eval/align.js';
import { aggregate, aggregateCharacters, characterErrorRate, wordErrorRate } from '../../src/eval/wer.js';

const raw = { normalize: false } as const;

test('hand-worked word alignments with a single cheapest path', () => {
  assert.deepEqual(pick(wordErrorRate('a b c d', 'a x c d e', raw)), { hits: 3, substitutions: 1, deletions: 0, insertions: 1, wer: 0.5 });
  assert.deepEqual(pick(wordErrorRate('one two three four five', 'one three four five', raw)), {
    hits: 4, substitutions: 0, deletions: 1, insertions: 0, wer: 0.2,
  });
  assert.deepEqual(pick(wordErrorRate('i love cats', 'i loves cats and dogs', raw)), {
    hits: 2, substitutions: 1, deletions: 0, insertions: 2, wer: 1,
  });
});

test('the alignment lists every operation in order', () => {
  const { alignment } = wordErrorRate('a b c d', 'a x c d e', raw);
  assert.deepEqual(alignment, [
    { type: 'hit', ref: 'a', hyp: 'a' },
    { type: 'substitution', ref: 'b', hyp: 'x' },
    { type: 'hit', ref: 'c', hyp: 'c' },
    { type: 'hit', ref: 'd', hyp: 'd' },
    { type: 'insertion', ref: null, hyp: 'e' },
  ]);
});

test('empty reference or hypothesis', () => {
  assert.deepEqual(pick(wordErrorRate('hello world', '', raw)), { hits: 0, substitutions: 0, deletions: 2, insertions: 0, wer: 1 });
  assert.deepEqual(pick(wordErrorRate('', 'a b', raw)), { hits: 0, substitutions: 0, deletions: 0, insertions: 2, wer: 1 });
  assert.deepEqual(pick(wordErrorRate('', '', raw)), { hits: 0, substitutions: 0, deletions: 0, insertions: 0, wer: 0 });
  assert.deepEqual(wordErrorRate('  ', '', raw).alignment, []);
});

test('normalisation is on by default and can be turned off', () => {
  assert.equal(wordErrorRate("It's 42 degrees.", 'it is forty-two degrees').wer, 0);
  assert.equal(wordErrorRate('Hello there', 'hello there', raw).substitutions, 1);
});

test('on random sequences the counts agree with an independent edit distance and with the operations', () => {
  let seed = 7;
  const random = (n: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed % n;
  };
  for (let round = 0; round < 200; round++) {
    const ref = Array.from({ length: random(9) }, () => 'abcd'[random(4)]);
    const hyp = Array.from({ length: random(9) }, () => 'abcd'[random(4)]);
    const result = align(ref, hyp);
    const errors = result.substitutions + result.deletions + result.insertions;
    assert.equal(errors, editDistance(ref, hyp), `${ref.join('')} / ${hyp.join('')}`);
    assert.equal(result.hits + result.substitutions + result.deletions, ref.length);
    assert.equal(result.hits + result.substitutions + result.insertions, hyp.length);
    // the operations rebuild both sides and agree with the counts
    const ops = result.ops!;
    assert.deepEqual(ops.filter((o) => o.ref !== null).map((o) => o.ref), ref);
    assert.deepEqual(ops.filter((o) => o.hyp !== null).map((o) => o.hyp), hyp);
    assert.equal(ops.filter((o) => o.type === 'substitution').length, result.substitutions);
    for (const o of ops) assert.equal(o.type === 'hit', o.ref !== null && o.ref === o.hyp);
    // counts do not depend on whether the operations were kept
    const { ops: _, ...counts } = result;
    assert.deepEqual(align(ref, hyp, { maxCells: 0 }), counts);
  }
});

test('character error rate: kitten → sitting is two substitutions and an insertion', () => {
  const result = characterErrorRate('kitten', 'sitting');
  assert.deepEqual(pick(result), { hits: 4, substitutions: 2, deletions: 0, insertions: 1, cer: 0.5 });
  assert.equal(result.referenceChars, 6);
  assert.equal(result.hypothesisChars, 7);
  // a split word costs the one space
  assert.equal(characterErrorRate('database', 'data base').insertions, 1);
});

test('aggregate sums counts rather than averaging rates', () => {
  const total = aggregate([wordErrorRate('a b c d', 'a b c x', raw), wordErrorRate('e', 'f', raw)]);
  assert.equal(total.wer, 2 / 5);
  assert.equal(total.referenceWords, 5);
  assert.equal(total.hypothesisWords, 5);
  assert.equal(total.substitutions, 2);
  const withEmpty = aggregate([wordErrorRate('a b', 'a b', raw), wordErrorRate('', 'x y', raw)]);
  assert.equal(withEmpty.wer, 1);
  const chars = aggregateCharacters([characterErrorRate('abc', 'abd'), characterErrorRate('ab', 'ab')]);
  assert.equal(chars.cer, 1 / 5);
  assert.equal(aggregate([]).wer, 0);
});

function pick(r: { hits: number; substitutions: number; deletions: number; insertions: number; wer?: number; cer?: number }) {
  const { hits, substitutions, deletions, insertions } = r;
  return { hits, substitutions, deletions, insertions, ...(r.wer !== undefined ? { wer: r.wer } : { cer: r.cer }) };
}

/** Textbook recursive definition, memoised: independent of align()'s table and tie rules. */
function editDistance(a: string[], b: string[]): number {
  const memo = new Map<string, number>();
  const d = (i: number, j: number): number => {
    if (i === 0) return j;
    if (j === 0) return i;
    const key = `${i},${j}`;
    let v = memo.get(key);
    if (v === undefined) {
      v = Math.min(d(i - 1, j) + 1, d(i, j - 1) + 1, d(i - 1, j - 1) + (a[i - 1] === b[j - 1] ? 0 : 1));
      memo.set(key, v);
    }
    return v;
  };
  return d(a.length, b.length);
}
