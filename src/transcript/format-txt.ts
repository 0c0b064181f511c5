import type { Transcript } from './model.js';
import { toParagraphs, type ParagraphOptions } from './paragraphs.js';

export interface TextOptions {
  /** How paragraphs are found (see toParagraphs). */
  paragraphs?: ParagraphOptions;
}

/**
 * Plain text for reading: one paragraph per block, separated by blank lines, each paragraph
 * prefixed with "Speaker A:" once diarization labelled the words.
 */
export function toText(transcript: Pick<Transcript, 'words' | 'segments'>, options: TextOptions = {}): string {
  return toParagraphs(transcript, options.paragraphs)
    .map((p) => (p.speaker != null ? `Speaker ${p.speaker}: ${p.text}` : p.text))
    .map((block) => `${block}\n`)
    .join('\n');
}
