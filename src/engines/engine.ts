import type { Word } from '../transcript/model.js';

/** Every engine consumes 16 kHz mono signed 16-bit PCM, which src/audio produces. */
export const ENGINE_SAMPLE_RATE = 16000;

export interface Recognition {
  /** Words with times relative to the start of the PCM given (plus any offset asked for). */
  words: Word[];
  /** Plain hypothesis text, the words joined by spaces. */
  text: string;
  /** The language the engine identified in this audio, when it identifies one (multilingual whisper models). */
  language?: string;
}

export interface RecognizeOptions {
  /** Added to every word time, so a segment's words land at their place in the whole file. */
  offsetMs?: number;
  /** Initial prompt / vocabulary hint for engines that take one. */
  prompt?: string;
  /**
   * Terms to favour (issue #8: `word_boost` + `boost_param`, `keyterms_prompt`). pocketsphinx adds
   * missing words to its dictionary and boosts them in its language model; whisper prompts with them.
   */
  vocabulary?: { words: string[]; boost: 'low' | 'default' | 'high' };
  /** Sampling temperature for engines that sample (whisper); 0, the default, decodes greedily. */
  temperature?: number;
}

/**
 * Incremental decoding for real-time streaming: feed PCM as it arrives, read the current
 * hypothesis at any time, end the utterance to get the final words.
 */
export interface IncrementalRecognizer {
  /**
   * Decodes the chunk off the main thread where the engine can, so a server stays responsive.
   * Calls may overlap: chunks are decoded in the order given. `receivedAt` (performance.now()
   * when the audio arrived) lets an engine shared by many streams serve the oldest audio first.
   */
  accept(pcm: Int16Array, receivedAt?: number): Promise<void>;
  /** The best hypothesis so far; cheap enough to call after every chunk. */
  partial(): Recognition;
  /** Ends the utterance and returns its final words; the recognizer can then start a new one. */
  finish(): Promise<Recognition>;
  /** Returns the recognizer's resources (a pooled decoder, say) to the engine. */
  close(): void;
}

export interface SpeechEngine {
  readonly name: string;
  /** The model that produced results, recorded with each transcript (`speech_model`). */
  readonly model: string;
  /** Recognise one utterance (a VAD segment, typically up to ~30 s). */
  recognize(pcm: Int16Array, options?: RecognizeOptions): Promise<Recognition>;
  createRecognizer(options?: RecognizeOptions): Promise<IncrementalRecognizer>;
  /**
   * How late the engine's live decoding runs now, in ms past when the audio arrived (recent
   * worst, fading): the measure a server admits new real-time sessions by. Engines that do not
   * share decoding across streams leave it out.
   */
  liveLagMs?(): number;
  /**
   * The engine's language model as a judge of where sentences end (a live turn's end-of-turn
   * confidence weighs it), loaded on first call and kept; engines without an n-gram model leave it out.
   */
  sentenceEnds?(): Promise<SentenceEndModel>;
  close(): Promise<void>;
}

export interface SentenceEndModel {
  /** log10 of the probability that a sentence ends right after `words` (lowercase, oldest first; the last two count). */
  log10EndProbability(words: readonly string[]): number;
}

export interface EngineStatus {
  name: string;
  description: string;
  ready: boolean;
  /** When not ready: what is missing and the exact command that fixes it. */
  reason?: string;
  model?: string;
}

export interface EngineOptions {
  /** Model name or path; each engine documents what it accepts. */
  model?: string;
  /** Directory where `earshot models pull` stores models. */
  modelsDir?: string;
  /**
   * How many utterances the engine may decode at once (each needs its own decoder and memory);
   * a long file's segments and concurrent jobs then use several cores.
   */
  parallelism?: number;
  /**
   * What the engine will serve, so it can load that up front: whole files' segments (default) or
   * real-time streams. Engines whose decoders serve both ignore it.
   */
  warmUp?: 'files' | 'streams';
}

export interface EngineFactory {
  readonly name: string;
  readonly description: string;
  status(options?: EngineOptions): Promise<EngineStatus>;
  create(options?: EngineOptions): Promise<SpeechEngine>;
}
