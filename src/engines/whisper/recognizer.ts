import { EarshotError } from '../../errors.js';
import { ENGINE_SAMPLE_RATE, type IncrementalRecognizer, type Recognition, type RecognizeOptions } from '../engine.js';

export interface UtteranceDecoder {
  recognize(pcm: Int16Array, options?: RecognizeOptions): Promise<Recognition>;
}

const EMPTY: Recognition = { words: [], text: '' };

/**
 * Streaming over a non-incremental engine: whisper decodes whole windows, so the recognizer keeps
 * the utterance's audio and re-decodes all of it in the background once another `partialEveryMs`
 * of audio has arrived (counted in audio, not wall time, so a fast sender does not queue up decodes,
 * and at most one decode runs at a time). `partial()` returns the latest finished decode, which lags
 * the audio by up to a second plus a decode. Each re-decode costs the whole utterance again, so
 * callers should end utterances at pauses (VAD) rather than stream minutes into one; whisper is
 * built for windows of up to 30 s.
 *
 * Word times count from the start of the stream (plus `offsetMs`): each finished utterance moves
 * the origin of the next one along by its length.
 */
export class WhisperRecognizer implements IncrementalRecognizer {
  private chunks: Int16Array[] = [];
  private samples = 0;
  private decodedSamples = 0;
  private streamOffsetMs: number;
  private inFlight?: Promise<void>;
  private latest: Recognition = EMPTY;
  private utterance = 0;
  private closed = false;

  constructor(
    private readonly decoder: UtteranceDecoder,
    private readonly options: RecognizeOptions = {},
    private readonly partialEveryMs = 1000,
  ) {
    this.streamOffsetMs = options.offsetMs ?? 0;
  }

  async accept(pcm: Int16Array): Promise<void> {
    this.assertOpen();
    if (pcm.length === 0) return;
    this.chunks.push(pcm.slice());
    this.samples += pcm.length;
    const due = ((this.samples - this.decodedSamples) * 1000) / ENGINE_SAMPLE_RATE >= this.partialEveryMs;
    if (due && !this.inFlight) this.startPartial();
  }

  partial(): Recognition {
    return this.latest;
  }

  async finish(): Promise<Recognition> {
    this.assertOpen();
    await this.inFlight;
    const audio = this.take();
    const result = audio.length > 0 ? await this.decoder.recognize(audio, this.decodeOptions()) : EMPTY;
    this.streamOffsetMs += (audio.length * 1000) / ENGINE_SAMPLE_RATE;
    this.reset();
    return result;
  }

  close(): void {
    this.closed = true;
    this.reset();
  }

  private startPartial(): void {
    const audio = this.take();
    const utterance = this.utterance;
    this.decodedSamples = audio.length;
    this.inFlight = this.decoder
      .recognize(audio, this.decodeOptions())
      .then(
        (result) => {
          if (utterance === this.utterance && !this.closed) this.latest = result;
        },
        // A failed partial only leaves the previous hypothesis; `finish()` decodes again and reports.
        () => {},
      )
      .finally(() => {
        // The next accept() starts the next partial decode if enough audio arrived meanwhile.
        this.inFlight = undefined;
      });
  }

  /** The utterance so far as one buffer (also compacts the chunk list). */
  private take(): Int16Array {
    if (this.chunks.length === 1) return this.chunks[0];
    const audio = new Int16Array(this.samples);
    let at = 0;
    for (const chunk of this.chunks) {
      audio.set(chunk, at);
      at += chunk.length;
    }
    this.chunks = audio.length > 0 ? [audio] : [];
    return audio;
  }

  private decodeOptions(): RecognizeOptions {
    return { prompt: this.options.prompt, vocabulary: this.options.vocabulary, offsetMs: this.streamOffsetMs };
  }

  private reset(): void {
    this.chunks = [];
    this.samples = 0;
    this.decodedSamples = 0;
    this.latest = EMPTY;
    this.utterance += 1;
  }

  private assertOpen(): void {
    if (this.closed) throw new EarshotError('invalid_request', 'This whisper recognizer was closed; create a new one.');
  }
}
