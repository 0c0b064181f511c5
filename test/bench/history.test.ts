/** Benchmark history, regression flagging and the HTML report, on hand-made histories. */
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { appendRecord, defaultHistoryPath, HISTORY_FORMAT, parseHistory, readHistory, type BenchRecord } from '../../src/bench/history.js';
import { findRegressions, median } from '../../src/bench/regressions.js';
import { renderReport } from '../../src/bench/report.js';
import { isEarshotError } from '../../src/errors.js';

const scratch = mkdtempSync(join(tmpdir(), 'earshot-bench-history-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

let day = 0;
function run(rtf: number, overrides: Partial<BenchRecord> = {}): BenchRecord {
  day++;
  return {
    format: HISTORY_FORMAT,
    date: new Date(Date.UTC(2026, 0, day)).toISOString(),
    earshotVersion: '0.1.0',
    engine: 'pocketsphinx',
    model: 'en-us',
    audio: { source: '/clips', files: 5, durationMs: 24_700 },
    loadMs: 250,
    wallMs: rtf * 24_700,
    rtf,
    throughput: 1 / rtf,
    peakRssMiB: 240,
    words: 70,
    host: { platform: 'linux', arch: 'x64', cpus: 2, cpuModel: 'test', node: 'v20' },
    ...overrides,
  };
}

test('records append as JSON lines and read back oldest first; damaged lines are skipped and reported', async () => {
  const path = join(scratch, 'nested', 'history.jsonl');
  const late = run(0.3);
  const early = { ...run(0.2), date: '2025-06-01T00:00:00.000Z' };
  await appendRecord(path, late);
  appendFileSync(path, '{"truncated": \n');
  appendFileSync(path, JSON.stringify({ format: 'something-else' }) + '\n');
  await appendRecord(path, early);
  const { records, skippedLines } = await readHistory(path);
  assert.deepEqual(records, [early, late]);
  assert.deepEqual(skippedLines, [2, 3]);
  await assert.rejects(readHistory(join(scratch, 'none.jsonl')), (e: unknown) => isEarshotError(e, 'invalid_request') && /run `earshot bench` first/.test(e.message));
  assert.equal(defaultHistoryPath({ EARSHOT_DATA_DIR: '/srv/earshot' }), '/srv/earshot/bench-history.jsonl');
  assert.match(defaultHistoryPath({}), /\/\.earshot\/bench-history\.jsonl$/);
});

test('a run is flagged when a metric is worse than the median of the previous runs of its series by more than the threshold', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 2, 3]), 2.5);
  const records = [
    run(0.2),
    run(0.22),
    run(0.2), // previous median 0.21: fine
    run(0.25), // median of 0.2, 0.22, 0.2 = 0.2: +25 % → flagged (throughput 4 against 5 is −20 %: not past it)
    run(0.23), // median of 0.2, 0.22, 0.2, 0.25 = 0.21: +9.5 %: fine
    run(0.21, { peakRssMiB: 300, throughput: 3 }), // memory +25 %, throughput (1/0.21 ≈ 4.8 before) −36 % → both flagged
    // Another series is judged on its own: its first run has nothing to compare with.
    run(0.9, { model: 'other' }),
  ];
  const found = findRegressions(records);
  assert.deepEqual(
    found.map((r) => [r.index, r.metric]),
    [
      [3, 'rtf'],
      [5, 'throughput'],
      [5, 'peakRssMiB'],
    ],
  );
  assert.ok(Math.abs(found[0].change - 0.25) < 1e-9);
  assert.equal(found[0].median, 0.2);
  // A stricter threshold flags the smaller rise too; a window of 1 compares with the last run only.
  assert.ok(findRegressions(records, { threshold: 0.05 }).some((r) => r.index === 4 && r.metric === 'rtf'));
  assert.ok(!findRegressions(records, { window: 1 }).some((r) => r.index === 4 && r.metric === 'rtf'), '0.23 is better than the 0.25 before it');
  assert.deepEqual(findRegressions([run(0.2), run(1)], { minPrevious: 2 }), []);
});

test('the report is one self-contained page with one SVG per metric and a point per run', () => {
  const records = [run(0.2), run(0.21), run(0.3), run(0.5, { model: 'tiny.en', engine: 'whisper' }), run(0.45, { model: 'tiny.en', engine: 'whisper', label: '<b>x</b>' })];
  const html = renderReport(parseHistory(records.map((r) => JSON.stringify(r)).join('\n')).records, { source: '/h.jsonl' });
  assert.doesNotMatch(html, /<script|<link|@import|https?:\/\/(?!www\.w3\.org\/2000\/svg)/, 'no scripts, stylesheets or network');
  assert.doesNotMatch(html, /<b>x<\/b>/, 'labels are escaped');
  const svgs = [...html.matchAll(/<svg\b[^>]*data-metric="([^"]+)"[^>]*>([\s\S]*?)<\/svg>/g)];
  assert.deepEqual(svgs.map((m) => m[1]), ['rtf', 'throughput', 'peakRssMiB']);
  const regressions = findRegressions(records);
  for (const [, metric, body] of svgs) {
    const points = [...body.matchAll(/<circle class="point[^"]*"[^>]*data-series="([^"]+)"[^>]*data-value="([^"]+)"[^>]*data-regressed="(true|false)"/g)];
    assert.equal(points.length, records.length, `${metric}: one point per run`);
    assert.deepEqual(
      points.map((p) => Number(p[2])),
      records.map((r) => r[metric as 'rtf' | 'throughput' | 'peakRssMiB']),
    );
    const flagged = points.flatMap((p, i) => (p[3] === 'true' ? [i] : []));
    assert.deepEqual(flagged, regressions.filter((r) => r.metric === metric).map((r) => r.index), metric);
    // One line per series with more than one run.
    assert.equal((body.match(/<polyline/g) ?? []).length, 2);
  }
  // The third run (0.3 against a median of 0.205) is flagged on RTF and throughput, and listed.
  assert.deepEqual(regressions.map((r) => [r.index, r.metric]), [[2, 'rtf'], [2, 'throughput']]);
  assert.match(html, /<td>pocketsphinx\/en-us on \/clips<\/td><td>rtf<\/td>/);
});

test('an empty history still renders, with no points', () => {
  const html = renderReport([]);
  assert.equal((html.match(/<svg/g) ?? []).length, 3);
  assert.equal((html.match(/<circle/g) ?? []).length, 0);
});
