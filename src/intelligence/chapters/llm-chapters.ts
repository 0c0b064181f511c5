import type { AnnotatedSentence } from '../nlp/annotate.js';
import { malformed, parseJsonAnswer } from '../llm/answer.js';
import { chatComplete } from '../llm/chat.js';
import { LLM_DEFAULTS, type LlmConfig } from '../llm/config.js';
import { transcriptForPrompt } from '../summary/condense.js';
import { wordCount } from '../summary/tidy.js';
import type { ChapterText } from './describe.js';

/**
 * Headline, gist and summary for every chapter in one request. The chapter boundaries stay the
 * offline ones: an LLM given the whole text cannot be trusted with timestamps, and asking per
 * chapter would multiply slow round trips to a local model. Each chapter gets an equal share of
 * the input budget.
 */
export async function llmChapterTexts(
  config: LlmConfig,
  chapters: readonly (readonly AnnotatedSentence[])[],
  signal?: AbortSignal,
): Promise<ChapterText[]> {
  const budget = Math.floor((config.maxInputChars ?? LLM_DEFAULTS.maxInputChars) / Math.max(1, chapters.length));
  const body = chapters.map((sentences, i) => `### Chapter ${i + 1}\n${transcriptForPrompt(sentences, budget).text}`).join('\n\n');
  const answer = await chatComplete(
    config,
    [
      {
        role: 'system',
        content:
          'You write chapter titles and summaries for transcripts of spoken audio. Reply with JSON only, no commentary: ' +
          '{"chapters":[{"headline":"…","gist":"…","summary":"…"}]} with one object per chapter, in order.',
      },
      {
        role: 'user',
        content:
          `For each of the ${chapters.length} chapters below write a "headline" (one sentence naming what the chapter is about), ` +
          'a "gist" (at most 6 words) and a "summary" (2 to 4 sentences).\n\n' +
          body,
      },
    ],
    { signal, maxTokens: 250 * chapters.length + 200 },
  );
  return checkChapterTexts(answer, chapters.length);
}

/** Accepts `{"chapters":[…]}` or a bare array with exactly one complete entry per chapter. */
export function checkChapterTexts(answer: string, count: number): ChapterText[] {
  const json = parseJsonAnswer(answer);
  const list = Array.isArray(json) ? json : (json as { chapters?: unknown })?.chapters;
  if (!Array.isArray(list)) throw malformed('no "chapters" array', answer);
  if (list.length !== count) throw malformed(`${list.length} chapters for ${count}`, answer);
  return list.map((item, i) => {
    const fields = ['headline', 'gist', 'summary'] as const;
    const entry = item as Record<string, unknown>;
    for (const field of fields) {
      if (typeof entry?.[field] !== 'string' || (entry[field] as string).trim() === '') throw malformed(`chapter ${i + 1} has no ${field}`, answer);
    }
    const gist = (entry.gist as string).trim().replace(/[.]+$/, '');
    if (wordCount(gist) > 12) throw malformed(`chapter ${i + 1}'s gist is longer than 12 words`, answer);
    return { headline: (entry.headline as string).trim(), gist, summary: (entry.summary as string).trim() };
  });
}
