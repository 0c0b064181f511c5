/** The default, fully offline speech engine: CMU PocketSphinx through libpocketsphinx. */
import { EarshotError } from '../../errors.js';
import type { EngineOptions, IncrementalRecognizer, Recognition, RecognizeOptions, SpeechEngine } from '../engine.js';
import { Decoder } from './decoder.js';
import { DecoderPool } from './decoder-pool.js';
import { loadPocketsphinx } from './library.js';
import { configuredModel, resolveModel } from './model.js';
import { PocketsphinxRecognizer } from './recognizer.js';
import { DecodingStream } from './stream.js';
import { VocabularyDecoders } from './vocabulary-decoders.js';
import type { VocabularyReport } from './vocabulary-search.js';

export interface PocketsphinxOptions extends EngineOptions {
  /**
   * `en-us` (default, Debian's model), another name under `<modelsDir>/pocketsphinx/`, or a
   * directory holding an acoustic model folder, a `*.lm.bin` and a `*.dict`.
   */
  model?: string;
  /**
   * Decoders kept loaded, i.e. utterances decoded at the same time (default 1). Each one holds
   * its own copy of the model, about 95 MB for en-us, and is loaded on first need.
   */
  poolSize?: number;
  /** A pronunciation dictionary to use instead of the model's. */
  dictionary?: string;
  /**
   * Custom vocabularies whose decoders stay loaded when idle (default 2; each ~95 MB). Jobs with a
   * `vocabulary` run on decoders of their own (see vocabulary-decoders.ts).
   */
  vocabularyDecoders?: number;
}

export class PocketsphinxEngine implements SpeechEngine {
  readonly name = 'pocketsphinx';

  private constructor(
    readonly model: string,
    private readonly pool: DecoderPool<Decoder>,
    private readonly vocabularies: VocabularyDecoders,
  ) {}

  /**
   * Checks the library and model files, then loads the first decoder, so a broken install fails
   * here rather than on the first request, and the first request does not wait for the load.
   */
  static async create(options: PocketsphinxOptions = {}): Promise<PocketsphinxEngine> {
    await loadPocketsphinx();
    const chosen = await configuredModel(options);
    const model = resolveModel(chosen.model, { ...options, modelsDir: chosen.modelsDir });
    const pool = new DecoderPool(() => Decoder.create(model), options.poolSize ?? options.parallelism ?? 1);
    pool.release(await pool.acquire());
    return new PocketsphinxEngine(chosen.model, pool, new VocabularyDecoders(model, options.vocabularyDecoders ?? 2));
  }

  /**
   * `prompt` is ignored: pocketsphinx has no prompt. `vocabulary` adds missing words to the
   * dictionary and boosts all of its words, on a decoder kept for that vocabulary.
   */
  async recognize(pcm: Int16Array, options: RecognizeOptions = {}): Promise<Recognition> {
    checkPcm(pcm);
    const offsetMs = checkOffset(options.offsetMs);
    const pool = this.poolFor(options);
    const decoder = await pool.acquire();
    const stream = new DecodingStream(decoder, offsetMs);
    let healthy = false;
    try {
      stream.begin();
      await stream.feed(pcm);
      const result = await stream.finish();
      healthy = true;
      return result;
    } finally {
      pool.release(decoder, healthy);
    }
  }

  /** Waits for a free decoder (the pool may be busy) and keeps it until the recognizer closes. */
  async createRecognizer(options: RecognizeOptions = {}): Promise<IncrementalRecognizer> {
    const offsetMs = checkOffset(options.offsetMs);
    const pool = this.poolFor(options);
    const decoder = await pool.acquire();
    try {
      return new PocketsphinxRecognizer(decoder, pool, offsetMs);
    } catch (err) {
      pool.release(decoder, false);
      throw err;
    }
  }

  /** Frees idle decoders now; decoders held by open recognizers are freed when those close. */
  async close(): Promise<void> {
    this.pool.close();
    this.vocabularies.close();
  }

  /** What a vocabulary added and boosted, once a decoder for it has been built (diagnostics, tests). */
  vocabularyReport(vocabulary: NonNullable<RecognizeOptions['vocabulary']>): VocabularyReport | undefined {
    return this.vocabularies.report(vocabulary);
  }

  private poolFor(options: RecognizeOptions): DecoderPool<Decoder> {
    return (options.vocabulary && this.vocabularies.pool(options.vocabulary)) || this.pool;
  }

  /** Loaded decoders, busy ones and queued requests (for health endpoints and tests). */
  get stats() {
    return this.pool.stats;
  }
}

function checkPcm(pcm: unknown): void {
  if (!(pcm instanceof Int16Array)) {
    throw new EarshotError('invalid_request', 'pocketsphinx expects 16 kHz mono 16-bit PCM as an Int16Array; decode the audio with src/audio first.');
  }
}

function checkOffset(offsetMs: number | undefined): number {
  const value = offsetMs ?? 0;
  if (!Number.isFinite(value) || value < 0) {
    throw new EarshotError('invalid_request', `offsetMs must be a non-negative number of milliseconds (got ${offsetMs}).`);
  }
  return value;
}
