/**
 * Turn boundaries from VAD frames and the silence settings (issue 5 item 2), following
 * AssemblyAI's rules for Universal-Streaming:
 * - a turn opens when the VAD hears speech;
 * - once the speaker pauses, the turn ends after `min_turn_silence` if the end-of-turn confidence
 *   reaches `end_of_turn_confidence_threshold`, and after `max_turn_silence` regardless.
 *
 * AssemblyAI's confidence comes from a neural model of how sentences end. Earshot's is a
 * transparent stand-in: a prior from the last word (a turn rarely ends on "the", "and", "of"; see
 * the punctuation stage's sentence cues), scaled by how much of `min_turn_silence` has passed.
 * With the default threshold 0.4, a turn ending on an ordinary word ends after min_turn_silence,
 * one ending on a function word waits for max_turn_silence.
 */
import { VAD_FRAME_MS } from '../audio/vad/silero.js';
import { isNonFinal } from '../intelligence/punctuation/sentence-cues.js';
import { coreOf } from '../intelligence/punctuation/tokens.js';
import type { TurnSettings } from './protocol.js';

/** Speech ends when the probability falls this far below `vad_threshold` (hysteresis, as Silero's own). */
const HYSTERESIS = 0.15;

/** Prior end-of-turn confidence by the turn's last word. */
export const END_PRIORS = {
  /** Nothing recognised yet. */
  noWords: 0.3,
  /** An article, preposition, conjunction…: the sentence goes on. */
  nonFinal: 0.1,
  /** Any other word. */
  word: 0.7,
} as const;

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

/** The last word's prior: how likely a turn is to end after it. */
export function endPrior(lastWord: string | undefined): number {
  if (lastWord === undefined) return END_PRIORS.noWords;
  return isNonFinal(coreOf(lastWord)) ? END_PRIORS.nonFinal : END_PRIORS.word;
}

/** `end_of_turn_confidence` after `silenceMs` of silence: the prior, ramped in over min_turn_silence. */
export function endOfTurnConfidence(lastWord: string | undefined, silenceMs: number, settings: TurnSettings): number {
  const ramp = settings.minTurnSilenceMs > 0 ? Math.min(1, silenceMs / settings.minTurnSilenceMs) : 1;
  return Math.round(endPrior(lastWord) * ramp * 1e4) / 1e4;
}

/** Whether a turn ends now, after `silenceMs` of silence following `lastWord`. */
export function turnEnds(lastWord: string | undefined, silenceMs: number, settings: TurnSettings): boolean {
  if (silenceMs >= settings.maxTurnSilenceMs) return true;
  return silenceMs >= settings.minTurnSilenceMs && endPrior(lastWord) >= settings.endOfTurnConfidenceThreshold;
}
