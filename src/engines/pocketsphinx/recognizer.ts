/** IncrementalRecognizer over a pooled decoder, which it holds until close(). */
import { EarshotError } from '../../errors.js';
import type { IncrementalRecognizer, Recognition } from '../engine.js';
import type { Decoder } from './decoder.js';
import type { DecoderPool } from './decoder-pool.js';
import { DecodingStream } from './stream.js';

/**
 * Word times run from the start of the session (the first accept()) plus offsetMs, across
 * utterances: after finish() the stream goes on, as a real-time session's clock does. The
 * decoder's CMN keeps adapting across those utterances, as in `pocketsphinx_continuous`.
 */
export class PocketsphinxRecognizer implements IncrementalRecognizer {
  private readonly stream: DecodingStream;
  private closed = false;

  constructor(
    private readonly decoder: Decoder,
    private readonly pool: DecoderPool<Decoder>,
    offsetMs: number,
  ) {
    this.stream = new DecodingStream(decoder, offsetMs);
    this.stream.begin();
  }

  accept(pcm: Int16Array, receivedAt?: number): Promise<void> {
    if (this.closed) return Promise.reject(closedError());
    return this.stream.feed(pcm, receivedAt);
  }

  partial(): Recognition {
    return this.stream.partial();
  }

  finish(): Promise<Recognition> {
    if (this.closed) return Promise.reject(closedError());
    return this.stream.finish();
  }

  /** Gives the decoder back once queued work is done; a decoder that failed is freed instead. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    void this.stream.settle().then(
      () => this.pool.release(this.decoder, !this.stream.failed),
      () => this.pool.release(this.decoder, false),
    );
  }
}

function closedError(): EarshotError {
  return new EarshotError('internal', 'This recognizer is closed; create a new one with engine.createRecognizer().');
}
