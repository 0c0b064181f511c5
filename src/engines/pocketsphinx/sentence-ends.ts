/**
 * The model's n-gram language model read as a judge of sentence ends: P(</s> | the last two
 * words). Learnt from text, it knows that "of the" almost never ends a sentence and "thank you"
 * often does, for every word of the vocabulary rather than a hand-made list; a word it does not
 * know backs off to how often any sentence ends (the unigram of </s>). Read once per process on a
 * worker thread (tens of MB for Debian's en-us trie) and queried synchronously: a lookup is a few µs.
 */
import { EarshotError } from '../../errors.js';
import type { SentenceEndModel } from '../engine.js';
import { callAsync, loadPocketsphinx, NGRAM_AUTO, type PocketsphinxLibrary, type Ptr } from './library.js';

/** sphinxbase's usual log base: fine enough for any probability a trigram model gives. */
const LOG_BASE = 1.0001;
const SENTENCE_END = '</s>';

const loaded = new Map<string, Promise<SentenceEndModel>>();

export function sentenceEndModel(lmPath: string): Promise<SentenceEndModel> {
  let model = loaded.get(lmPath);
  if (!model) {
    model = read(lmPath);
    loaded.set(lmPath, model);
    // A failed read is not kept: a fixed install works without a restart.
    model.catch(() => loaded.delete(lmPath));
  }
  return model;
}

async function read(lmPath: string): Promise<SentenceEndModel> {
  const lib = await loadPocketsphinx();
  const lmath = lib.logmath_init(LOG_BASE, 0, 0);
  const lm = await callAsync(lib.ngram_model_read_async, null, lmPath, NGRAM_AUTO, lmath);
  if (!lm) throw new EarshotError('engine_not_ready', `pocketsphinx could not read the language model ${lmPath}.`);
  return new NgramSentenceEnds(lib, lm, lmath);
}

class NgramSentenceEnds implements SentenceEndModel {
  constructor(
    private readonly lib: PocketsphinxLibrary,
    private readonly lm: Ptr,
    private readonly lmath: Ptr,
  ) {}

  log10EndProbability(words: readonly string[]): number {
    const history = words.slice(-2).reverse();
    return this.lib.logmath_log_to_log10(this.lmath, this.lib.ngram_prob(this.lm, [SENTENCE_END, ...history], 1 + history.length));
  }
}
