/**
 * `end_of_turn_confidence` (issue 16 item 4): the probability that the speaker has finished, from
 * a logistic model over
 * - the turn's last word: a function word or trailing conjunction ("the", "and", "of") means the
 *   sentence goes on (the punctuation stage's sentence cues), weighted by the engine's confidence
 *   in that word. On real recordings the word a turn ends on is often misheard ("for them" heard
 *   as "how about"), and a function word the engine is unsure of is weak evidence: the feature is
 *   the indicator's expected value under the word's posterior;
 * - the silence so far, so the confidence rises the longer the speaker stays quiet.
 * Its weights (end-of-turn-weights.ts, generated) are fitted by scripts/fit-end-of-turn.ts on
 * pauses labelled from espeak-ng and LibriVox speech (sentence ends against pauses inside
 * sentences); the file records the fit's figures. Prosody (pitch and level falling at the end)
 * was measured too and left out: see docs/streaming.md. The turn then ends, as with AssemblyAI's
 * v3 settings, after `min_turn_silence` once the confidence reaches
 * `end_of_turn_confidence_threshold`, and after `max_turn_silence` regardless.
 */
import { isNonFinal } from '../intelligence/punctuation/sentence-cues.js';
import { coreOf } from '../intelligence/punctuation/tokens.js';
import { FITTED_END_OF_TURN } from './end-of-turn-weights.js';
import type { TurnSettings } from './protocol.js';

export interface TurnEndCues {
  /** The last word of the turn so far (partial or final), if any. */
  lastWord: string | undefined;
  /** The engine's posterior for that word, 0..1; absent when unknown (a partial word, text). */
  lastWordConfidence?: number;
  silenceMs: number;
}

/**
 * The longest silence the model is fitted on: it is not extrapolated past it, so after a function
 * word the confidence stays below the default threshold and the turn waits for max_turn_silence
 * (and OpenAI semantic_vad's eagerness keeps its meaning).
 */
export const FITTED_SILENCE_MS = 800;

/** The model's inputs: indicators, and the silence in seconds (capped at FITTED_SILENCE_MS). */
export const FEATURES = ['bias', 'nonFinalWord', 'noWords', 'silence'] as const;
export type Feature = (typeof FEATURES)[number];
export type Weights = Record<Feature, number>;

export function featureVector(cues: TurnEndCues): Record<Feature, number> {
  return {
    bias: 1,
    nonFinalWord: cues.lastWord !== undefined && isNonFinal(coreOf(cues.lastWord)) ? (cues.lastWordConfidence ?? 1) : 0,
    noWords: cues.lastWord === undefined ? 1 : 0,
    silence: Math.min(cues.silenceMs, FITTED_SILENCE_MS) / 1000,
  };
}

export const END_OF_TURN_WEIGHTS: Weights = FITTED_END_OF_TURN.weights;

/** The probability that the turn has ended, rounded to 4 places as it goes on the wire. */
export function endOfTurnConfidence(cues: TurnEndCues, weights: Weights = END_OF_TURN_WEIGHTS): number {
  const x = featureVector(cues);
  const z = FEATURES.reduce((sum, f) => sum + weights[f] * x[f], 0);
  return Math.round(1e4 / (1 + Math.exp(-z))) / 1e4;
}

/** Whether a turn ends now, with this confidence after `silenceMs` of silence. */
export function turnEnds(confidence: number, silenceMs: number, settings: TurnSettings): boolean {
  if (silenceMs >= settings.maxTurnSilenceMs) return true;
  return silenceMs >= settings.minTurnSilenceMs && confidence >= settings.endOfTurnConfidenceThreshold;
}
