import { EarshotError } from '../../errors.js';

/**
 * A fixed-size window on the most recent samples of a stream, addressed by absolute sample
 * index. Its capacity is allocated once, which is what keeps the segmenter's memory bounded
 * however long the stream runs.
 */
export class PcmRing {
  private readonly buffer: Int16Array;
  private written = 0;

  constructor(readonly capacity: number) {
    this.buffer = new Int16Array(capacity);
  }

  /** Samples written since the start of the stream. */
  get end(): number {
    return this.written;
  }

  /** Oldest sample still held. */
  get start(): number {
    return Math.max(0, this.written - this.capacity);
  }

  write(pcm: Int16Array): void {
    let src = pcm.length > this.capacity ? pcm.subarray(pcm.length - this.capacity) : pcm;
    this.written += pcm.length - src.length;
    while (src.length > 0) {
      const at = this.written % this.capacity;
      const n = Math.min(src.length, this.capacity - at);
      this.buffer.set(src.subarray(0, n), at);
      this.written += n;
      src = src.subarray(n);
    }
  }

  /** A copy of samples `[from, to)`, which must still be held. */
  read(from: number, to: number): Int16Array {
    if (from < this.start || to > this.written || from > to) {
      throw new EarshotError(
        'internal',
        `PCM ring asked for samples ${from}..${to} but holds ${this.start}..${this.written}; the segmenter's retention bound is wrong.`,
      );
    }
    const out = new Int16Array(to - from);
    let filled = 0;
    while (filled < out.length) {
      const at = (from + filled) % this.capacity;
      const n = Math.min(out.length - filled, this.capacity - at);
      out.set(this.buffer.subarray(at, at + n), filled);
      filled += n;
    }
    return out;
  }
}
