/**
 * Custom vocabulary (issue #8 item 4): terms a job wants recognised, as AssemblyAI's `word_boost`
 * + `boost_param` and the streaming `keyterms_prompt` express them. Engines receive it as
 * `RecognizeOptions.vocabulary`; pocketsphinx adds missing words to its dictionary and favours the
 * terms in its language model, whisper turns them into an initial prompt.
 */
import { EarshotError } from '../../errors.js';
import type { RecognizeOptions } from '../engine.js';

export type Vocabulary = NonNullable<RecognizeOptions['vocabulary']>;
export type BoostLevel = Vocabulary['boost'];

export const BOOST_LEVELS: readonly BoostLevel[] = ['low', 'default', 'high'];

/** AssemblyAI's limits for `word_boost`: up to 1000 terms of up to 6 words each. */
export const MAX_TERMS = 1000;
export const MAX_WORDS_PER_TERM = 6;
const MAX_TERM_CHARS = 100;

/**
 * Trims terms, collapses their inner spaces, drops empty ones and case-insensitive duplicates
 * (first spelling wins), and checks the limits. Throws `invalid_request` naming the problem.
 */
export function normalizeVocabulary(vocabulary: Vocabulary): Vocabulary {
  if (!vocabulary || !Array.isArray(vocabulary.words)) {
    throw new EarshotError('invalid_request', 'vocabulary.words must be an array of strings.');
  }
  const boost = vocabulary.boost ?? 'default';
  if (!BOOST_LEVELS.includes(boost)) {
    throw new EarshotError('invalid_request', `boost_param must be one of ${BOOST_LEVELS.join(', ')} (got "${String(boost)}").`);
  }
  const seen = new Set<string>();
  const words: string[] = [];
  for (const raw of vocabulary.words) {
    if (typeof raw !== 'string') throw new EarshotError('invalid_request', 'Every word_boost term must be a string.');
    const term = raw.normalize('NFKC').replace(/\s+/g, ' ').trim();
    if (term === '') continue;
    if (term.length > MAX_TERM_CHARS) {
      throw new EarshotError('invalid_request', `The word_boost term "${term.slice(0, 30)}…" is longer than ${MAX_TERM_CHARS} characters.`);
    }
    if (term.split(' ').length > MAX_WORDS_PER_TERM) {
      throw new EarshotError('invalid_request', `The word_boost term "${term}" has more than ${MAX_WORDS_PER_TERM} words.`);
    }
    const key = term.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    words.push(term);
  }
  if (words.length > MAX_TERMS) {
    throw new EarshotError('invalid_request', `word_boost holds ${words.length} terms; the limit is ${MAX_TERMS}.`);
  }
  return { words, boost };
}

/**
 * The vocabulary of a transcription request, from AssemblyAI's fields: `word_boost` and
 * `keyterms_prompt` are merged (both are lists of terms to favour), `boost_param` sets the
 * strength. Undefined when there are no terms.
 */
export function vocabularyFromRequest(request: {
  word_boost?: string[] | null;
  boost_param?: string | null;
  keyterms_prompt?: string[] | null;
  /** `keyterms_match_strength: "high"` boosts like `boost_param: "high"`; an explicit boost_param wins. */
  keyterms_prompt_options?: { keyterms_match_strength?: string | null } | null;
}): Vocabulary | undefined {
  const words = [...(request.word_boost ?? []), ...(request.keyterms_prompt ?? [])];
  const strength = request.keyterms_prompt_options?.keyterms_match_strength === 'high' ? 'high' : 'default';
  const vocabulary = normalizeVocabulary({ words, boost: (request.boost_param ?? strength) as BoostLevel });
  return vocabulary.words.length > 0 ? vocabulary : undefined;
}

/**
 * The single words an engine with a word dictionary works with: terms split on spaces and
 * hyphens, lower-cased (pocketsphinx's dictionary is), with surrounding punctuation removed.
 * Tokens that still hold characters a dictionary entry cannot (brackets, parentheses, which mark
 * fillers and alternate pronunciations) are dropped.
 */
export function vocabularyTokens(words: readonly string[]): string[] {
  const tokens = new Set<string>();
  for (const term of words) {
    for (const piece of term.toLowerCase().split(/[\s\u2010-\u2015-]+/)) {
      const token = piece.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}+#]+$/gu, '');
      if (token !== '' && /^[\p{L}\p{N}][\p{L}\p{N}'.&+#]*$/u.test(token)) tokens.add(token);
    }
  }
  return [...tokens];
}

/** A stable identity for a vocabulary: engines keep one decoder set-up per key. */
export function vocabularyKey(vocabulary: Vocabulary): string {
  return `${vocabulary.boost}:${[...new Set(vocabularyTokens(vocabulary.words))].sort().join(' ')}`;
}
