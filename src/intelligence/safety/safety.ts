import type { Transcript } from '../../transcript/model.js';
import { annotate, type AnnotatedSentence } from '../nlp/annotate.js';
import { PhraseMatcher } from '../nlp/matcher.js';
import { passagesOf } from '../topics/topics.js';
import { HOSTILITY, PROTECTED_GROUPS, safetyEntries, type SafetyEntry, type SafetyLabel } from './lexicon.js';
import { profanityOf } from './profanity.js';

/** The SDK's `ContentSafetyLabel`. */
export interface SafetyLabelScore {
  label: SafetyLabel;
  confidence: number;
  severity: number;
}

/** The SDK's `ContentSafetyLabelResult`. */
export interface SafetyResult {
  text: string;
  labels: SafetyLabelScore[];
  /** Indexes into the transcript's sentences (GET /sentences), inclusive. */
  sentences_idx_start: number;
  sentences_idx_end: number;
  timestamp: { start: number; end: number };
}

/** The SDK's `ContentSafetyLabelsResult` (`content_safety_labels`). */
export interface ContentSafetyResult {
  status: 'success' | 'unavailable';
  results: SafetyResult[];
  summary: Record<string, number>;
  severity_score_summary: Record<string, { low: number; medium: number; high: number }>;
}

export interface SafetyOptions {
  /** AssemblyAI's `content_safety_confidence`: 25..100, default 50. */
  content_safety_confidence?: number | null;
}

const matcher = new PhraseMatcher(safetyEntries(), (entry) => entry.label);
const groups = new PhraseMatcher(PROTECTED_GROUPS.split(',').map((p) => ({ phrase: p.trim(), data: true })));
const hostility = new PhraseMatcher(HOSTILITY.split(',').map((p) => ({ phrase: p.trim(), data: true })));

/**
 * AssemblyAI's `content_safety_labels`. Passages (about 80 words, as for topics) collect evidence
 * per label from the lexicons; confidence is 1 − e^(−evidence), so one strong mention gives about
 * 0.63 and each further one raises it, and labels at or above the threshold are reported with a
 * severity from the gravest mention (plus a little for each repeat).
 */
export function detectContentSafety(transcript: Pick<Transcript, 'words' | 'segments' | 'durationMs'>, options: SafetyOptions = {}): ContentSafetyResult {
  const threshold = (options.content_safety_confidence ?? 50) / 100;
  const results: SafetyResult[] = [];
  for (const passage of passagesOf(annotate(transcript))) {
    const labels = scorePassage(passage).filter((l) => l.confidence >= threshold);
    if (labels.length === 0) continue;
    const words = passage.flatMap((s) => s.words);
    results.push({
      text: passage.map((s) => s.text).join(' '),
      labels,
      sentences_idx_start: passage[0].index,
      sentences_idx_end: passage[passage.length - 1].index,
      timestamp: { start: Math.round(words[0].start), end: Math.round(words[words.length - 1].end) },
    });
  }
  return { status: 'success', results, ...summarise(results, transcript.durationMs) };
}

export function scorePassage(sentences: readonly AnnotatedSentence[]): SafetyLabelScore[] {
  const evidence = new Map<SafetyLabel, { total: number; severity: number; mentions: number; seen: Map<string, number> }>();
  const add = (phrase: string, entry: SafetyEntry) => {
    const e = evidence.get(entry.label) ?? { total: 0, severity: 0, mentions: 0, seen: new Map() };
    // Repeating one word is weaker evidence than several different ones: repeats count half.
    const repeats = e.seen.get(phrase) ?? 0;
    e.total += repeats === 0 ? entry.weight : entry.weight * 0.5;
    e.seen.set(phrase, repeats + 1);
    e.severity = Math.max(e.severity, entry.severity);
    e.mentions++;
    evidence.set(entry.label, e);
  };
  for (const sentence of sentences) {
    for (const m of matcher.match(sentence.tokens)) add(m.phrase, m.data);
    for (const word of sentence.words) {
      const profane = profanityOf(word.text);
      if (profane) add(profane.root, { label: 'profanity', weight: 0.6 + 0.4 * profane.strength, severity: profane.strength });
    }
    if (groups.match(sentence.tokens).length > 0 && hostility.match(sentence.tokens).length > 0) {
      add(`hate:${sentence.index}`, { label: 'hate_speech', weight: 1, severity: 0.8 });
    }
  }
  return [...evidence.entries()]
    .map(([label, e]) => ({
      label,
      confidence: round(1 - Math.exp(-e.total)),
      severity: round(Math.min(1, e.severity + 0.05 * (e.mentions - 1))),
    }))
    .sort((a, b) => b.confidence - a.confidence || a.label.localeCompare(b.label));
}

/**
 * `summary`: per label, the mean confidence of its passages scaled by how much of the file they
 * cover (full weight from 10% of the duration up), so one flagged minute in a three-hour file
 * scores low, as AssemblyAI describes it. `severity_score_summary`: how the label's passages
 * split into low (< 0.4), medium and high (≥ 0.7) severity, weighted by confidence and length.
 */
function summarise(results: readonly SafetyResult[], durationMs: number): Pick<ContentSafetyResult, 'summary' | 'severity_score_summary'> {
  const perLabel = new Map<string, { confidence: number; count: number; covered: number; buckets: [number, number, number] }>();
  for (const result of results) {
    const length = Math.max(1, result.timestamp.end - result.timestamp.start);
    for (const l of result.labels) {
      const s = perLabel.get(l.label) ?? { confidence: 0, count: 0, covered: 0, buckets: [0, 0, 0] };
      s.confidence += l.confidence;
      s.count++;
      s.covered += length;
      s.buckets[l.severity < 0.4 ? 0 : l.severity < 0.7 ? 1 : 2] += l.confidence * length;
      perLabel.set(l.label, s);
    }
  }
  const summary: Record<string, number> = {};
  const severity_score_summary: Record<string, { low: number; medium: number; high: number }> = {};
  for (const [label, s] of perLabel) {
    const coverage = durationMs > 0 ? s.covered / durationMs : 1;
    summary[label] = round((s.confidence / s.count) * Math.min(1, Math.sqrt(coverage / 0.1)));
    const total = s.buckets[0] + s.buckets[1] + s.buckets[2];
    severity_score_summary[label] = { low: round(s.buckets[0] / total), medium: round(s.buckets[1] / total), high: round(s.buckets[2] / total) };
  }
  return { summary, severity_score_summary };
}

function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
