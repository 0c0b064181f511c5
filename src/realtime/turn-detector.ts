/**
 * Speech and silence from VAD frames, in stream time (issue 5 item 2): a turn opens when the VAD
 * hears speech; how long the speaker has been silent since feeds end-of-turn.ts, which decides
 * with the v3 settings when the turn ends.
 */
import { VAD_FRAME_MS } from '../audio/vad/silero.js';
import type { TurnSettings } from './protocol.js';

/** Speech ends when the probability falls this far below `vad_threshold` (hysteresis, as Silero's own). */
const HYSTERESIS = 0.15;

export type FrameEvent = 'speech-start' | 'speech' | 'silence';

/** Frame-by-frame speech state with hysteresis, in stream milliseconds. */
export class TurnDetector {
  private frames = 0;
  private inSpeech = false;
  /** End of the last frame heard as speech; -Infinity before any. */
  private speechEnd = -Infinity;
  private speechStart = 0;

  constructor(private settings: TurnSettings) {}

  update(settings: TurnSettings): void {
    this.settings = settings;
  }

  /** Feeds the next VAD frame's probability. */
  frame(probability: number): FrameEvent {
    const start = this.frames * VAD_FRAME_MS;
    this.frames++;
    const end = start + VAD_FRAME_MS;
    const on = this.settings.vadThreshold;
    const off = Math.max(on - HYSTERESIS, 0.01);
    if (this.inSpeech ? probability >= off : probability >= on) {
      const started = !this.inSpeech;
      if (started) this.speechStart = start;
      this.inSpeech = true;
      this.speechEnd = end;
      return started ? 'speech-start' : 'speech';
    }
    this.inSpeech = false;
    return 'silence';
  }

  /** Stream time at the end of the last frame fed. */
  get nowMs(): number {
    return this.frames * VAD_FRAME_MS;
  }

  get speaking(): boolean {
    return this.inSpeech;
  }

  /** Start of the current (or last) stretch of speech. */
  get speechStartMs(): number {
    return this.speechStart;
  }

  /** Silence since speech last ended (0 while speaking, Infinity before any speech). */
  get silenceMs(): number {
    return this.inSpeech ? 0 : this.nowMs - this.speechEnd;
  }
}
