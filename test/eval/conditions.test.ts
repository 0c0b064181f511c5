/** Totals per condition on hand-made results, where the right answer is known by construction. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatConditionTable, groupByCondition, summarizeConditions } from '../../src/eval/conditions.js';
import { RESULTS_FORMAT, type EvalResults, type FileResult } from '../../src/eval/results.js';
import { totalsOf } from '../../src/eval/totals.js';

/** A file with `errors` substitutions out of `words` reference words. */
function file(id: string, condition: string | undefined, words: number, errors: number, processingMs = 100): FileResult {
  const counts = { hits: words - errors, substitutions: errors, deletions: 0, insertions: 0, reference: words, hypothesis: words };
  return {
    id,
    audio: `/a/${id}.wav`,
    ...(condition === undefined ? {} : { condition }),
    reference: '',
    hypothesis: '',
    durationMs: 1000,
    processingMs,
    wer: errors / words,
    cer: 0,
    words: counts,
    chars: { ...counts, substitutions: 0, hits: words },
  };
}

test('files group by condition in order of first appearance, unlabelled ones under null', () => {
  const files = [file('a', 'clean', 10, 1), file('b', 'noise-10db', 10, 5), file('c', 'clean', 30, 3), file('d', undefined, 5, 0)];
  const groups = groupByCondition(files);
  assert.deepEqual([...groups.keys()], ['clean', 'noise-10db', null]);
  assert.deepEqual(groups.get('clean')!.map((f) => f.id), ['a', 'c']);
});

test('each condition sums its own counts, beside the raw engine\'s on the same files', () => {
  // clean: Earshot 4/40 = 10 %, raw 8/40 = 20 % (the mean of its per-file rates would be 33 %);
  // noise: Earshot 5/10, raw 0/10.
  const earshot = [file('a', 'clean', 10, 1), file('b', 'noise-10db', 10, 5), file('c', 'clean', 30, 3)];
  const raw = [file('c', 'clean', 30, 2), file('a', 'clean', 10, 6), file('b', 'noise-10db', 10, 0)];
  const summary = summarizeConditions(earshot, raw);
  assert.deepEqual(
    summary.map((s) => [s.condition, s.earshot.files, s.earshot.words.reference, s.earshot.wer, s.raw!.wer, s.werRatio]),
    [
      ['clean', 2, 40, 0.1, 0.2, 0.5],
      // The raw engine made no error, so there is no ratio rather than an infinite one.
      ['noise-10db', 1, 10, 0.5, 0, null],
    ],
  );
  assert.throws(() => summarizeConditions(earshot, raw.slice(1)), /no file "c"/);
  assert.deepEqual(summarizeConditions(earshot).map((s) => [s.condition, s.raw]), [['clean', undefined], ['noise-10db', undefined]]);
});

test('the table prints both WERs, the ratio and both paths\' times', () => {
  const files = [file('a', 'clean', 10, 1, 1500), file('b', 'pauses', 20, 10, 2500)];
  const rawFiles = [file('a', 'clean', 10, 2, 3000), file('b', 'pauses', 20, 5, 5000)];
  const totals = totalsOf(files);
  const rawTotals = totalsOf(rawFiles);
  const results: EvalResults = {
    format: RESULTS_FORMAT,
    earshotVersion: 'test',
    engine: 'pocketsphinx',
    model: 'en-us',
    date: '2026-01-01T00:00:00Z',
    manifest: 'm.jsonl',
    settings: { vad: {}, normalization: { version: '1', keepFillers: false } },
    files,
    totals,
    raw: { engine: 'pocketsphinx_continuous', command: [], files: rawFiles, totals: rawTotals, werRatio: totals.wer / rawTotals.wer, timeRatio: 0.5 },
  };
  const table = formatConditionTable(results);
  assert.match(table, /^clean\s+1\s+10\s+10\.0%\s+20\.0%\s+0\.50$/m);
  assert.match(table, /^pauses\s+1\s+20\s+50\.0%\s+25\.0%\s+2\.00$/m);
  assert.match(table, /^overall\s+2\s+30\s+36\.7%\s+23\.3%\s+1\.57$/m);
  assert.match(table, /^time: earshot 4\.0 s, raw 8\.0 s, earshot\/raw 0\.50$/m);
});
