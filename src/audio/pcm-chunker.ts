/**
 * Regroups a byte stream of little-endian 16-bit samples into Int16Arrays of a fixed length.
 * Pipe reads split samples at arbitrary byte offsets, and a Buffer from a pipe may start at an
 * odd offset of its pool, so bytes are copied into fresh, aligned arrays rather than viewed.
 */
export class PcmChunker {
  private current: Int16Array;
  private bytes: Uint8Array;
  private filled = 0;

  constructor(private readonly chunkSamples: number) {
    this.current = new Int16Array(chunkSamples);
    this.bytes = new Uint8Array(this.current.buffer);
  }

  /** Returns the chunks this data completes (often none or one). */
  push(data: Uint8Array): Int16Array[] {
    const done: Int16Array[] = [];
    let offset = 0;
    while (offset < data.byteLength) {
      const take = Math.min(data.byteLength - offset, this.bytes.byteLength - this.filled);
      this.bytes.set(data.subarray(offset, offset + take), this.filled);
      this.filled += take;
      offset += take;
      if (this.filled === this.bytes.byteLength) {
        done.push(this.current);
        this.current = new Int16Array(this.chunkSamples);
        this.bytes = new Uint8Array(this.current.buffer);
        this.filled = 0;
      }
    }
    return done;
  }

  /** The last, shorter chunk, or null; an odd trailing byte is half a sample and is dropped. */
  flush(): Int16Array | null {
    const samples = this.filled >> 1;
    this.filled = 0;
    return samples === 0 ? null : this.current.slice(0, samples);
  }
}
