import { EarshotError } from '../../errors.js';
import { HandcraftedEmbedder, toFloat } from './embedder.js';
import { addStats, emptyStats, mergeBic } from './gaussian-stats.js';
import { alternations, keepsApart } from './speaker-split.js';

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
  /**
   * Speech (ms) two speakers each need before they are checked against each other with the
   * offline rule (speaker-split.ts) and folded into one when it does not keep them apart. Default 2000.
   */
  minSpeakerSpeechMs?: number;
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
 * that loss is larger than the BIC penalty. Speakers keep only their frame statistics (91 numbers each) and turns one
 * number each, so a session of any length uses little memory, and labels stay consistent for the whole session.
 *
 * One turn is little speech to open a speaker on, and a real voice's turns vary (issue 17: JFK's
 * second sentence opened a speaker of its own). So once two speakers each have two seconds, they
 * are checked with the offline count's rule, and a pair it would not keep apart is folded into
 * the older one: its letter is not used again (the labels already sent stay as they were), and
 * later turns of that voice go to the older speaker. On the 28 real-voice conversations streamed
 * one turn at a time, the count came out right in 20 instead of 13, DER 22.8 % → 22.4 %.
 */
export class OnlineSpeakerTracker {
  private readonly embedder = new HandcraftedEmbedder();
  /** Frame statistics per letter; null once folded into another speaker. */
  private readonly speakers: (Float64Array | null)[] = [];
  /** The speaker of each turn so far, in order (folded speakers renamed), for the alternation test. */
  private readonly history: number[] = [];
  private readonly maxSpeakers: number;
  private readonly lambda: number;
  private readonly minFrames: number;
  private readonly minSpeakerFrames: number;

  constructor(options: OnlineTrackerOptions = {}) {
    this.maxSpeakers = options.maxSpeakers ?? 8;
    if (!Number.isInteger(this.maxSpeakers) || this.maxSpeakers < 1 || this.maxSpeakers > LETTERS.length) {
      throw new EarshotError('invalid_request', `maxSpeakers must be a whole number from 1 to ${LETTERS.length}, got ${this.maxSpeakers}.`);
    }
    this.lambda = options.lambda ?? 1.6;
    this.minFrames = (options.minTurnSpeechMs ?? 1000) / 10;
    this.minSpeakerFrames = (options.minSpeakerSpeechMs ?? 2000) / 10;
  }

  /** Labels one finished turn (16 kHz mono PCM). Returns null for a turn with too little speech to describe. */
  assign(pcm: Int16Array): TurnAssignment | null {
    const [described] = this.embedder.embedSync(toFloat(pcm), [{ start: 0, end: pcm.length }], 1);
    const stats = described?.frameStats;
    if (!stats) return null;
    if (this.speakerCount === 0) return this.record(this.open(stats), stats);
    let best = 0;
    let bic = Infinity;
    this.speakers.forEach((speaker, i) => {
      if (!speaker) return;
      const b = mergeBic(stats, speaker, this.lambda);
      if (b < bic) [best, bic] = [i, b];
    });
    const longEnough = stats[0] >= this.minFrames;
    if (bic > 0 && longEnough && this.speakerCount < this.maxSpeakers && this.speakers.length < LETTERS.length) return this.record({ ...this.open(stats), bic }, stats);
    return this.record({ speaker: LETTERS[best], isNew: false, bic }, stats);
  }

  /** Live speakers (those not folded into another). */
  get speakerCount(): number {
    return this.speakers.filter(Boolean).length;
  }

  /** Adds the turn to its speaker, folds pairs the offline rule would not keep apart, and labels the turn with the survivor. */
  private record(assignment: TurnAssignment, stats: Float64Array): TurnAssignment {
    let index = LETTERS.indexOf(assignment.speaker);
    if (!assignment.isNew) addStats(this.speakers[index]!, stats);
    this.history.push(index);
    for (let folded = this.foldOnce(); folded; folded = this.foldOnce()) {
      if (folded.from === index) index = folded.into;
    }
    return index === LETTERS.indexOf(assignment.speaker) ? assignment : { ...assignment, speaker: LETTERS[index], isNew: false };
  }

  private foldOnce(): { from: number; into: number } | undefined {
    const live = this.speakers.flatMap((s, i) => (s && s[0] >= this.minSpeakerFrames ? [i] : []));
    for (const a of live) {
      for (const b of live) {
        if (b <= a || keepsApart(this.speakers[a]!, this.speakers[b]!, () => alternations(this.history, a, b))) continue;
        addStats(this.speakers[a]!, this.speakers[b]!);
        this.speakers[b] = null;
        this.history.forEach((h, i) => {
          if (h === b) this.history[i] = a;
        });
        return { from: b, into: a };
      }
    }
    return undefined;
  }

  private open(stats: Float64Array): TurnAssignment {
    const speaker = emptyStats();
    addStats(speaker, stats);
    this.speakers.push(speaker);
    return { speaker: LETTERS[this.speakers.length - 1], isNew: true, bic: 0 };
  }
}
