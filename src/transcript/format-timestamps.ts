import type { Transcript } from './model.js';
import { joinWords } from './text.js';
import { formatClock } from './timecode.js';

/**
 * One line per segment, `HH:MM:SS text`, the layout podcast transcripts are published in. A line
 * is stamped with its first word's start rather than the segment's, since voice activity
 * detection pads segments with a little silence.
 */
export function toTimestamps(transcript: Pick<Transcript, 'segments'>): string {
  return transcript.segments
    .map((segment) => ({ segment, text: joinWords(segment.words) }))
    .filter(({ text }) => text !== '')
    .map(({ segment, text }) => {
      const first = segment.words.find((w) => w.text.trim() !== '');
      return `${formatClock(first?.start ?? segment.start)} ${text}\n`;
    })
    .join('');
}
