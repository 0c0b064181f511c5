import { EarshotError } from '../../errors.js';
import { HandcraftedEmbedder, toFloat } from './embedder.js';
import { addStats, emptyStats, mergeBic } from './gaussian-stats.js';

export interface OnlineTrackerOptions {
  /** Default 8, at most 26 (labels A–Z). */
  maxSpeakers?: number;
  /**
   * BIC penalty weight λ: a turn opens a new speaker when joining even the closest known one
   * loses more likelihood than λ times the penalty for a new Gaussian. Default 1.6, calibrated
   * on espeak-ng voices: a turn of the same voice stays below the penalty, a different voice
   * of a second or more rises above it.
   */
  lambda?: number;
  /** Turns with less speech than this (ms) join the closest speaker and never open a new one. Default 1000. */
  minTurnSpeechMs?: number;
}

export interface TurnAssignment {
  speaker: string;
  /** Whether this turn opened a new speaker. */
  isNew: boolean;
  /** ΔBIC against the chosen speaker (positive: unlike it); 0 for the first turn. */
  bic: number;
}

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/**
 * Speaker labels for real-time sessions (`speaker_labels=true` on /v3/ws): each finished turn's
 * PCM is compared with the speakers heard so far as a full-covariance Gaussian of its MFCC
 * frames, and joins the one that loses the least likelihood, or opens a new speaker when even
 * that loss is larger than the BIC penalty. Speakers keep only their frame statistics (91 numbers each), so a session
 * of any length uses the same memory, and labels stay consistent for the whole session.
 */
export class OnlineSpeakerTracker {
  private readonly embedder = new HandcraftedEmbedder();
  private readonly speakers: Float64Array[] = [];
  private readonly maxSpeakers: number;
  private readonly lambda: number;
  private readonly minFrames: number;

  constructor(options: OnlineTrackerOptions = {}) {
    this.maxSpeakers = options.maxSpeakers ?? 8;
    if (!Number.isInteger(this.maxSpeakers) || this.maxSpeakers < 1 || this.maxSpeakers > LETTERS.length) {
      throw new EarshotError('invalid_request', `maxSpeakers must be a whole number from 1 to ${LETTERS.length}, got ${this.maxSpeakers}.`);
    }
    this.lambda = options.lambda ?? 1.6;
    this.minFrames = (options.minTurnSpeechMs ?? 1000) / 10;
  }

  /** Labels one finished turn (16 kHz mono PCM). Returns null for a turn with too little speech to describe. */
  assign(pcm: Int16Array): TurnAssignment | null {
    const [described] = this.embedder.embedSync(toFloat(pcm), [{ start: 0, end: pcm.length }], 1);
    const stats = described?.frameStats;
    if (!stats) return null;
    if (this.speakers.length === 0) return this.open(stats);
    let best = 0;
    let bic = Infinity;
    this.speakers.forEach((speaker, i) => {
      const b = mergeBic(stats, speaker, this.lambda);
      if (b < bic) [best, bic] = [i, b];
    });
    const longEnough = stats[0] >= this.minFrames;
    if (bic > 0 && longEnough && this.speakers.length < this.maxSpeakers) return { ...this.open(stats), bic };
    addStats(this.speakers[best], stats);
    return { speaker: LETTERS[best], isNew: false, bic };
  }

  get speakerCount(): number {
    return this.speakers.length;
  }

  private open(stats: Float64Array): TurnAssignment {
    const speaker = emptyStats();
    addStats(speaker, stats);
    this.speakers.push(speaker);
    return { speaker: LETTERS[this.speakers.length - 1], isNew: true, bic: 0 };
  }
}
