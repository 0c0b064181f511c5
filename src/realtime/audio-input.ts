/**
 * A session's binary frames → 16 kHz mono 16-bit PCM for the VAD and the engine: `pcm_s16le` or
 * `pcm_mulaw` (G.711 μ-law, telephony) at the connection's `sample_rate`, resampled when it is
 * not 16000. Frames may split a sample anywhere; the odd byte waits for the next frame.
 */
import { ENGINE_SAMPLE_RATE } from '../engines/engine.js';
import type { StreamEncoding } from './protocol.js';
import { Resampler } from './resampler.js';

/** G.711 μ-law → linear 16-bit, for all 256 codes. */
const MULAW = (() => {
  const table = new Int16Array(256);
  for (let code = 0; code < 256; code++) {
    const u = ~code & 0xff;
    const magnitude = (((u & 0x0f) << 3) + 0x84) << ((u & 0x70) >> 4);
    table[code] = u & 0x80 ? 0x84 - magnitude : magnitude - 0x84;
  }
  return table;
})();

export class StreamAudioDecoder {
  private readonly resampler?: Resampler;
  private carry: number | null = null;
  /** Input samples received, at the client's rate (for `audio_duration_seconds`). */
  samplesIn = 0;

  constructor(
    private readonly encoding: StreamEncoding,
    readonly sampleRate: number,
  ) {
    if (sampleRate !== ENGINE_SAMPLE_RATE) this.resampler = new Resampler(sampleRate, ENGINE_SAMPLE_RATE);
  }

  /** Bytes of one binary frame → engine PCM (possibly empty). */
  push(bytes: Uint8Array): Int16Array {
    const pcm = this.encoding === 'pcm_mulaw' ? this.mulaw(bytes) : this.s16le(bytes);
    this.samplesIn += pcm.length;
    return this.resampler ? this.resampler.push(pcm) : pcm;
  }

  /** What the resampler still holds, at the end of the stream. */
  flush(): Int16Array {
    return this.resampler ? this.resampler.flush() : new Int16Array(0);
  }

  /** Seconds of audio received. */
  get durationSeconds(): number {
    return this.samplesIn / this.sampleRate;
  }

  private mulaw(bytes: Uint8Array): Int16Array {
    const out = new Int16Array(bytes.length);
    for (let i = 0; i < bytes.length; i++) out[i] = MULAW[bytes[i]];
    return out;
  }

  private s16le(bytes: Uint8Array): Int16Array {
    let offset = 0;
    const total = bytes.length + (this.carry === null ? 0 : 1);
    const out = new Int16Array(total >> 1);
    let n = 0;
    if (this.carry !== null && bytes.length > 0) {
      out[n++] = ((bytes[0] << 8) | this.carry) << 16 >> 16;
      offset = 1;
      this.carry = null;
    }
    // Int16Array reads the host's byte order; every platform Node ships for is little-endian.
    const whole = (bytes.length - offset) & ~1;
    if (whole > 0) {
      const aligned = (bytes.byteOffset + offset) % 2 === 0;
      const view = aligned
        ? new Int16Array(bytes.buffer, bytes.byteOffset + offset, whole / 2)
        : new Int16Array(Uint8Array.prototype.slice.call(bytes, offset, offset + whole).buffer);
      out.set(view, n);
      n += whole / 2;
    }
    if (offset + whole < bytes.length) this.carry = bytes[offset + whole];
    return n === out.length ? out : out.subarray(0, n);
  }
}
