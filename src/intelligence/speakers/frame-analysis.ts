import { Fft } from './fft.js';

/**
 * Short-time analysis of 16 kHz speech for speaker features: 13 MFCCs and the log energy every
 * 10 ms over 25 ms Hamming frames (26 mel bands, 20–7600 Hz), and a pitch estimate per frame from
 * the normalised autocorrelation of a 40 ms frame (Boersma's window-corrected method, 60–400 Hz).
 * These are the classic voice descriptors: MFCCs for the vocal tract, pitch for the voice source.
 */
export const SAMPLE_RATE = 16000;
export const FRAME_SAMPLES = 400;
export const HOP_SAMPLES = 160;
export const MFCC_COUNT = 13;
const MEL_BANDS = 26;
const MFCC_FFT = 512;
const PITCH_FRAME = 640;
const PITCH_FFT = 1024;
const MIN_F0 = 60;
const MAX_F0 = 400;
/** Normalised autocorrelation a frame needs at its best lag to count as voiced. */
const VOICING_THRESHOLD = 0.45;

export interface FrameFeatures {
  count: number;
  /** count × 13, frame-major. */
  mfcc: Float32Array;
  /** Natural log of the frame's power. */
  logEnergy: Float32Array;
  /** Hz; 0 for unvoiced frames. */
  f0: Float32Array;
}

export class FrameAnalyzer {
  private readonly mfccFft = new Fft(MFCC_FFT);
  private readonly pitchFft = new Fft(PITCH_FFT);
  private readonly hamming = windowOf(FRAME_SAMPLES, (i, n) => 0.54 - 0.46 * Math.cos((2 * Math.PI * i) / (n - 1)));
  private readonly hann = windowOf(PITCH_FRAME, (i, n) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1)));
  private readonly hannAutocorr: Float64Array;
  private readonly melFilters = melFilterbank(MEL_BANDS, MFCC_FFT, SAMPLE_RATE, 20, 7600);
  private readonly dct = dctMatrix(MFCC_COUNT, MEL_BANDS);
  private readonly re = new Float64Array(PITCH_FFT);
  private readonly im = new Float64Array(PITCH_FFT);
  private readonly power = new Float64Array(PITCH_FFT / 2 + 1);
  private readonly frame = new Float64Array(PITCH_FRAME);

  constructor() {
    // Normalised to 1 at lag 0, as the signal's is: Boersma's correction divides the two.
    const r = this.autocorrelation(this.hann);
    this.hannAutocorr = r.map((v) => v / r[0]);
  }

  /** Frames at every 10 ms hop that fits inside the samples (floats in [-1, 1]). */
  analyze(samples: Float32Array): FrameFeatures {
    const count = samples.length < FRAME_SAMPLES ? 0 : Math.floor((samples.length - FRAME_SAMPLES) / HOP_SAMPLES) + 1;
    const mfcc = new Float32Array(count * MFCC_COUNT);
    const logEnergy = new Float32Array(count);
    const f0 = new Float32Array(count);
    const mel = new Float64Array(MEL_BANDS);
    for (let f = 0; f < count; f++) {
      const at = f * HOP_SAMPLES;
      // Pre-emphasis lifts the upper formants the way every MFCC front end does.
      let energy = 0;
      for (let i = 0; i < FRAME_SAMPLES; i++) {
        const x = samples[at + i] - 0.97 * (at + i > 0 ? samples[at + i - 1] : 0);
        this.frame[i] = x * this.hamming[i];
        energy += samples[at + i] * samples[at + i];
      }
      logEnergy[f] = Math.log(energy / FRAME_SAMPLES + 1e-10);
      this.mfccFft.powerSpectrum(this.frame.subarray(0, FRAME_SAMPLES), this.re.subarray(0, MFCC_FFT), this.im.subarray(0, MFCC_FFT), this.power);
      for (let b = 0; b < MEL_BANDS; b++) {
        let sum = 0;
        for (const [k, weight] of this.melFilters[b]) sum += this.power[k] * weight;
        mel[b] = Math.log(sum + 1e-10);
      }
      for (let c = 0; c < MFCC_COUNT; c++) {
        let sum = 0;
        for (let b = 0; b < MEL_BANDS; b++) sum += this.dct[c * MEL_BANDS + b] * mel[b];
        mfcc[f * MFCC_COUNT + c] = sum;
      }
      f0[f] = this.pitch(samples, at + FRAME_SAMPLES / 2 - PITCH_FRAME / 2);
    }
    return { count, mfcc, logEnergy, f0 };
  }

  /** f0 of the 40 ms frame starting at `from` (zero-padded at the edges), or 0 when unvoiced. */
  private pitch(samples: Float32Array, from: number): number {
    let mean = 0;
    for (let i = 0; i < PITCH_FRAME; i++) mean += samples[from + i] ?? 0;
    mean /= PITCH_FRAME;
    for (let i = 0; i < PITCH_FRAME; i++) this.frame[i] = ((samples[from + i] ?? mean) - mean) * this.hann[i];
    const r = this.autocorrelation(this.frame);
    if (r[0] <= 1e-9) return 0;
    const minLag = Math.floor(SAMPLE_RATE / MAX_F0);
    const maxLag = Math.ceil(SAMPLE_RATE / MIN_F0);
    const norm = (lag: number) => r[lag] / r[0] / this.hannAutocorr[lag];
    let best = 0;
    for (let lag = minLag; lag <= maxLag; lag++) best = Math.max(best, norm(lag));
    if (best < VOICING_THRESHOLD) return 0;
    // The shortest lag with a local peak near the best one, so a period is not mistaken for
    // its double (the usual octave error of autocorrelation pitch trackers).
    for (let lag = minLag + 1; lag < maxLag; lag++) {
      const v = norm(lag);
      if (v >= 0.9 * best && v >= norm(lag - 1) && v >= norm(lag + 1)) {
        const a = norm(lag - 1);
        const c = norm(lag + 1);
        const shift = (a - c) / (2 * (a - 2 * v + c) || 1);
        return SAMPLE_RATE / (lag + Math.max(-0.5, Math.min(0.5, shift)));
      }
    }
    return 0;
  }

  /** Autocorrelation of a PITCH_FRAME-long signal through its power spectrum. */
  private autocorrelation(signal: ArrayLike<number>): Float64Array {
    this.pitchFft.powerSpectrum(signal, this.re, this.im, this.power);
    // The power spectrum is real and symmetric, so a forward FFT of it is the inverse up to 1/N.
    for (let k = 0; k < PITCH_FFT; k++) {
      this.re[k] = this.power[k <= PITCH_FFT / 2 ? k : PITCH_FFT - k];
      this.im[k] = 0;
    }
    this.pitchFft.transform(this.re, this.im);
    return Float64Array.from(this.re.subarray(0, PITCH_FRAME), (v) => v / PITCH_FFT);
  }
}

