import { existsSync, statSync } from 'node:fs';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { EarshotError } from '../../errors.js';
import type { SampleWindow, SpeakerEmbedder, WindowEmbedding } from './embedder.js';
import { Fft } from './fft.js';

/**
 * A user-supplied speaker-embedding network (`--speaker-model path.onnx`) in place of the
 * hand-made features (issue 7 item 2). No model ships with Earshot; any ONNX export with one of
 * these contracts works (float32 throughout, batch of one, one window per call):
 *
 * - `waveform`: input [1, samples] (or [samples]) of 16 kHz mono in [-1, 1]; for models trained
 *   on raw audio (ECAPA exports that include their own front end, TitaNet-style exports).
 * - `fbank`: input [1, frames, 80]: 80 log mel filterbank energies every 10 ms over 25 ms
 *   windows, from samples scaled to the 16-bit range and mean-normalised per window, as Kaldi's
 *   `compute-fbank-feats` and WeSpeaker / 3D-Speaker exports expect (the window here is Hamming
 *   rather than Kaldi's Povey window, a small difference such models tolerate).
 *
 * The first output is the embedding, [1, D] or [D]. `auto` picks the contract from the first
 * input's rank: 3 with a last dimension of 80 → fbank, otherwise waveform.
 */
export type OnnxInputKind = 'auto' | 'waveform' | 'fbank';

const FBANK_BINS = 80;

export class OnnxSpeakerEmbedder implements SpeakerEmbedder {
  readonly kind = 'embedding' as const;

  private constructor(
    private readonly session: InferenceSession,
    private readonly input: 'waveform' | 'fbank',
    private readonly inputRank: number,
    readonly name: string,
  ) {}

  static async open(path: string, options: { input?: OnnxInputKind } = {}): Promise<OnnxSpeakerEmbedder> {
    if (!existsSync(path) || !statSync(path).isFile()) {
      throw new EarshotError('speaker_model_invalid', `The speaker model ${path} does not exist or is not a file.`);
    }
    let session: InferenceSession;
    try {
      session = await InferenceSession.create(path, { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
    } catch (cause) {
      throw new EarshotError('speaker_model_invalid', `The speaker model ${path} could not be loaded as an ONNX model: ${messageOf(cause)}.`, { cause });
    }
    const meta = session.inputMetadata[0];
    if (session.inputNames.length !== 1 || !meta || !meta.isTensor || meta.type !== 'float32' || session.outputNames.length === 0) {
      await session.release();
      throw new EarshotError(
        'speaker_model_invalid',
        `The speaker model ${path} must take exactly one float32 tensor input and give the embedding as its first output; ` +
          `it has inputs [${session.inputNames.join(', ')}] and outputs [${session.outputNames.join(', ')}].`,
      );
    }
    const shape = meta.shape;
    const looksFbank = shape.length === 3 && shape[2] === FBANK_BINS;
    const input = options.input === undefined || options.input === 'auto' ? (looksFbank ? 'fbank' : 'waveform') : options.input;
    const fits = input === 'fbank' ? looksFbank : shape.length === 1 || shape.length === 2;
    if (!fits) {
      await session.release();
      throw new EarshotError(
        'speaker_model_invalid',
        `The speaker model ${path} has input shape [${shape.join(', ')}], which does not fit the "${input}" contract ` +
          '(waveform: [1, samples]; fbank: [1, frames, 80]).',
      );
    }
    return new OnnxSpeakerEmbedder(session, input, shape.length, `onnx:${path}`);
  }

  /** One network run per window; no frame statistics (`frameWeight` is not needed). */
  async embedWindows(samples: Float32Array, windows: readonly SampleWindow[], _frameWeight?: number): Promise<(WindowEmbedding | null)[]> {
    const out: (WindowEmbedding | null)[] = [];
    for (const w of windows) {
      const slice = samples.subarray(w.start, w.end);
      const feed = this.input === 'fbank' ? fbankTensor(slice) : new Tensor('float32', Float32Array.from(slice), this.inputRank === 1 ? [slice.length] : [1, slice.length]);
      let vector: Float32Array;
      try {
        const result = await this.session.run({ [this.session.inputNames[0]]: feed });
        const tensor = result[this.session.outputNames[0]];
        if (tensor.type !== 'float32' || tensor.data.length === 0) throw new Error(`its first output is ${tensor.type} with ${tensor.data.length} values, not a float32 vector`);
        vector = Float32Array.from(tensor.data as Float32Array);
      } catch (cause) {
        throw new EarshotError('speaker_model_failed', `The speaker model ${this.name.slice(5)} failed on a ${slice.length}-sample window: ${messageOf(cause)}.`, { cause });
      }
      out.push(vector.every(Number.isFinite) ? { vector } : null);
    }
    return out;
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}

let fbankState: { fft: Fft; filters: [number, number][][]; window: Float64Array } | undefined;

/** 80 log mel energies per 10 ms, mean-normalised over the window: [1, frames, 80]. */
export function fbankTensor(samples: Float32Array): Tensor {
  fbankState ??= {
    fft: new Fft(512),
    filters: melFilters(FBANK_BINS, 512, 16000, 20, 8000),
    window: Float64Array.from({ length: 400 }, (_, i) => 0.54 - 0.46 * Math.cos((2 * Math.PI * i) / 399)),
  };
  const { fft, filters, window } = fbankState;
  const frames = Math.max(1, Math.floor((samples.length - 400) / 160) + 1);
  const data = new Float32Array(frames * FBANK_BINS);
  const re = new Float64Array(512);
  const im = new Float64Array(512);
  const power = new Float64Array(257);
  const frame = new Float64Array(400);
  for (let f = 0; f < frames; f++) {
    let mean = 0;
    for (let i = 0; i < 400; i++) mean += (samples[f * 160 + i] ?? 0) * 32768;
    mean /= 400;
    for (let i = 0; i < 400; i++) {
      const x = (samples[f * 160 + i] ?? 0) * 32768 - mean;
      const prev = i > 0 ? (samples[f * 160 + i - 1] ?? 0) * 32768 - mean : x;
      frame[i] = (x - 0.97 * prev) * window[i];
    }
    fft.powerSpectrum(frame, re, im, power);
    filters.forEach((filter, b) => {
      let sum = 0;
      for (const [k, w] of filter) sum += power[k] * w;
      data[f * FBANK_BINS + b] = Math.log(Math.max(sum, 1.1920929e-7));
    });
  }
  for (let b = 0; b < FBANK_BINS; b++) {
    let mean = 0;
    for (let f = 0; f < frames; f++) mean += data[f * FBANK_BINS + b];
    mean /= frames;
    for (let f = 0; f < frames; f++) data[f * FBANK_BINS + b] -= mean;
  }
  return new Tensor('float32', data, [1, frames, FBANK_BINS]);
}

function melFilters(bands: number, fftSize: number, rate: number, low: number, high: number): [number, number][][] {
  const mel = (hz: number) => 1127 * Math.log(1 + hz / 700);
  const lowMel = mel(low);
  const step = (mel(high) - lowMel) / (bands + 1);
  return Array.from({ length: bands }, (_, b) => {
    const [l, c, r] = [lowMel + b * step, lowMel + (b + 1) * step, lowMel + (b + 2) * step];
    const filter: [number, number][] = [];
    for (let k = 1; k <= fftSize / 2; k++) {
      const m = mel((k * rate) / fftSize);
      const w = m > l && m < r ? (m <= c ? (m - l) / (c - l) : (r - m) / (r - c)) : 0;
      if (w > 0) filter.push([k, w]);
    }
    return filter;
  });
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
