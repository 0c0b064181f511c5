/**
 * Totals per recording condition (issue #19). The real-recordings set tags each file `clean`,
 * `pauses`, `telephone`, `noise-10db`, …; a pipeline change is judged on each condition, since a
 * gain on clean read speech can hide a loss on speech with pauses.
 */
import { totalsOf } from './totals.js';
import type { ConditionSummary, EvalResults, FileResult } from './results.js';

/** Files by condition, in the order conditions first appear; files without one under null. */
export function groupByCondition(files: readonly FileResult[]): Map<string | null, FileResult[]> {
  const groups = new Map<string | null, FileResult[]>();
  for (const file of files) {
    const key = file.condition ?? null;
    const group = groups.get(key);
    if (group) group.push(file);
    else groups.set(key, [file]);
  }
  return groups;
}

/**
 * Each condition's totals (errors summed over its files ÷ its reference words), with the raw
 * engine's on the same files beside them when `rawFiles` is given (matched by id).
 */
export function summarizeConditions(files: readonly FileResult[], rawFiles?: readonly FileResult[]): ConditionSummary[] {
  const rawById = rawFiles ? new Map(rawFiles.map((f) => [f.id, f])) : undefined;
  return [...groupByCondition(files)].map(([condition, group]) => {
    const earshot = totalsOf(group);
    if (!rawById) return { condition, earshot };
    const raw = totalsOf(
      group.map((f) => {
        const match = rawById.get(f.id);
        if (!match) throw new Error(`The raw engine's results have no file "${f.id}"; both must come from the same manifest.`);
        return match;
      }),
    );
    return { condition, earshot, raw, werRatio: ratioOf(earshot.wer, raw.wer) };
  });
}

/** a ÷ b, or null when b is 0 (a rate of zero errors leaves nothing to divide by). */
export function ratioOf(a: number, b: number): number | null {
  return b > 0 ? a / b : null;
}

/**
 * WER per condition and overall; with the raw engine's results, its WER, the ratio Earshot ÷ raw
 * and both paths' processing times.
 */
export function formatConditionTable(results: EvalResults): string {
  const conditions = results.conditions ?? summarizeConditions(results.files, results.raw?.files);
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  const ratio = (v: number | null | undefined) => (v === null || v === undefined ? '-' : v.toFixed(2));
  const raw = results.raw;
  const header = raw ? ['CONDITION', 'FILES', 'WORDS', 'EARSHOT WER', 'RAW WER', 'EARSHOT/RAW'] : ['CONDITION', 'FILES', 'WORDS', 'WER'];
  const row = (name: string, earshot: EvalResults['totals'], rawTotals: EvalResults['totals'] | undefined, werRatio: number | null | undefined) => [
    name,
    String(earshot.files),
    String(earshot.words.reference),
    pct(earshot.wer),
    ...(raw && rawTotals ? [pct(rawTotals.wer), ratio(werRatio)] : []),
  ];
  const rows = [
    header,
    ...conditions.map((c) => row(c.condition ?? '(none)', c.earshot, c.raw, c.werRatio)),
    row('overall', results.totals, raw?.totals, raw?.werRatio),
  ];
  const widths = header.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const lines = rows.map((r) => r.map((cell, j) => (j === 0 ? cell.padEnd(widths[j]) : cell.padStart(widths[j]))).join('  '));
  lines.splice(lines.length - 1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  if (raw) {
    const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    lines.unshift(`${results.engine}/${results.model} against ${raw.engine} (same model), per condition`);
    lines.push(`time: earshot ${seconds(results.totals.processingMs)}, raw ${seconds(raw.totals.processingMs)}, earshot/raw ${ratio(raw.timeRatio)}`);
  }
  return lines.join('\n');
}
