import { formatClock } from '../../transcript/timecode.js';
import type { ContentSafetyResult } from './safety.js';

/** Flagged passages with their labels, confidence and severity level. */
export function renderSafety(result: ContentSafetyResult): string {
  if (result.results.length === 0) return '(nothing flagged)';
  return result.results
    .map((r) => {
      const labels = r.labels.map((l) => `${l.label} ${Math.round(l.confidence * 100)}% (${level(l.severity)} severity)`).join(', ');
      const text = r.text.length > 160 ? `${r.text.slice(0, 157)}...` : r.text;
      return `${formatClock(r.timestamp.start)}–${formatClock(r.timestamp.end)} ${labels}\n  ${text}`;
    })
    .join('\n');
}

function level(severity: number): string {
  return severity < 0.4 ? 'low' : severity < 0.7 ? 'medium' : 'high';
}
