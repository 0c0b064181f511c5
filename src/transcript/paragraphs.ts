import type { Transcript, Word } from './model.js';
import { toSentences, type Sentence, type SentenceOptions } from './sentences.js';
import { toSpan, type TextSpan } from './span.js';

export type Paragraph = TextSpan;

export interface ParagraphOptions {
  /** How sentences are found first. */
  sentences?: SentenceOptions;
  /** A silence this long (ms) before a sentence starts a new paragraph. */
  pauseMs?: number;
  /** A sentence that would take a paragraph past this many words starts a new one. */
  maxWords?: number;
}

export const PARAGRAPH_DEFAULTS = { pauseMs: 1500, maxWords: 120 } as const;

/**
 * Groups whole sentences into paragraphs (AssemblyAI's `/paragraphs`): a new paragraph starts at
 * a change of speaker, after a long pause, or when the current one is full. A single sentence
 * longer than the budget still makes one paragraph, since sentences are never cut.
 */
export function toParagraphs(
  transcript: Pick<Transcript, 'words' | 'segments'>,
  options: ParagraphOptions = {},
): Paragraph[] {
  return groupSentences(toSentences(transcript, options.sentences), options);
}

export function groupSentences(sentences: readonly Sentence[], options: ParagraphOptions = {}): Paragraph[] {
  const pauseMs = options.pauseMs ?? PARAGRAPH_DEFAULTS.pauseMs;
  const maxWords = options.maxWords ?? PARAGRAPH_DEFAULTS.maxWords;
  const paragraphs: Paragraph[] = [];
  let words: Word[] = [];
  let speaker: string | null = null;
  let end = 0;
  for (const sentence of sentences) {
    const startsNew =
      words.length > 0 &&
      ((speaker != null && sentence.speaker != null && sentence.speaker !== speaker) ||
        sentence.start - end >= pauseMs ||
        words.length + sentence.words.length > maxWords);
    if (startsNew) {
      paragraphs.push(toSpan(words));
      words = [];
      speaker = null;
    }
    words = words.concat(sentence.words);
    speaker ??= sentence.speaker;
    end = sentence.end;
  }
  if (words.length > 0) paragraphs.push(toSpan(words));
  return paragraphs;
}
