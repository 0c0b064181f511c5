import { VAD_FRAME_SAMPLES } from './silero.js';

/** A closed stretch of the stream, in samples: `[start, end)`. */
export interface SampleSpan {
  start: number;
  end: number;
}

/** Every length here is in samples. */
export interface TrackerConfig {
  /** A frame at or above this probability is speech. */
  threshold: number;
  /** Speech only ends once frames fall below this (hysteresis, as in Silero's own utils). */
  negThreshold: number;
  minSilence: number;
  minSpeech: number;
  pad: number;
  maxLength: number;
  /** How far back from the end of an over-long segment to look for the quietest frame. */
  cutSearch: number;
  /** Boundaries are rounded to multiples of this (16 samples = 1 ms) so times are whole ms. */
  grain: number;
}

interface OpenSegment {
  /** Padded start: where the emitted segment will begin. */
  start: number;
  /** First speech frame, for the minimum-speech test. */
  speechStart: number;
  /** Opened by a forced cut, so it carries on speech that already passed the minimum. */
  continued: boolean;
  /** A frame of this segment reached the threshold (only tracked for continuations). */
  voiced: boolean;
  /** Probabilities of this segment's frames, the candidates for a forced cut. */
  frames: { at: number; p: number }[];
}

/**
 * The segmentation state machine, fed one frame probability at a time and returning spans as
 * soon as they close. It holds no audio: the caller keeps samples from `keepFrom` onwards.
 * Rules follow Silero's get_speech_timestamps (threshold with hysteresis, minimum silence to
 * close, minimum speech to keep, padding clamped to neighbours), made streaming, plus a
 * maximum length enforced by cutting at the quietest recent frame.
 */
export class SpeechTracker {
  private open: OpenSegment | undefined;
  private silenceStart: number | undefined;
  private prevEnd = 0;
  /** End of the last frame scored. */
  private cursor = 0;
  /** Last real sample boundary a span may end on (the final frame can be zero-padding). */
  private limit = 0;

  constructor(private readonly config: TrackerConfig) {}

  /** Oldest sample a future span can start at; anything before it can be dropped. */
  get keepFrom(): number {
    return this.open ? this.open.start : Math.max(0, this.prevEndOr(this.cursor - this.config.pad));
  }

  /**
   * Feeds the probability of the frame starting at sample `at`; `valid` is how many of its
   * samples are real audio rather than end-of-stream padding.
   */
  frame(at: number, p: number, valid = VAD_FRAME_SAMPLES): SampleSpan[] {
    const { threshold, negThreshold, minSilence } = this.config;
    this.cursor = at + VAD_FRAME_SAMPLES;
    this.limit = this.floorGrain(at + valid);
    const out: SampleSpan[] = [];

    if (p >= threshold) {
      this.silenceStart = undefined;
      if (!this.open) {
        this.open = {
          start: Math.max(0, this.prevEndOr(at - this.config.pad)),
          speechStart: at,
          continued: false,
          voiced: true,
          frames: [],
        };
      }
      this.open.voiced = true;
    }
    if (!this.open) return out;
    this.open.frames.push({ at, p });

    if (p < negThreshold) {
      this.silenceStart ??= at;
      if (this.cursor - this.silenceStart >= minSilence) {
        this.close(this.silenceStart, out);
        return out;
      }
    }
    // Cut before the next frame could push the segment past the maximum.
    if (this.cursor + VAD_FRAME_SAMPLES - this.open.start > this.config.maxLength) this.cut(out);
    return out;
  }

  /** Closes the open segment at the end of the stream. */
  finish(): SampleSpan[] {
    const out: SampleSpan[] = [];
    if (this.open) this.close(this.silenceStart ?? this.limit, out);
    return out;
  }

  private close(speechEnd: number, out: SampleSpan[]): void {
    const open = this.open!;
    this.open = undefined;
    this.silenceStart = undefined;
    const keep = open.continued ? open.voiced : speechEnd - open.speechStart >= this.config.minSpeech;
    const end = Math.min(speechEnd + this.config.pad, this.cursor, open.start + this.config.maxLength);
    if (keep) this.emit(open.start, end, out);
  }

  /**
   * Splits an over-long segment at the centre of its lowest-probability frame in the last
   * `cutSearch` samples: that is the likeliest pause between words, so no word is cut in two.
   */
  private cut(out: SampleSpan[]): void {
    const open = this.open!;
    const from = this.cursor - this.config.cutSearch;
    let best: { at: number; p: number } | undefined;
    for (const f of open.frames) {
      // `<=` prefers the latest of equally quiet frames, keeping segments long.
      if (f.at >= from && (!best || f.p <= best.p)) best = f;
    }
    const at = best ? best.at + VAD_FRAME_SAMPLES / 2 : this.cursor;
    this.emit(open.start, at, out);
    this.open = {
      start: at,
      speechStart: at,
      continued: true,
      voiced: false,
      frames: open.frames.filter((f) => f.at >= at),
    };
    for (const f of this.open.frames) if (f.p >= this.config.threshold) this.open.voiced = true;
    if (this.silenceStart !== undefined && this.silenceStart < at) this.silenceStart = at;
  }

  private emit(start: number, end: number, out: SampleSpan[]): void {
    const s = this.ceilGrain(start);
    const e = this.floorGrain(Math.min(end, this.limit));
    if (e <= s) return;
    out.push({ start: s, end: e });
    this.prevEnd = e;
  }

  private prevEndOr(candidate: number): number {
    return Math.max(this.prevEnd, candidate);
  }

  private floorGrain(n: number): number {
    return Math.floor(n / this.config.grain) * this.config.grain;
  }

  private ceilGrain(n: number): number {
    return Math.ceil(n / this.config.grain) * this.config.grain;
  }
}
