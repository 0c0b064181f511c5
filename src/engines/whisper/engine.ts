import { availableParallelism } from 'node:os';
import { EarshotError } from '../../errors.js';
import {
  ENGINE_SAMPLE_RATE,
  type IncrementalRecognizer,
  type Recognition,
  type RecognizeOptions,
  type SpeechEngine,
} from '../engine.js';
import { promptWithVocabulary } from '../vocabulary/prompt.js';
import { closeWhisperContext, type WhisperContextHandle, type WhisperModule } from './binding.js';
import type { ResolvedWhisperModel } from './model.js';
import { WhisperRecognizer } from './recognizer.js';
import { segmentsToWords, wordsText } from './words.js';

/** whisper.cpp scales poorly past a few threads on CPU, and the server runs other stages too. */
const DECODE_THREADS = Math.max(1, Math.min(4, availableParallelism()));

export class WhisperEngine implements SpeechEngine {
  readonly name = 'whisper';
  readonly model: string;
  private queue: Promise<unknown> = Promise.resolve();
  private closing?: Promise<void>;

  constructor(
    private readonly binding: WhisperModule,
    private readonly context: WhisperContextHandle,
    private readonly resolved: ResolvedWhisperModel,
  ) {
    this.model = `whisper-${resolved.name}`;
  }

  /**
   * Decodes one utterance. Calls are queued: a whisper context holds one decoding state, and
   * parallel decodes on two cores would only slow each other down.
   */
  recognize(pcm: Int16Array, options: RecognizeOptions = {}): Promise<Recognition> {
    if (this.closing) return Promise.reject(closedError());
    const run = this.queue.then(() => this.decode(pcm, options));
    this.queue = run.catch(() => {});
    return run;
  }

  /**
   * whisper is not incremental: the recognizer buffers the utterance and re-decodes it for
   * `partial()` after each further second of audio (see recognizer.ts).
   */
  async createRecognizer(options: RecognizeOptions = {}): Promise<IncrementalRecognizer> {
    if (this.closing) throw closedError();
    return new WhisperRecognizer(this, options);
  }

  close(): Promise<void> {
    this.closing ??= this.queue.then(() => closeWhisperContext(this.binding, this.context));
    return this.closing;
  }

  private async decode(pcm: Int16Array, options: RecognizeOptions): Promise<Recognition> {
    if (this.closing) throw closedError();
    if (pcm.length === 0) return { words: [], text: '' };
    // A copy gives the binding an ArrayBuffer holding exactly these samples, whatever view it came from.
    const audio = pcm.slice().buffer;
    let result;
    try {
      result = await this.context.transcribeData(audio, {
        language: this.resolved.language,
        prompt: promptWithVocabulary(options),
        maxLen: 1,
        tokenTimestamps: true,
        temperature: options.temperature ?? 0,
        maxThreads: DECODE_THREADS,
      }).promise;
    } catch (error) {
      throw new EarshotError(
        'engine_failed',
        `whisper.cpp failed to decode ${pcm.length} samples with model ${this.resolved.path}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    const words = segmentsToWords(result.segments, {
      durationMs: (pcm.length * 1000) / ENGINE_SAMPLE_RATE,
      offsetMs: options.offsetMs,
    });
    // An English-only model is told the language; a multilingual one identified it (whisper_full_lang_id).
    const identified = this.resolved.language === 'auto' && result.language ? { language: result.language } : {};
    return { words, text: wordsText(words), ...identified };
  }
}

function closedError(): EarshotError {
  return new EarshotError('engine_failed', 'The whisper engine was closed; create a new one to keep decoding.');
}
