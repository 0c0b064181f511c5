/**
 * `earshot eval --intelligence` (issue 17 item 4): chapters generated offline on each transcript
 * of a reference set, scored against its reference chapters (boundary precision, recall and F1
 * within a tolerance, title term overlap), and the speaker labels on the real-voice conversations
 * (DER, speaker count) through the same code as `earshot eval --diarization`.
 */
import { autoChapters, type Chapter } from '../../intelligence/chapters/chapters.js';
import { evaluateDiarization } from '../diarization/evaluate.js';
import { earshotVersion } from '../results.js';
import { boundaryF1, scoreBoundaries, type BoundaryScore } from './boundaries.js';
import { readReferenceSet, type ReferenceEpisode } from './reference-set.js';
import { titleOverlap } from './title-terms.js';

export const BOUNDARY_TOLERANCE_MS = 60_000;

export interface TitleScore {
  startMs: number;
  reference: string;
  /** The headline of the generated chapter that overlaps the reference chapter most in time. */
  hypothesis: string;
  shared: string[];
  overlap: number;
}

export interface EpisodeScore {
  id: string;
  durationMs: number;
  /** Chapter starts after the first, generated and reference, in ms. */
  found: number[];
  expected: number[];
  boundaries: BoundaryScore & { f1: number };
  titles: TitleScore[];
  /** Mean of the titles' overlaps. */
  titleOverlap: number;
}

export interface IntelligenceEvalResult {
  format: 'earshot-eval-intelligence/1';
  date: string;
  earshotVersion: string;
  referenceSet: string;
  toleranceMs: number;
  episodes: EpisodeScore[];
  /** Pooled over every episode's boundaries (not the mean of per-episode rates). */
  boundaries: BoundaryScore & { f1: number };
  /** Mean title term overlap over every reference chapter. */
  titleOverlap: number;
  /** Share of reference chapters whose generated title shares at least one term with it. */
  titlesSharingATerm: number;
  diarization: { der: number; countRight: number; conversations: number; skipped: string[] } | { unavailable: string };
}

export interface IntelligenceEvalOptions {
  toleranceMs?: number;
  /** Score the speaker labels on the real-voice conversations too (default true). */
  diarization?: boolean;
}

export async function evaluateIntelligence(dir: string, options: IntelligenceEvalOptions = {}): Promise<IntelligenceEvalResult> {
  const toleranceMs = options.toleranceMs ?? BOUNDARY_TOLERANCE_MS;
  const episodes: EpisodeScore[] = [];
  for (const episode of await readReferenceSet(dir)) episodes.push(await scoreEpisode(episode, toleranceMs));

  const sum = (f: (b: BoundaryScore) => number) => episodes.reduce((n, e) => n + f(e.boundaries), 0);
  const matched = sum((b) => b.matched);
  const hypotheses = sum((b) => b.hypotheses);
  const references = sum((b) => b.references);
  const pooled = { matched, hypotheses, references, precision: hypotheses === 0 ? 0 : matched / hypotheses, recall: references === 0 ? 1 : matched / references };
  const titles = episodes.flatMap((e) => e.titles);
  return {
    format: 'earshot-eval-intelligence/1',
    date: new Date().toISOString(),
    earshotVersion: earshotVersion(),
    referenceSet: dir,
    toleranceMs,
    episodes,
    boundaries: { ...pooled, f1: boundaryF1(pooled) },
    titleOverlap: mean(titles.map((t) => t.overlap)),
    titlesSharingATerm: mean(titles.map((t) => (t.shared.length > 0 ? 1 : 0))),
    diarization: options.diarization === false ? { unavailable: 'not asked for' } : await diarizationFigures(),
  };
}

