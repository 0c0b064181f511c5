import { buildCues, type CaptionOptions } from './captions.js';
import type { Transcript } from './model.js';
import { formatTimecode } from './timecode.js';

/**
 * WebVTT: the `WEBVTT` header, then cues with `HH:MM:SS.mmm` times. Hours are always written,
 * which the spec allows and which keeps long files uniform.
 */
export function toVtt(transcript: Pick<Transcript, 'words' | 'segments'>, options: CaptionOptions = {}): string {
  const cues = buildCues(transcript, options).map(
    (cue) => `${formatTimecode(cue.start, '.')} --> ${formatTimecode(cue.end, '.')}\n${escapeCueText(cue.lines).join('\n')}\n`,
  );
  return ['WEBVTT\n', ...cues].join('\n');
}

/** `<` and `&` start markup in cue text, so a literal one must be escaped (WebVTT §4.2.2). */
function escapeCueText(lines: string[]): string[] {
  return lines.map((line) => line.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/-->/g, '--&gt;'));
}
