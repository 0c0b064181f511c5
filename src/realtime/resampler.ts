/**
 * Streaming sample-rate conversion to the engines' 16 kHz, for `sample_rate` other than 16000
 * (telephony's 8000, 44100/48000 from browsers). A windowed-sinc interpolator: each output sample
 * is a weighted sum of the input around its position, with the sinc's cutoff lowered to the
 * output's Nyquist frequency when downsampling so nothing above 8 kHz folds back into speech.
 * Weights come from a table of fractional positions, built once per rate.
 */

/** Zero crossings of the sinc on each side at the cutoff: 8 keeps ripple well below 16-bit noise for speech. */
const ZERO_CROSSINGS = 8;
/** Fractional positions tabulated; the nearest one is used (error < 1/1024 of a sample). */
const PHASES = 512;

interface Kernel {
  /** Input samples on each side of the output position. */
  half: number;
  /** (PHASES + 1) rows of 2·half weights, for input offsets -half+1 … half. */
  weights: Float32Array;
}

const kernels = new Map<string, Kernel>();

function kernel(inRate: number, outRate: number): Kernel {
  const key = `${inRate}:${outRate}`;
  let k = kernels.get(key);
  if (k) return k;
  const cutoff = Math.min(1, outRate / inRate);
  const half = Math.ceil(ZERO_CROSSINGS / cutoff);
  const width = 2 * half;
  const weights = new Float32Array((PHASES + 1) * width);
  for (let p = 0; p <= PHASES; p++) {
    const frac = p / PHASES;
    let sum = 0;
    for (let i = 0; i < width; i++) {
      const d = frac - (i - half + 1);
      const x = cutoff * d;
      const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
      const r = d / (half + 1);
      const blackman = 0.42 + 0.5 * Math.cos(Math.PI * r) + 0.08 * Math.cos(2 * Math.PI * r);
      const w = cutoff * sinc * blackman;
      weights[p * width + i] = w;
      sum += w;
    }
    // Unity gain at DC for every phase, so a constant input stays constant.
    for (let i = 0; i < width; i++) weights[p * width + i] /= sum;
  }
  k = { half, weights };
  kernels.set(key, k);
  return k;
}

export class Resampler {
  private readonly kernel: Kernel;
  /** Input samples not yet needed by any output, starting at absolute index `start`. */
  private history = new Float32Array(4096);
  private start: number;
  private length = 0;
  /** Input samples received so far (absolute index of the next one). */
  private received = 0;
  /** Index of the next output sample. */
  private produced = 0;

  constructor(
    readonly inRate: number,
    readonly outRate: number,
  ) {
    this.kernel = kernel(inRate, outRate);
    // The signal is zero before the first sample: start the history that far back.
    this.start = -this.kernel.half;
    this.length = this.kernel.half;
  }

  /** Converts a chunk; the output lags by `half` input samples until flush(). */
  push(input: Int16Array): Int16Array {
    this.append(input);
    this.received += input.length;
    return this.produce(false);
  }

  /** The remaining output, as if the input were followed by silence. */
  flush(): Int16Array {
    return this.produce(true);
  }

  private append(input: Int16Array): void {
    if (this.length + input.length > this.history.length) {
      const grown = new Float32Array(Math.max(this.history.length * 2, this.length + input.length));
      grown.set(this.history.subarray(0, this.length));
      this.history = grown;
    }
    for (let i = 0; i < input.length; i++) this.history[this.length + i] = input[i];
    this.length += input.length;
  }

  private produce(flushing: boolean): Int16Array {
    const { half, weights } = this.kernel;
    const width = 2 * half;
    const out: number[] = [];
    for (;;) {
      // Position of output n in input samples, from integers so it never drifts.
      const t = (this.produced * this.inRate) / this.outRate;
      const base = Math.floor(t);
      if (flushing ? base >= this.received : base + half >= this.received) break;
      const row = Math.round((t - base) * PHASES) * width;
      let acc = 0;
      for (let i = 0; i < width; i++) {
        const at = base - half + 1 + i - this.start;
        if (at >= 0 && at < this.length) acc += this.history[at] * weights[row + i];
      }
      out.push(acc > 32767 ? 32767 : acc < -32768 ? -32768 : Math.round(acc));
      this.produced++;
    }
    // Keep only what the next output still reads.
    const nextBase = Math.floor((this.produced * this.inRate) / this.outRate);
    const drop = Math.min(this.length, Math.max(0, nextBase - half + 1 - this.start));
    if (drop > 0) {
      this.history.copyWithin(0, drop, this.length);
      this.length -= drop;
      this.start += drop;
    }
    return Int16Array.from(out);
  }
}
