import { VAD_FRAME_SAMPLES } from './silero.js';

/**
 * Cuts PCM chunks of any size into whole VAD frames, carrying the remainder to the next chunk,
 * so results never depend on how the caller happened to chunk the stream.
 */
export class PcmFramer {
  private readonly pending = new Int16Array(VAD_FRAME_SAMPLES);
  private pendingLength = 0;

  /**
   * Yields each frame completed by this chunk. A yielded frame is a view that is only valid
   * until the next iteration; copy it to keep it.
   */
  *frames(pcm: Int16Array): Generator<Int16Array> {
    let offset = 0;
    if (this.pendingLength > 0) {
      const take = Math.min(VAD_FRAME_SAMPLES - this.pendingLength, pcm.length);
      this.pending.set(pcm.subarray(0, take), this.pendingLength);
      this.pendingLength += take;
      offset = take;
      if (this.pendingLength < VAD_FRAME_SAMPLES) return;
      this.pendingLength = 0;
      yield this.pending;
    }
    while (offset + VAD_FRAME_SAMPLES <= pcm.length) {
      yield pcm.subarray(offset, offset + VAD_FRAME_SAMPLES);
      offset += VAD_FRAME_SAMPLES;
    }
    if (offset < pcm.length) {
      this.pending.set(pcm.subarray(offset));
      this.pendingLength = pcm.length - offset;
    }
  }

  /**
   * The leftover samples zero-padded to a whole frame, with how many of them are real, or
   * undefined when the stream ended on a frame boundary. Empties the framer.
   */
  takeTail(): { frame: Int16Array; length: number } | undefined {
    if (this.pendingLength === 0) return undefined;
    const length = this.pendingLength;
    this.pending.fill(0, length);
    this.pendingLength = 0;
    return { frame: this.pending, length };
  }

  /** Samples waiting for the rest of their frame. */
  get pendingSamples(): number {
    return this.pendingLength;
  }

  reset(): void {
    this.pendingLength = 0;
  }
}

/** Scales 16-bit PCM to the -1..1 floats the model expects, into a reused buffer. */
export function toFloatFrame(frame: Int16Array, out: Float32Array): Float32Array {
  for (let i = 0; i < frame.length; i++) out[i] = frame[i] / 32768;
  return out;
}
