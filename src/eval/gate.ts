/**
 * The regression gate of `earshot eval --baseline OLD.json --max-regression 0.5`: a model (or
 * setting) fails when its overall WER is worse than the baseline's by more than the allowed
 * percentage points. Only files present in both results are compared (matched by id), and the
 * overall figures are recomputed over those files from their counts, so adding a clip to the
 * manifest does not move the baseline.
 */
import { EarshotError } from '../errors.js';
import { totalsOf } from './totals.js';
import type { EvalResults } from './results.js';

export interface FileComparison {
  id: string;
  /** WER as fractions. */
  baseline: number;
  current: number;
  /** current − baseline, in percentage points (positive: worse). */
  deltaPoints: number;
}

export interface Comparison {
  /** Overall WER over the common files, as fractions. */
  baselineWer: number;
  currentWer: number;
  deltaPoints: number;
  maxRegressionPoints: number;
  /** True when deltaPoints exceeds maxRegressionPoints. */
  regressed: boolean;
  files: FileComparison[];
  /** Ids in only one of the two results (not compared). */
  onlyInBaseline: string[];
  onlyInCurrent: string[];
  /** Differences in how the two were produced that make the comparison less direct. */
  warnings: string[];
}

export function compareResults(current: EvalResults, baseline: EvalResults, maxRegressionPoints: number): Comparison {
  if (!Number.isFinite(maxRegressionPoints) || maxRegressionPoints < 0) {
    throw new EarshotError('invalid_request', `--max-regression must be a non-negative number of WER percentage points (got ${maxRegressionPoints}).`);
  }
  const baseById = new Map(baseline.files.map((f) => [f.id, f]));
  const currentIds = new Set(current.files.map((f) => f.id));
  const common = current.files.filter((f) => baseById.has(f.id));
  if (common.length === 0) {
    throw new EarshotError('invalid_request', 'The baseline and this run share no files (matched by id), so they cannot be compared; evaluate the same manifest.');
  }
  const baseCommon = common.map((f) => baseById.get(f.id)!);
  const currentWer = totalsOf(common).wer;
  const baselineWer = totalsOf(baseCommon).wer;
  const exactDelta = (currentWer - baselineWer) * 100;
  const warnings: string[] = [];
  if (current.settings?.normalization?.version !== baseline.settings?.normalization?.version) {
    warnings.push(`text normalisation differs (baseline v${baseline.settings?.normalization?.version ?? '?'}, now v${current.settings?.normalization?.version ?? '?'})`);
  }
  if (JSON.stringify(current.settings?.vad) !== JSON.stringify(baseline.settings?.vad)) warnings.push('VAD settings differ');
  const files = common.map((f) => {
    const base = baseById.get(f.id)!;
    return { id: f.id, baseline: base.wer, current: f.wer, deltaPoints: round2((f.wer - base.wer) * 100) };
  });
  return {
    baselineWer,
    currentWer,
    deltaPoints: round2(exactDelta),
    maxRegressionPoints,
    // A hair of floating-point noise must not fail a run whose WER is exactly the allowance worse.
    regressed: exactDelta > maxRegressionPoints + 1e-9,
    files,
    onlyInBaseline: baseline.files.filter((f) => !currentIds.has(f.id)).map((f) => f.id),
    onlyInCurrent: current.files.filter((f) => !baseById.has(f.id)).map((f) => f.id),
    warnings,
  };
}

/** A plain-text table of the comparison, per file then overall, and the verdict. */
export function formatComparison(c: Comparison, labels: { baseline: string; current: string }): string {
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  const signed = (v: number) => `${v > 0 ? '+' : ''}${v.toFixed(1)}`;
  const rows = [
    ['FILE', 'BASELINE', 'NOW', 'Δ POINTS'],
    ...c.files.map((f) => [f.id, pct(f.baseline), pct(f.current), signed(f.deltaPoints)]),
    ['overall', pct(c.baselineWer), pct(c.currentWer), signed(c.deltaPoints)],
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const lines = [`WER: ${labels.current} against baseline ${labels.baseline}`];
  rows.forEach((r, i) => {
    if (i === rows.length - 1) lines.push(widths.map((w) => '-'.repeat(w)).join('  '));
    lines.push(r.map((cell, j) => (j === 0 ? cell.padEnd(widths[j]) : cell.padStart(widths[j]))).join('  '));
  });
  if (c.onlyInBaseline.length > 0) lines.push(`not compared (only in the baseline): ${c.onlyInBaseline.join(', ')}`);
  if (c.onlyInCurrent.length > 0) lines.push(`not compared (new files): ${c.onlyInCurrent.join(', ')}`);
  for (const w of c.warnings) lines.push(`warning: ${w}`);
  lines.push(
    c.regressed
      ? `REGRESSION: WER is ${c.deltaPoints.toFixed(1)} points worse than the baseline (${pct(c.baselineWer)} → ${pct(c.currentWer)}), more than the ${c.maxRegressionPoints} allowed.`
      : `OK: WER ${pct(c.currentWer)} against ${pct(c.baselineWer)} (${signed(c.deltaPoints)} points; at most +${c.maxRegressionPoints} allowed).`,
  );
  return lines.join('\n');
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}
