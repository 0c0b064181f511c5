import { formatClock } from '../../transcript/timecode.js';
import type { Chapter } from './chapters.js';

/** "HH:MM:SS Headline" headings, each followed by the gist and the summary. */
export function renderChapters(chapters: readonly Chapter[]): string {
  return chapters
    .map((c) => [`${formatClock(c.start)} ${c.headline}`, `  Gist: ${c.gist}`, `  ${c.summary}`].join('\n'))
    .join('\n\n');
}
