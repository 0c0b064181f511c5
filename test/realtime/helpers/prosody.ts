/**
 * How a stretch of speech ends, measured for scripts/fit-end-of-turn.ts (issue 16 item 4): a
 * sentence's end is usually said with falling pitch and fading energy, a pause inside a sentence
 * with level or rising pitch. A model with these cues ranked sentence ends better than the last
 * word alone but cut more turns mid-sentence at the default settings (docs/streaming.md), so live
 * sessions do not run it; it stays here to measure the next attempt. Per 32 ms VAD frame of speech: the level in dB and the pitch (autocorrelation
 * over 8 kHz samples, 60–400 Hz), kept for the last few seconds; the features compare the last
 * 300 ms of speech with the speech before it.
 */
import { PcmFramer } from '../../../src/audio/vad/frames.js';
import { ENGINE_SAMPLE_RATE } from '../../../src/engines/engine.js';

/** Speech frames remembered (32 ms each): about 5 s. */
const HISTORY_FRAMES = 160;
/** The end of a stretch of speech whose pitch and level are compared with what came before. */
const TAIL_FRAMES = 10;
const MIN_F0 = 60;
const MAX_F0 = 400;
/** Normalised autocorrelation at which a frame counts as voiced. */
const VOICED = 0.45;
const HALF_RATE = ENGINE_SAMPLE_RATE / 2;

export interface ProsodyFeatures {
  /** Semitones from the earlier speech's median pitch to the tail's (negative: a fall); 0 if unknown. */
  pitchChange: number;
  /** dB from the earlier speech's median level to the tail's (negative: fading); 0 if unknown. */
  levelChange: number;
  /** How the pitch moves within the tail: least-squares slope over its voiced frames, semitones per 300 ms; 0 if unknown. */
  pitchSlope: number;
  /** How the level moves within the tail: least-squares slope, dB per 300 ms; 0 if unknown. */
  levelSlope: number;
}

interface Frame {
  db: number;
  /** Hz, or 0 when unvoiced. */
  f0: number;
}

/**
 * Fed the same PCM as the VAD, framed the same way, then told the VAD's verdict on each frame in
 * turn: frames of speech are analysed, the others dropped.
 */
export class ProsodyTracker {
  private readonly framer = new PcmFramer();
  private readonly waiting: Int16Array[] = [];
  private readonly frames: Frame[] = [];
  private readonly half = new Float32Array(256);

  push(pcm: Int16Array): void {
    for (const frame of this.framer.frames(pcm)) this.waiting.push(frame.slice());
  }

  /** The VAD's verdict on the oldest frame pushed and not yet judged. */
  frame(speech: boolean): void {
    const pcm = this.waiting.shift();
    if (pcm && speech) this.analyse(pcm);
  }

  private analyse(pcm: Int16Array): void {
    const n = Math.min(this.half.length, pcm.length >> 1);
    let energy = 0;
    for (let i = 0; i < n; i++) {
      const v = (pcm[2 * i] + pcm[2 * i + 1]) / 65536;
      this.half[i] = v;
      energy += v * v;
    }
    const db = 10 * Math.log10(energy / Math.max(1, n) + 1e-10);
    this.frames.push({ db, f0: pitchOf(this.half, n) });
    if (this.frames.length > HISTORY_FRAMES) this.frames.shift();
  }

  /** The tail of the speech so far against what came before it. */
  features(): ProsodyFeatures {
    if (this.frames.length < TAIL_FRAMES + 5) return { pitchChange: 0, levelChange: 0, pitchSlope: 0, levelSlope: 0 };
    const before = this.frames.slice(0, -TAIL_FRAMES);
    const tail = this.frames.slice(-TAIL_FRAMES);
    const f0Before = median(before.map((f) => f.f0).filter((f) => f > 0));
    const f0Tail = median(tail.map((f) => f.f0).filter((f) => f > 0));
    const pitchChange = f0Before > 0 && f0Tail > 0 ? 12 * Math.log2(f0Tail / f0Before) : 0;
    const levelChange = median(tail.map((f) => f.db)) - median(before.map((f) => f.db));
    const voiced = tail.flatMap((f, i) => (f.f0 > 0 ? [[i, 12 * Math.log2(f.f0)]] : []));
    const pitchSlope = voiced.length >= 4 ? slope(voiced) * FRAMES_PER_300_MS : 0;
    const levelSlope = slope(tail.map((f, i) => [i, f.db])) * FRAMES_PER_300_MS;
    return { pitchChange, levelChange, pitchSlope, levelSlope };
  }
}

const FRAMES_PER_300_MS = 300 / 32;

/** Least-squares slope of y over x for [x, y] points. */
function slope(points: number[][]): number {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const [x, y] of points) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
  }
  return sxx > 0 ? sxy / sxx : 0;
}

/** Pitch of 8 kHz samples by normalised autocorrelation, 0 when unvoiced. */
function pitchOf(x: Float32Array, n: number): number {
  const minLag = Math.floor(HALF_RATE / MAX_F0);
  const maxLag = Math.min(Math.ceil(HALF_RATE / MIN_F0), n - 32);
  const r = new Float32Array(maxLag + 1);
  let best = 0;
  for (let lag = minLag; lag <= maxLag; lag++) {
    let xy = 0;
    let xx = 0;
    let yy = 0;
    for (let i = 0; i + lag < n; i++) {
      xy += x[i] * x[i + lag];
      xx += x[i] * x[i];
      yy += x[i + lag] * x[i + lag];
    }
    r[lag] = xy / Math.sqrt(xx * yy + 1e-12);
    best = Math.max(best, r[lag]);
  }
  if (best < VOICED) return 0;
  // The shortest period that correlates nearly as well as the best: multiples of the period
  // correlate too, and picking one of them would halve the pitch.
  for (let lag = minLag; lag <= maxLag; lag++) if (r[lag] >= 0.9 * best && (lag === maxLag || r[lag] >= r[lag + 1])) return HALF_RATE / lag;
  return 0;
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}
