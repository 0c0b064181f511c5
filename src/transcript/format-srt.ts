import { buildCues, type CaptionOptions } from './captions.js';
import type { Transcript } from './model.js';
import { formatTimecode } from './timecode.js';

/** SubRip: numbered cues, `HH:MM:SS,mmm --> HH:MM:SS,mmm`, a blank line after each cue. */
export function toSrt(transcript: Pick<Transcript, 'words' | 'segments'>, options: CaptionOptions = {}): string {
  return buildCues(transcript, options)
    .map((cue, i) => `${i + 1}\n${formatTimecode(cue.start, ',')} --> ${formatTimecode(cue.end, ',')}\n${cue.lines.join('\n')}\n`)
    .join('\n');
}
