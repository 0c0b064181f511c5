/**
 * Custom vocabulary for whisper-class engines: they have no dictionary or word weights, but they
 * condition on an initial prompt as if it were the preceding transcript, so spellings that appear
 * there are favoured. The terms are appended to the caller's prompt as a glossary line.
 */
import type { RecognizeOptions } from '../engine.js';
import { normalizeVocabulary } from './vocabulary.js';

/**
 * whisper keeps at most 224 prompt tokens (half its 448-token context) and drops the *oldest*
 * ones; English runs about 4 characters a token, so the glossary stops before ~800 characters and
 * the terms listed first are the ones kept.
 */
export const MAX_PROMPT_CHARS = 800;

/**
 * The prompt to give whisper for these options: `prompt`, then "Glossary: term, term, …". The
 * boost level cannot be expressed in a prompt, so it is ignored. Undefined when there is neither.
 */
export function promptWithVocabulary(options: Pick<RecognizeOptions, 'prompt' | 'vocabulary'>): string | undefined {
  const base = options.prompt?.trim() ?? '';
  const terms = options.vocabulary ? normalizeVocabulary(options.vocabulary).words : [];
  if (terms.length === 0) return base || undefined;
  const budget = MAX_PROMPT_CHARS - base.length - 12;
  const kept: string[] = [];
  let length = 0;
  for (const term of terms) {
    if (length + term.length + 2 > budget) break;
    kept.push(term);
    length += term.length + 2;
  }
  if (kept.length === 0) return base || undefined;
  const glossary = `Glossary: ${kept.join(', ')}.`;
  return base ? `${base} ${glossary}` : glossary;
}