async function scoreEpisode(episode: ReferenceEpisode, toleranceMs: number): Promise<EpisodeScore> {
  const { value: chapters } = await autoChapters(episode.transcript);
  const found = chapters.slice(1).map((c) => c.start);
  const expected = episode.chapters.slice(1).map((c) => c.startMs);
  const score = scoreBoundaries(found, expected, toleranceMs);
  const end = Math.max(episode.transcript.durationMs, ...chapters.map((c) => c.end));
  const titles = episode.chapters.map((ref, i): TitleScore => {
    const span = { start: ref.startMs, end: episode.chapters[i + 1]?.startMs ?? end };
    const hypothesis = chapters.length === 0 ? '' : mostOverlapping(chapters, span).headline;
    return { startMs: ref.startMs, reference: ref.title, hypothesis, ...titleOverlap(hypothesis, ref.title) };
  });
  return {
    id: episode.id,
    durationMs: episode.transcript.durationMs,
    found,
    expected,
    boundaries: { ...score, f1: boundaryF1(score) },
    titles,
    titleOverlap: mean(titles.map((t) => t.overlap)),
  };
}

function mostOverlapping(chapters: readonly Chapter[], span: { start: number; end: number }): Chapter {
  const overlap = (c: Chapter) => Math.min(c.end, span.end) - Math.max(c.start, span.start);
  return chapters.reduce((a, b) => (overlap(b) > overlap(a) ? b : a));
}

/** DER and speaker count on the real-voice conversations; a machine without the recordings says so instead. */
async function diarizationFigures(): Promise<IntelligenceEvalResult['diarization']> {
  try {
    const r = await evaluateDiarization();
    return { der: r.wordDer, countRight: r.countRight, conversations: r.conversations.length, skipped: r.skipped };
  } catch (error) {
    return { unavailable: (error as Error).message };
  }
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}

/** The figures kept in the bench history (fractions). */
export function qualityFigures(r: IntelligenceEvalResult): Record<string, number> {
  return {
    boundaryPrecision: r.boundaries.precision,
    boundaryRecall: r.boundaries.recall,
    boundaryF1: r.boundaries.f1,
    titleOverlap: r.titleOverlap,
    titlesSharingATerm: r.titlesSharingATerm,
    ...('der' in r.diarization ? { der: r.diarization.der, speakerCountRight: r.diarization.countRight / r.diarization.conversations } : {}),
  };
}

export function formatIntelligence(r: IntelligenceEvalResult): string {
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  const clock = (ms: number) => new Date(ms).toISOString().slice(11, 19);
  const lines: string[] = [];
  const rows = [
    ['EPISODE', 'MINUTES', 'CHAPTERS', 'FOUND', 'MATCHED', 'PRECISION', 'RECALL', 'F1', 'TITLE OVERLAP'],
    ...r.episodes.map((e) => [e.id, (e.durationMs / 60_000).toFixed(1), String(e.expected.length + 1), String(e.found.length + 1), `${e.boundaries.matched}/${e.boundaries.references}`, pct(e.boundaries.precision), pct(e.boundaries.recall), pct(e.boundaries.f1), pct(e.titleOverlap)]),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  for (const row of rows) lines.push(row.map((cell, j) => (j === 0 ? cell.padEnd(widths[j]) : cell.padStart(widths[j]))).join('  '));
  lines.push('', 'titles (reference → generated, shared terms):');
  for (const e of r.episodes) for (const t of e.titles) lines.push(`  ${e.id} ${clock(t.startMs)}  ${t.reference} → ${t.hypothesis || '(no chapter)'}  [${t.shared.join(', ')}]`);
  lines.push('');
  lines.push(`chapters: boundary F1 ${pct(r.boundaries.f1)} within ±${r.toleranceMs / 1000} s (precision ${pct(r.boundaries.precision)}, recall ${pct(r.boundaries.recall)}, ${r.boundaries.matched} of ${r.boundaries.references} boundaries); title term overlap ${pct(r.titleOverlap)}, ${pct(r.titlesSharingATerm)} of titles share a term`);
  lines.push('der' in r.diarization ? `speakers: DER ${pct(r.diarization.der)} on ${r.diarization.conversations} real-voice conversations, count right in ${r.diarization.countRight}` : `speakers: not measured (${r.diarization.unavailable})`);
  return lines.join('\n');
}
