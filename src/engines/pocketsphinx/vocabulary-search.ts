/**
 * A pocketsphinx search that favours a custom vocabulary (issue #8 item 4, `word_boost`).
 *
 * 1. Words missing from the dictionary get a pronunciation from espeak-ng, mapped to the model's
 *    phones (../vocabulary/arpabet.ts), and are added with ps_add_word.
 * 2. The language model becomes the model's n-gram LM combined with a unigram LM over the boosted
 *    words, through an LM set in interpolation mode. sphinxbase mixes the sub-models' *scores*,
 *    which already carry the language weight (-lw 6.5) and insertion penalty, so with both set
 *    weights at 1 a boosted word w scores as if P(w | h)^lw = P_lm(w | h)^lw + F^lw, that is
 *    P(w | h) ≈ max(P_lm(w | h), F): a probability floor F, in every context, for the boosted words
 *    only. Every other word keeps exactly the score it had. F is the boost level (BOOST_FLOORS).
 *    (Weights that sum to one, λ and 1 − λ, do not grade anything here: λ multiplies P^lw, so even
 *    λ = 1e-8 lifts a boosted word above the most frequent words — measured, recall did not move
 *    between λ = 1e-8 and 0.6 — and float32 cannot hold the λ a graded boost would need.) This also favours words the dictionary already has (kafka, dashwood), which
 *    giving a new word a unigram weight (ngram_model_add_word) cannot.
 *
 * Order matters, because of how 5prealpha's ps_add_word treats existing searches: it adds the word
 * to every n-gram search's LM set through ngram_model_set_add_ug, which reads the word's text from
 * the wrong index (`word_str[i]`, i the sub-model) and so maps the new word onto an unrelated
 * unigram. The decoder is therefore created without any search (no -lm), the words are added to
 * the dictionary while no search exists, and only then is the interpolated search built.
 *
 * Such a decoder is only ever used for jobs with the same vocabulary (see vocabulary-decoders.ts):
 * the engine's shared decoders never see these words or weights.
 */
import { close } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createMemfd } from '../../audio/memfd.js';
import { EarshotError } from '../../errors.js';
import { arpabetPronunciations } from '../vocabulary/pronounce.js';
import { vocabularyTokens, type BoostLevel, type Vocabulary } from '../vocabulary/vocabulary.js';
import type { SearchSetup } from './decoder.js';
import { callAsync, INSTALL_HINT, NGRAM_ARPA, NGRAM_AUTO, type PocketsphinxLibrary, type Ptr } from './library.js';
import type { PocketsphinxModel } from './model.js';

const closeAsync = promisify(close);

/** Name of the search the vocabulary decoder uses (the default one is `_default`). */
export const VOCABULARY_SEARCH = 'vocabulary';


/**
 * The probability floor F per `boost_param`: a boosted word is at least as likely as F after any
 * history. For scale, a rare dictionary word has a unigram probability around 1e-6 to 1e-7.
 */
export const BOOST_FLOORS: Record<BoostLevel, number> = { low: 1e-5, default: 1e-4, high: 1e-3 };

export interface VocabularyReport {
  /** Dictionary words after normalisation (lower case, split on spaces and hyphens). */
  tokens: string[];
  /** Words that were missing from the dictionary and were added, with their phones. */
  added: { word: string; phones: string }[];
  /** Words that could not be added (no pronunciation, or pocketsphinx refused the phones). */
  skipped: { word: string; reason: string }[];
  /** The probability floor F used. */
  floor: number;
}

/**
 * The SearchSetup for Decoder.create, and the report it fills in when it runs (every decoder built
 * for the same vocabulary reports the same).
 */
