/** The regression gate on hand-made results, where the right answer is known by construction. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { totalsOf } from '../../src/eval/totals.js';
import { compareResults, formatComparison } from '../../src/eval/gate.js';
import { RESULTS_FORMAT, type EvalResults, type FileResult } from '../../src/eval/results.js';
import { isEarshotError } from '../../src/errors.js';

/** A file with `errors` substitutions out of `words` reference words. */
function file(id: string, words: number, errors: number): FileResult {
  const counts = { hits: words - errors, substitutions: errors, deletions: 0, insertions: 0, reference: words, hypothesis: words };
  return { id, audio: `/a/${id}.wav`, reference: '', hypothesis: '', durationMs: 1000, processingMs: 100, wer: errors / words, cer: 0, words: counts, chars: { ...counts, substitutions: 0, hits: words } };
}

function results(files: FileResult[], normalization = '1'): EvalResults {
  return {
    format: RESULTS_FORMAT,
    earshotVersion: 'test',
    engine: 'pocketsphinx',
    model: 'en-us',
    date: '2026-01-01T00:00:00Z',
    manifest: 'm.jsonl',
    settings: { vad: { threshold: 0.5 }, normalization: { version: normalization, keepFillers: false } },
    files,
    totals: totalsOf(files),
  };
}

test('overall WER is recomputed from counts over the common files, and the gate trips only past the allowance', () => {
  // Baseline 20/200 = 10 %; now 21/200 = 10.5 %: exactly +0.5 points.
  const baseline = results([file('a', 100, 10), file('b', 100, 10)]);
  const half = results([file('a', 100, 11), file('b', 100, 10)]);
  const atLimit = compareResults(half, baseline, 0.5);
  assert.equal(atLimit.deltaPoints, 0.5);
  assert.equal(atLimit.regressed, false, 'exactly the allowance is allowed');
  assert.equal(compareResults(half, baseline, 0.4).regressed, true);

  const worse = compareResults(results([file('a', 100, 10), file('b', 100, 14)]), baseline, 0.5);
  assert.equal(worse.regressed, true);
  assert.equal(worse.deltaPoints, 2);
  assert.deepEqual(worse.files.map((f) => [f.id, f.deltaPoints]), [['a', 0], ['b', 4]]);

  const better = compareResults(results([file('a', 100, 5), file('b', 100, 10)]), baseline, 0);
  assert.equal(better.regressed, false);
  assert.equal(better.deltaPoints, -2.5);
});

test('files only in one run are listed and left out of both overall figures', () => {
  const baseline = results([file('a', 100, 10), file('gone', 50, 50)]);
  const current = results([file('a', 100, 10), file('new', 10, 10)]);
  const c = compareResults(current, baseline, 0.5);
  assert.equal(c.baselineWer, 0.1);
  assert.equal(c.currentWer, 0.1);
  assert.deepEqual(c.onlyInBaseline, ['gone']);
  assert.deepEqual(c.onlyInCurrent, ['new']);
  assert.equal(c.regressed, false);
});

test('a different normalisation version is warned about; disjoint runs and bad allowances are refused', () => {
  const c = compareResults(results([file('a', 10, 1)], '2'), results([file('a', 10, 1)], '1'), 0.5);
  assert.match(c.warnings.join(), /normalisation differs/);
  assert.throws(() => compareResults(results([file('x', 10, 1)]), results([file('y', 10, 1)]), 0.5), (e: unknown) => isEarshotError(e, 'invalid_request'));
  assert.throws(() => compareResults(results([file('a', 10, 1)]), results([file('a', 10, 1)]), -1), /non-negative/);
});

test('the comparison text shows every file, the overall line and the verdict', () => {
  const text = formatComparison(compareResults(results([file('a', 100, 10), file('b', 100, 30)]), results([file('a', 100, 10), file('b', 100, 10)]), 0.5), {
    baseline: 'old',
    current: 'new',
  });
  assert.match(text, /^a\s+10\.0%\s+10\.0%\s+0\.0$/m);
  assert.match(text, /^b\s+10\.0%\s+30\.0%\s+\+20\.0$/m);
  assert.match(text, /^overall\s+10\.0%\s+20\.0%\s+\+10\.0$/m);
  assert.match(text, /REGRESSION: WER is 10\.0 points worse/);
});
