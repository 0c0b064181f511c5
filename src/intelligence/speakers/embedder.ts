import { FRAME_SAMPLES, FrameAnalyzer, HOP_SAMPLES, MFCC_COUNT, SAMPLE_RATE, type FrameFeatures } from './frame-analysis.js';
import { addFrame, emptyStats } from './gaussian-stats.js';

/** An analysis window inside a segment, in samples from the segment's first sample. */
export interface SampleWindow {
  start: number;
  end: number;
}

/** Frame statistics of the speech in a short stretch of a segment (samples from its start). */
export interface SpeechSlice {
  start: number;
  end: number;
  /** gaussian-stats.ts layout, stored in single precision (a few hundred bytes per slice). */
  stats: Float32Array;
}

/** What an embedder says about one window. */
export interface WindowEmbedding {
  vector: Float32Array;
  /**
   * MFCC frame statistics (gaussian-stats.ts) when the embedder has them: they let diarization
   * decide the number of speakers by likelihood instead of by vector distances alone.
   */
  frameStats?: Float64Array;
}

/**
 * Turns speech into one vector per analysis window. The built-in one is made of hand-made
 * features; a user-supplied speaker-embedding network (`--speaker-model path.onnx`) replaces it
 * through the same interface (see onnx-embedder.ts).
 */
export interface SpeakerEmbedder {
  /**
   * 'features': raw descriptors on different scales, standardised per file before clustering.
   * 'embedding': a network's embedding, compared by cosine after length normalisation.
   */
  readonly kind: 'features' | 'embedding';
  readonly name: string;
  /**
   * Vectors for windows of one speech segment (16 kHz mono floats in [-1, 1]), in window order;
   * null for a window with too little speech to describe. `frameWeight` is the share of each
   * frame a window owns (hop / window length), so overlapping windows do not count frames twice.
   */
  embedWindows(samples: Float32Array, windows: readonly SampleWindow[], frameWeight: number): Promise<(WindowEmbedding | null)[]>;
}

/** Layout of the hand-made vector, for weighting groups of dimensions. */
export const FEATURE_LAYOUT = {
  /** Means of MFCC 1–12 (c0, the loudness, is left out: it says more about the microphone). */
  mfccMean: [0, 12],
  /** Standard deviations of MFCC 1–12. */
  mfccStd: [12, 24],
  /** Median log2 f0, its interquartile range, and the voiced fraction. */
  pitch: [24, 27],
} as const;
export const FEATURE_DIMENSION = 27;

/** Frames quieter than the segment's loudest by this much (natural log power, ≈ 26 dB) are pauses. */
const ENERGY_FLOOR = 6;
/** A window needs this many speech frames (0.25 s) to be described. */
const MIN_SPEECH_FRAMES = 25;

/**
 * MFCC means and spreads plus pitch statistics over each window's speech frames: no model, a few
 * milliseconds per second of audio. Frames are analysed once per segment and shared by the
 * overlapping windows.
 */
export class HandcraftedEmbedder implements SpeakerEmbedder {
  readonly kind = 'features' as const;
  readonly name = 'mfcc-pitch';
  private readonly analyzer = new FrameAnalyzer();

  async embedWindows(samples: Float32Array, windows: readonly SampleWindow[], frameWeight: number): Promise<(WindowEmbedding | null)[]> {
    return this.embedSync(samples, windows, frameWeight);
  }

  /** The same as embedWindows, for callers that are not async (the online tracker). */
  embedSync(samples: Float32Array, windows: readonly SampleWindow[], _frameWeight?: number): (WindowEmbedding | null)[] {
    return this.describeSegment(samples, windows).windows;
  }

