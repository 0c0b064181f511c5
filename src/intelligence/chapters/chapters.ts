import type { Transcript } from '../../transcript/model.js';
import { annotate, type AnnotatedSentence } from '../nlp/annotate.js';
import { withFallback, type Generated } from '../llm/fallback.js';
import type { GenerationContext } from '../summary/summary.js';
import { describeChapters, type ChapterText } from './describe.js';
import { llmChapterTexts } from './llm-chapters.js';
import { findChapterStarts, type SegmentationOptions } from './segment.js';

/** The SDK's `Chapter` (`chapters[]`); times in ms. */
export interface Chapter {
  start: number;
  end: number;
  headline: string;
  gist: string;
  summary: string;
}

/**
 * AssemblyAI's `auto_chapters`: the transcript is cut where its topic changes (offline, always),
 * then each chapter is titled and summarised by the LLM when one is configured, else (or when it
 * fails) from its own key phrases and sentences.
 */
export async function autoChapters(
  transcript: Pick<Transcript, 'words' | 'segments' | 'durationMs'>,
  context: GenerationContext = {},
  options: SegmentationOptions = {},
): Promise<Generated<Chapter[]>> {
  const sentences = annotate(transcript);
  if (sentences.length === 0) return { value: [], source: 'offline' };
  const groups = splitChapters(sentences, findChapterStarts(sentences, transcript.durationMs, options));
  const texts = await withFallback(
    'chapters',
    context.llm,
    (config) => llmChapterTexts(config, groups, context.signal),
    () => describeChapters(groups),
    context.signal,
  );
  return { ...texts, value: groups.map((group, i) => toChapter(group, texts.value[i])) };
}

export function splitChapters(sentences: readonly AnnotatedSentence[], starts: readonly number[]): AnnotatedSentence[][] {
  return starts.map((start, i) => sentences.slice(start, starts[i + 1] ?? sentences.length));
}

function toChapter(sentences: readonly AnnotatedSentence[], text: ChapterText): Chapter {
  return {
    start: Math.round(sentences[0].start),
    end: Math.round(sentences[sentences.length - 1].end),
    headline: text.headline,
    gist: text.gist,
    summary: text.summary,
  };
}
