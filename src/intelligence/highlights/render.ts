import { formatClock } from '../../transcript/timecode.js';
import type { AutoHighlightsResult } from './highlights.js';

/** Key phrases by rank, with how often and (up to five) when they are said. */
export function renderHighlights(result: AutoHighlightsResult): string {
  if (result.results.length === 0) return '(no key phrases)';
  return [...result.results]
    .sort((a, b) => b.rank - a.rank)
    .map((h) => {
      const times = h.timestamps.slice(0, 5).map((t) => formatClock(t.start));
      const more = h.timestamps.length > 5 ? ', …' : '';
      return `${h.text} (${h.count}×): ${times.join(', ')}${more}`;
    })
    .join('\n');
}
