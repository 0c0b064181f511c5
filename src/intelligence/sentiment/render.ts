import { formatClock } from '../../transcript/timecode.js';
import type { SentimentResult } from './sentiment.js';

/** Counts per sentiment, then the most confident positive and negative sentences in time order. */
export function renderSentiment(results: readonly SentimentResult[], limit = 10): string {
  const count = (s: string) => results.filter((r) => r.sentiment === s).length;
  const header = `Positive ${count('POSITIVE')} · Neutral ${count('NEUTRAL')} · Negative ${count('NEGATIVE')}`;
  const notable = results
    .filter((r) => r.sentiment !== 'NEUTRAL')
    .sort((a, b) => b.confidence - a.confidence)
    .slice(0, limit)
    .sort((a, b) => a.start - b.start)
    .map((r) => `${formatClock(r.start)} ${r.sentiment.padEnd(8)} ${r.speaker != null ? `Speaker ${r.speaker}: ` : ''}${r.text}`);
  return [header, ...notable].join('\n');
}