export function vocabularySearch(model: PocketsphinxModel, vocabulary: Vocabulary): { setup: SearchSetup; report: VocabularyReport } {
  const report: VocabularyReport = { tokens: vocabularyTokens(vocabulary.words), added: [], skipped: [], floor: BOOST_FLOORS[vocabulary.boost] };
  const setup: SearchSetup = async (lib, ps) => {
    report.added = [];
    report.skipped = [];
    const missing = report.tokens.filter((t) => !inDictionary(lib, ps, t));
    const { phones, failed } = await arpabetPronunciations(missing);
    report.skipped.push(...failed);
    for (const [word, pron] of phones) {
      if (lib.ps_add_word(ps, word, pron, 0) < 0) report.skipped.push({ word, reason: `pocketsphinx refused the pronunciation "${pron}"` });
      else report.added.push({ word, phones: pron });
    }
    const known = report.tokens.filter((t) => inDictionary(lib, ps, t));
    await selectSearch(lib, ps, model, known, report.floor);
  };
  return { setup, report };
}

function inDictionary(lib: PocketsphinxLibrary, ps: Ptr, word: string): boolean {
  const phones = lib.ps_lookup_word(ps, word);
  if (!phones) return false;
  lib.ckd_free(phones);
  return true;
}

async function selectSearch(lib: PocketsphinxLibrary, ps: Ptr, model: PocketsphinxModel, words: string[], floor: number): Promise<void> {
  const config = lib.ps_get_config(ps);
  const lmath = lib.ps_get_logmath(ps);
  const main = await callAsync(lib.ngram_model_read_async, config, model.lm, NGRAM_AUTO, lmath);
  if (!main) throw notReady(`pocketsphinx could not read the language model ${model.lm}`);
  let lm: Ptr = main;
  if (words.length > 0) {
    const boosted = await readArpa(lib, config, lmath, unigramArpa(words, floor));
    if (!boosted) {
      lib.ngram_model_free(main);
      throw new EarshotError('engine_failed', 'pocketsphinx rejected the language model built for the custom vocabulary.');
    }
    lm = lib.ngram_model_set_init(config, [main, boosted], ['default', VOCABULARY_SEARCH], [1, 1], 2);
    if (!lm) {
      lib.ngram_model_free(main);
      lib.ngram_model_free(boosted);
      throw new EarshotError('engine_failed', 'pocketsphinx could not interpolate the custom vocabulary with its language model.');
    }
  }
  // The search owns the LM from here (ngram_search_init wraps it in a set that frees it), even on
  // failure, so it is not freed here.
  if (lib.ps_set_lm(ps, VOCABULARY_SEARCH, lm) < 0 || lib.ps_set_search(ps, VOCABULARY_SEARCH) < 0) {
    throw new EarshotError('engine_failed', 'pocketsphinx could not build the search for the custom vocabulary.');
  }
}

/** An ARPA unigram "model" giving each word probability `floor` (it need not sum to one). */
export function unigramArpa(words: readonly string[], floor: number): string {
  const logp = Math.log10(floor).toFixed(6);
  return ['\\data\\', `ngram 1=${words.length}`, '', '\\1-grams:', ...words.map((w) => `${logp} ${w}`), '', '\\end\\', ''].join('\n');
}

/**
 * Reads ARPA text through an in-memory file (memfd, via /proc/self/fd), so nothing a user sent is
 * written to disk; falls back to a private temporary file where memfd is unavailable.
 */
async function readArpa(lib: PocketsphinxLibrary, config: Ptr, lmath: Ptr, text: string): Promise<Ptr> {
  const data = Buffer.from(text, 'utf8');
  const fd = await createMemfd(data, 'earshot-vocabulary');
  if (fd !== null) {
    try {
      return await callAsync(lib.ngram_model_read_async, config, `/proc/self/fd/${fd}`, NGRAM_ARPA, lmath);
    } finally {
      await closeAsync(fd);
    }
  }
  const dir = await mkdtemp(join(tmpdir(), 'earshot-vocabulary-'));
  try {
    const path = join(dir, 'vocabulary.arpa');
    await writeFile(path, data, { mode: 0o600 });
    return await callAsync(lib.ngram_model_read_async, config, path, NGRAM_ARPA, lmath);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function notReady(problem: string): EarshotError {
  return new EarshotError('engine_not_ready', `${problem}; reinstall the model with \`${INSTALL_HINT}\`.`);
}
