/** The default, fully offline speech engine: CMU PocketSphinx through libpocketsphinx. */
import { EarshotError } from '../../errors.js';
import { ENGINE_SAMPLE_RATE, type EngineOptions, type IncrementalRecognizer, type Recognition, type RecognizeOptions, type SentenceEndModel, type SpeechEngine } from '../engine.js';
import { streamSlots } from './cpu-slots.js';
import { Decoder, STREAM_SEARCH_ARGS, WHOLE_UTTERANCE_ARGS } from './decoder.js';
import { DecoderPool } from './decoder-pool.js';
import { dither } from './dither.js';
import { loadPocketsphinx } from './library.js';
import { configuredModel, resolveModel } from './model.js';
import { PocketsphinxRecognizer } from './recognizer.js';
import { sentenceEndModel } from './sentence-ends.js';
import { recognition } from './stream.js';
import { VocabularyDecoders } from './vocabulary-decoders.js';
import type { VocabularyReport } from './vocabulary-search.js';
import { toWords } from './words.js';

export interface PocketsphinxOptions extends EngineOptions {
  /**
   * `en-us` (default, Debian's model), another name under `<modelsDir>/pocketsphinx/`, or a
   * directory holding an acoustic model folder, a `*.lm.bin` and a `*.dict`.
   */
  model?: string;
  /**
   * Decoders kept loaded, i.e. utterances decoded at the same time (default 1), for whole
   * utterances and for streams alike. Each one holds its own copy of the model, about 95 MB for
   * en-us, and is loaded on first need.
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

/**
 * Decoders of one kind: the shared pool plus pools for custom vocabularies. Whole utterances and
 * streams need differently configured decoders (WHOLE_UTTERANCE_ARGS), so each kind has its own.
 */
interface DecoderSet {
  shared: DecoderPool<Decoder>;
  vocabularies: VocabularyDecoders;
}

export class PocketsphinxEngine implements SpeechEngine {
  readonly name = 'pocketsphinx';

  private constructor(
    readonly model: string,
    private readonly utterances: DecoderSet,
    private readonly streams: DecoderSet,
    private readonly lmPath: string,
  ) {}

  /**
   * Checks the library and model files, then loads decoders of the kind `warmUp` names, so a
   * broken install fails here rather than on the first request: for files (the default) the whole
   * pool, so the first long file has every decoder from its first segment instead of waiting a
   * second or so for the rest to load beside it; for streams one, as sessions arrive one by one.
   * The other kind loads on first need.
   */
  static async create(options: PocketsphinxOptions = {}): Promise<PocketsphinxEngine> {
    await loadPocketsphinx();
    const chosen = await configuredModel(options);
    const model = resolveModel(chosen.model, { ...options, modelsDir: chosen.modelsDir });
    const size = options.poolSize ?? options.parallelism ?? 1;
    const keep = options.vocabularyDecoders ?? 2;
    const set = (extra: Record<string, string>): DecoderSet => ({
      shared: new DecoderPool(() => Decoder.create(model, extra), size),
      vocabularies: new VocabularyDecoders(model, keep, extra),
    });
    const utterances = set({ ...WHOLE_UTTERANCE_ARGS });
    const streams = set({ ...STREAM_SEARCH_ARGS });
    const first = options.warmUp === 'streams' ? streams.shared : utterances.shared;
    const loaded = await Promise.all(Array.from({ length: options.warmUp === 'streams' ? 1 : size }, () => first.acquire()));
    for (const decoder of loaded) first.release(decoder);
    return new PocketsphinxEngine(chosen.model, utterances, streams, model.lm);
  }

  /**
   * Decodes the segment as one utterance, normalised with its own cepstral mean (see
   * Decoder.decodeWhole), which is what keeps accuracy on recordings whose microphone and level
   * are far from the model's training data. `prompt` is ignored: pocketsphinx has no prompt.
   * `vocabulary` adds missing words to the dictionary and boosts all of its words, on a decoder
   * kept for that vocabulary.
   */
  async recognize(pcm: Int16Array, options: RecognizeOptions = {}): Promise<Recognition> {
    checkPcm(pcm);
    const offsetMs = checkOffset(options.offsetMs);
    const pool = poolFor(this.utterances, options);
    const decoder = await pool.acquire();
    let healthy = false;
    try {
      const segments = pcm.length === 0 ? [] : await decoder.decodeWhole(dither(pcm));
      healthy = true;
      return recognition(toWords(segments, { offsetMs, maxMs: (pcm.length * 1000) / ENGINE_SAMPLE_RATE }));
    } finally {
      pool.release(decoder, healthy);
    }
  }

  /** Every live stream of the process shares one pool of native calls (cpu-slots.ts). */
  liveLagMs(): number {
    return streamSlots.lateMs();
  }

  sentenceEnds(): Promise<SentenceEndModel> {
    return sentenceEndModel(this.lmPath);
  }

  /** Waits for a free decoder (the pool may be busy) and keeps it until the recognizer closes. */
  async createRecognizer(options: RecognizeOptions = {}): Promise<IncrementalRecognizer> {
    const offsetMs = checkOffset(options.offsetMs);
    const pool = poolFor(this.streams, options);
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
    for (const set of [this.utterances, this.streams]) {
      set.shared.close();
      set.vocabularies.close();
    }
  }

  /** What a vocabulary added and boosted, once a decoder for it has been built (diagnostics, tests). */
  vocabularyReport(vocabulary: NonNullable<RecognizeOptions['vocabulary']>): VocabularyReport | undefined {
    return this.utterances.vocabularies.report(vocabulary) ?? this.streams.vocabularies.report(vocabulary);
  }

  /** Loaded decoders, busy ones and queued requests of the whole-utterance pool (health, tests). */
  get stats() {
    return this.utterances.shared.stats;
  }

  /** The same for the stream decoders. */
  get streamStats() {
    return this.streams.shared.stats;
  }
}

function poolFor(set: DecoderSet, options: RecognizeOptions): DecoderPool<Decoder> {
  return (options.vocabulary && set.vocabularies.pool(options.vocabulary)) || set.shared;
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
