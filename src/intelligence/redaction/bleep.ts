import { EarshotError } from '../../errors.js';

export interface BleepOptions {
  /** Default 16000, the rate the pipeline decodes to. */
  sampleRate?: number;
  /** Default 1000 Hz, the classic censor tone. */
  frequency?: number;
  /** Peak level 0..1 of full scale. Default 0.3: clearly audible without clipping. */
  amplitude?: number;
}

/**
 * `redact_pii_audio`: a copy of the audio with every span replaced by a sine tone. Each span's
 * tone starts at phase zero on the span's first sample; samples outside the spans are copied
 * unchanged. Spans are in ms, as PiiSpan gives them, and are clipped to the audio.
 */
export function bleepAudio(pcm: Int16Array, spans: readonly { start: number; end: number }[], options: BleepOptions = {}): Int16Array {
  const out = Int16Array.from(pcm);
  bleepPiece(out, 0, pcm.length, spans, options);
  return out;
}

/**
 * Bleeps, in place, a piece of a longer audio: `piece` holds samples [offset, offset + its length)
 * of audio `total` samples long. Pieces bleeped one after another equal bleepAudio of the whole,
 * so a long file's redacted copy is made a piece at a time, never as one array.
 */
export function bleepPiece(piece: Int16Array, offset: number, total: number, spans: readonly { start: number; end: number }[], options: BleepOptions = {}): void {
  const rate = options.sampleRate ?? 16000;
  const frequency = options.frequency ?? 1000;
  const amplitude = options.amplitude ?? 0.3;
  if (!(rate > 0) || !(frequency > 0 && frequency < rate / 2) || !(amplitude >= 0 && amplitude <= 1)) {
    throw new EarshotError('invalid_request', `Invalid bleep settings: sampleRate ${rate}, frequency ${frequency} (below half the rate), amplitude ${amplitude} (0..1).`);
  }
  const end = offset + piece.length;
  for (const span of spans) {
    const [from, to] = spanSamples(span, rate, total);
    for (let i = Math.max(from, offset); i < Math.min(to, end); i++) piece[i - offset] = toneSample(i - from, rate, frequency, amplitude);
  }
}

/** The sample range [from, to) a span in ms covers: whole samples touching the span. */
export function spanSamples(span: { start: number; end: number }, rate: number, length: number): [number, number] {
  const from = Math.max(0, Math.floor((span.start * rate) / 1000));
  const to = Math.min(length, Math.ceil((span.end * rate) / 1000));
  return [from, Math.max(from, to)];
}

/** The n-th sample of the tone, as bleepAudio writes it. */
export function toneSample(n: number, rate: number, frequency: number, amplitude: number): number {
  // "+ 0" turns -0 into 0, the value an Int16Array stores anyway.
  return Math.round(amplitude * 32767 * Math.sin((2 * Math.PI * frequency * n) / rate)) + 0;
}
