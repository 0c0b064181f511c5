/**
 * `input_audio_buffer.append` audio → the engines' 16 kHz PCM: base64 of 24 kHz pcm16 (the only
 * rate OpenAI's `audio/pcm` has), or 8 kHz G.711 μ-law (`audio/pcmu`) / A-law (`audio/pcma`).
 * The v3 decoder (../audio-input.ts) does pcm16 and μ-law with its resampler; A-law is expanded
 * here to pcm16 first.
 */
import { StreamAudioDecoder } from '../audio-input.js';
import { RealtimeEventError } from './events.js';
import { sampleRateOf, type AudioFormat } from './session-config.js';

/** G.711 A-law → linear 16-bit, for all 256 codes. */
const ALAW = (() => {
  const table = new Int16Array(256);
  for (let code = 0; code < 256; code++) {
    const a = code ^ 0x55;
    const exponent = (a & 0x70) >> 4;
    let magnitude = ((a & 0x0f) << 4) + 8;
    if (exponent !== 0) magnitude = (magnitude + 0x100) << (exponent - 1);
    table[code] = a & 0x80 ? magnitude : -magnitude;
  }
  return table;
})();

export function alawToPcm(bytes: Uint8Array): Int16Array {
  const out = new Int16Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = ALAW[bytes[i]];
  return out;
}

export class AppendDecoder {
  private readonly inner: StreamAudioDecoder;

  constructor(readonly format: AudioFormat) {
    this.inner = new StreamAudioDecoder(format === 'audio/pcmu' ? 'pcm_mulaw' : 'pcm_s16le', sampleRateOf(format));
  }

  /** One append's base64 audio → engine PCM; throws on anything that is not base64. */
  push(base64: unknown): Int16Array {
    if (typeof base64 !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) {
      throw new RealtimeEventError('invalid_value', "Invalid value for 'audio': expected base64-encoded audio.", 'audio');
    }
    const bytes = Buffer.from(base64, 'base64');
    if (this.format !== 'audio/pcma') return this.inner.push(bytes);
    const pcm = alawToPcm(bytes);
    return this.inner.push(new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength));
  }

  /** What the resampler still holds (when the format changes, or the session ends). */
  flush(): Int16Array {
    return this.inner.flush();
  }

  /** Milliseconds of audio received, at the client's rate. */
  get receivedMs(): number {
    return this.inner.durationSeconds * 1000;
  }
}
