/**
 * Decoders for jobs with a custom vocabulary, one small pool per distinct vocabulary.
 *
 * Why separate decoders rather than adding the words to the shared ones: a pooled decoder serves
 * every job, and pocketsphinx has no way to take a word back out of its dictionary or language
 * model. Words added for one job would then be recognisable (and boosted) in every later job on
 * that decoder, so the same audio would be transcribed differently depending on who ran before.
 * Here the engine's shared decoders never change; a vocabulary decoder is built for one vocabulary
 * (same words, same boost) and only serves jobs asking for exactly that, which get exactly the
 * result a fresh decoder would give.
 *
 * Cost: each vocabulary decoder loads its own model (~95 MB, a few hundred ms plus one espeak-ng
 * run). The most recently used `keep` vocabularies stay loaded, so a client that sends the same
 * word_boost with every job pays that once; an idle older one is freed. A vocabulary in use is
 * never evicted, so under load more than `keep` may be alive for a while.
 */
import { Decoder } from './decoder.js';
import { DecoderPool } from './decoder-pool.js';
import type { PocketsphinxModel } from './model.js';
import { vocabularySearch, type VocabularyReport } from './vocabulary-search.js';
import { normalizeVocabulary, vocabularyKey, vocabularyTokens, type Vocabulary } from '../vocabulary/vocabulary.js';

interface Entry {
  pool: DecoderPool<Decoder>;
  report: VocabularyReport;
}

export class VocabularyDecoders {
  /** Insertion order is recency: the first entry is the least recently used. */
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly model: PocketsphinxModel,
    /** Vocabularies kept loaded when idle (at least 1). */
    private readonly keep: number,
    /** Decoder options (for instance WHOLE_UTTERANCE_ARGS), the same for every vocabulary. */
    private readonly extra: Readonly<Record<string, string>> = {},
  ) {}

  /**
   * The pool for a vocabulary, or undefined when it has no usable words (the shared decoders then
   * serve the job). Throws `invalid_request` for a malformed vocabulary.
   */
  pool(vocabulary: Vocabulary): DecoderPool<Decoder> | undefined {
    return this.entry(vocabulary)?.pool;
  }

  /** What was added and boosted for this vocabulary, once its first decoder has been built. */
  report(vocabulary: Vocabulary): VocabularyReport | undefined {
    return this.entries.get(vocabularyKey(normalizeVocabulary(vocabulary)))?.report;
  }

  get size(): number {
    return this.entries.size;
  }

  close(): void {
    for (const { pool } of this.entries.values()) pool.close();
    this.entries.clear();
  }

  private entry(vocabulary: Vocabulary): Entry | undefined {
    const normalized = normalizeVocabulary(vocabulary);
    if (vocabularyTokens(normalized.words).length === 0) return undefined;
    const key = vocabularyKey(normalized);
    let entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
    } else {
      const { setup, report } = vocabularySearch(this.model, normalized);
      entry = { pool: new DecoderPool(() => Decoder.create(this.model, { ...this.extra }, setup), 1), report };
    }
    this.entries.set(key, entry);
    this.evictIdle(key);
    return entry;
  }

  /** Frees the least recently used idle vocabularies beyond `keep`, never the one just asked for. */
  private evictIdle(current: string): void {
    let excess = this.entries.size - Math.max(1, this.keep);
    for (const [key, { pool }] of this.entries) {
      if (excess <= 0) break;
      const { inUse, waiting } = pool.stats;
      if (key === current) continue;
      if (inUse > 0 || waiting > 0) continue;
      pool.close();
      this.entries.delete(key);
      excess--;
    }
  }
}
