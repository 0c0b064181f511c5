import type { AnnotatedSentence } from '../nlp/annotate.js';
import { cleanAnswer, malformed } from '../llm/answer.js';
import { chatComplete } from '../llm/chat.js';
import { LLM_DEFAULTS, type LlmConfig } from '../llm/config.js';
import { transcriptForPrompt } from './condense.js';
import type { SummaryModel, SummaryType } from './options.js';
import { wordCount } from './tidy.js';

const FORMAT: Record<SummaryType, string> = {
  bullets: 'Write 3 to 6 bullet points. Each bullet is one line that starts with "- ".',
  bullets_verbose: 'Write 6 to 12 detailed bullet points. Each bullet is one or two full sentences on one line that starts with "- ".',
  gist: 'Write a gist: a few words (at most 8) naming what the audio is about, with no final full stop.',
  headline: 'Write a one-sentence headline (at most 30 words).',
  paragraph: 'Write one paragraph of 3 to 6 sentences.',
};

const TONE: Record<SummaryModel, string> = {
  informative: 'Be neutral and informative, as for a presentation or a news story.',
  conversational: 'The audio is a conversation: say who raised what and what was agreed.',
  catchy: 'Make it catchy and engaging, as for a podcast episode description.',
};

/** A summary written by the configured chat model, checked against the requested format. */
export async function llmSummary(
  config: LlmConfig,
  sentences: readonly AnnotatedSentence[],
  type: SummaryType,
  model: SummaryModel,
  signal?: AbortSignal,
): Promise<string> {
  const { text, condensed } = transcriptForPrompt(sentences, config.maxInputChars ?? LLM_DEFAULTS.maxInputChars);
  const answer = await chatComplete(
    config,
    [
      { role: 'system', content: 'You summarise transcripts of spoken audio. Reply with the summary only: no preamble, no title, no commentary.' },
      {
        role: 'user',
        content: `${FORMAT[type]} ${TONE[model]}\n\n${condensed ? 'Transcript (the most central sentences of a longer recording)' : 'Transcript'}:\n${text}`,
      },
    ],
    { signal, maxTokens: type === 'bullets_verbose' || type === 'paragraph' ? 800 : 400 },
  );
  return checkSummary(answer, type);
}

/**
 * Normalises the model's answer to AssemblyAI's format, or rejects it (so the offline summary is
 * used) when it is not in the requested shape: bullets must be bullets, a gist must be short.
 */
export function checkSummary(answer: string, type: SummaryType): string {
  const text = cleanAnswer(answer).replace(/^(?:summary|headline|gist)\s*:\s*/i, '');
  if (text === '') throw malformed('empty summary', answer);
  if (type === 'bullets' || type === 'bullets_verbose') {
    const bullets = text
      .split(/\r?\n/)
      .map((line) => /^\s*(?:[-*•–]|\d+[.)])\s+(.+)$/.exec(line)?.[1]?.trim())
      .filter((b): b is string => b !== undefined && b !== '');
    if (bullets.length === 0) throw malformed('no bullet points', answer);
    return bullets.map((b) => `- ${b}`).join('\n');
  }
  const flat = text.replace(/\s*\n+\s*/g, ' ').trim();
  const unquoted = flat.replace(/^["“'](.*)["”']$/, '$1');
  if (type === 'gist') {
    if (wordCount(unquoted) > 15) throw malformed('the gist is longer than 15 words', answer);
    return unquoted.replace(/[.。]+$/, '');
  }
  if (type === 'headline' && wordCount(unquoted) > 60) throw malformed('the headline is longer than 60 words', answer);
  return unquoted;
}