  /**
   * The windows' vectors and, with `sliceSamples`, frame statistics of the segment's speech in
   * consecutive slices of that length (issue 17): small enough to re-label word by word, so a
   * turn change inside one VAD segment is found. One frame analysis serves both.
   */
  describeSegment(samples: Float32Array, windows: readonly SampleWindow[], sliceSamples?: number): { windows: (WindowEmbedding | null)[]; slices: SpeechSlice[] } {
    const frames = this.analyzer.analyze(samples);
    let loudest = -Infinity;
    for (let f = 0; f < frames.count; f++) loudest = Math.max(loudest, frames.logEnergy[f]);
    // Each frame counts once in all: 1 / the number of windows covering it. A flat hop/window
    // weight halved the speech of every segment that had a single window (issue 17), so a
    // speaker heard in short turns looked too small to be a speaker.
    const coverage = new Uint8Array(frames.count);
    for (const w of windows) {
      for (let f = Math.floor(w.start / HOP_SAMPLES); f < Math.min(Math.floor(w.end / HOP_SAMPLES), frames.count); f++) coverage[f]++;
    }
    const slices: SpeechSlice[] = [];
    if (sliceSamples) {
      const perSlice = Math.max(1, Math.round(sliceSamples / HOP_SAMPLES));
      for (let from = 0; from < frames.count; from += perSlice) {
        const stats = emptyStats();
        for (let f = from; f < Math.min(from + perSlice, frames.count); f++) {
          if (frames.logEnergy[f] >= loudest - ENERGY_FLOOR) addFrame(stats, frames.mfcc.subarray(f * MFCC_COUNT + 1, (f + 1) * MFCC_COUNT), 1);
        }
        const end = Math.min(from + perSlice, frames.count) * HOP_SAMPLES + (FRAME_SAMPLES - HOP_SAMPLES);
        if (stats[0] > 0) slices.push({ start: from * HOP_SAMPLES, end: Math.min(end, samples.length), stats: Float32Array.from(stats) });
      }
    }
    const described = windows.map((w) => {
      const speech: number[] = [];
      const to = Math.min(Math.floor(w.end / HOP_SAMPLES), frames.count);
      for (let f = Math.floor(w.start / HOP_SAMPLES); f < to; f++) if (frames.logEnergy[f] >= loudest - ENERGY_FLOOR) speech.push(f);
      if (speech.length < MIN_SPEECH_FRAMES) return null;
      const frameStats = emptyStats();
      for (const f of speech) addFrame(frameStats, frames.mfcc.subarray(f * MFCC_COUNT + 1, (f + 1) * MFCC_COUNT), 1 / coverage[f]);
      return { vector: describe(frames, speech), frameStats };
    });
    return { windows: described, slices };
  }
}

function describe(frames: FrameFeatures, speech: readonly number[]): Float32Array {
  const v = new Float32Array(FEATURE_DIMENSION);
  for (let c = 1; c < MFCC_COUNT; c++) {
    let sum = 0;
    let squares = 0;
    for (const f of speech) {
      const x = frames.mfcc[f * MFCC_COUNT + c];
      sum += x;
      squares += x * x;
    }
    const mean = sum / speech.length;
    v[c - 1] = mean;
    v[11 + c] = Math.sqrt(Math.max(0, squares / speech.length - mean * mean));
  }
  const pitches = speech.filter((f) => frames.f0[f] > 0).map((f) => Math.log2(frames.f0[f])).sort((a, b) => a - b);
  // Too few voiced frames leave the pitch unknown (NaN); standardisation treats it as average.
  const known = pitches.length >= 5;
  v[24] = known ? quantile(pitches, 0.5) : NaN;
  v[25] = known ? quantile(pitches, 0.75) - quantile(pitches, 0.25) : NaN;
  v[26] = pitches.length / speech.length;
  return v;
}

function quantile(sorted: readonly number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

/** 16-bit PCM to floats in [-1, 1]. */
export function toFloat(pcm: Int16Array): Float32Array {
  const out = new Float32Array(pcm.length);
  for (let i = 0; i < pcm.length; i++) out[i] = pcm[i] / 32768;
  return out;
}

export { SAMPLE_RATE };