function windowOf(n: number, f: (i: number, n: number) => number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => f(i, n));
}

const hzToMel = (hz: number) => 2595 * Math.log10(1 + hz / 700);
const melToHz = (mel: number) => 700 * (10 ** (mel / 2595) - 1);

/** Triangular filters as sparse [bin, weight] lists. */
function melFilterbank(bands: number, fftSize: number, rate: number, low: number, high: number): [number, number][][] {
  const edges = Array.from({ length: bands + 2 }, (_, i) => melToHz(hzToMel(low) + ((hzToMel(high) - hzToMel(low)) * i) / (bands + 1)));
  const binHz = rate / fftSize;
  return Array.from({ length: bands }, (_, b) => {
    const [left, centre, right] = [edges[b], edges[b + 1], edges[b + 2]];
    const filter: [number, number][] = [];
    for (let k = Math.floor(left / binHz); k <= Math.ceil(right / binHz) && k <= fftSize / 2; k++) {
      const hz = k * binHz;
      const w = hz < centre ? (hz - left) / (centre - left) : (right - hz) / (right - centre);
      if (w > 0) filter.push([k, w]);
    }
    return filter;
  });
}

/** Orthonormal DCT-II rows 0..count-1 over `bands` inputs. */
function dctMatrix(count: number, bands: number): Float64Array {
  const m = new Float64Array(count * bands);
  for (let c = 0; c < count; c++) {
    const scale = Math.sqrt((c === 0 ? 1 : 2) / bands);
    for (let b = 0; b < bands; b++) m[c * bands + b] = scale * Math.cos((Math.PI * c * (b + 0.5)) / bands);
  }
  return m;
}
