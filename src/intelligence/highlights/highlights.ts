import type { Transcript } from '../../transcript/model.js';
import { annotate } from '../nlp/annotate.js';
import { rankKeyPhrases } from './rank.js';

/** The SDK's `Timestamp`. */
export interface Timestamp {
  start: number;
  end: number;
}

/** The SDK's `AutoHighlightResult`. */
export interface AutoHighlight {
  count: number;
  rank: number;
  text: string;
  timestamps: Timestamp[];
}

/** The SDK's `AutoHighlightsResult` (`auto_highlights_result`). */
export interface AutoHighlightsResult {
  status: 'success' | 'unavailable';
  results: AutoHighlight[];
}

export const HIGHLIGHT_LIMIT = 15;

/**
 * Key phrases with every time they are spoken (`auto_highlights`). `rank` is the phrase's share
 * of the listed phrases' total score, so ranks sum to 1 as AssemblyAI's roughly do; results are
 * in order of first mention ("a temporally-sequential array", SDK docs).
 */
export function autoHighlights(transcript: Pick<Transcript, 'words' | 'segments'>): AutoHighlightsResult {
  const sentences = annotate(transcript);
  const wordCount = transcript.words.length;
  // A short clip rarely repeats anything; there a single mention has to count.
  const ranked = rankKeyPhrases(sentences, { minCount: wordCount < 250 ? 1 : 2, limit: HIGHLIGHT_LIMIT });
  const total = ranked.reduce((sum, p) => sum + p.score, 0);
  const results = ranked.map((p) => ({
    count: p.mentions.length,
    rank: total > 0 ? round(p.score / total) : 0,
    text: p.text,
    timestamps: p.mentions.map((m) => ({ start: transcript.words[m.firstWord].start, end: transcript.words[m.lastWord].end })),
  }));
  results.sort((a, b) => a.timestamps[0].start - b.timestamps[0].start);
  return { status: 'success', results };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
