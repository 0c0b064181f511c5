/**
 * `end_of_turn_confidence` (issue 16 item 4): the probability that the speaker has finished, from
 * a small logistic model over what AssemblyAI's turn model also listens for:
 * - the partial's last word: a function word or trailing conjunction ("the", "and", "of") means
 *   the sentence goes on (the punctuation stage's sentence cues);
 * - how the speech ended (prosody.ts): pitch and level falling at the end of a sentence, level or
 *   rising in a pause inside one;
 * - the silence so far.
 * Its weights (end-of-turn-weights.ts, generated) are fitted by scripts/fit-end-of-turn.ts on pauses
 * labelled from LibriVox and espeak-ng speech (sentence ends against pauses inside sentences); the
 * file records the fit's accuracy. The turn then ends, as with AssemblyAI's v3 settings, after
 * `min_turn_silence` once the confidence reaches `end_of_turn_confidence_threshold`, and after
 * `max_turn_silence` regardless.
 */
import { isNonFinal } from '../intelligence/punctuation/sentence-cues.js';
import { coreOf } from '../intelligence/punctuation/tokens.js';
import { FITTED_END_OF_TURN } from './end-of-turn-weights.js';
import type { TurnSettings } from './protocol.js';
import type { ProsodyFeatures } from './prosody.js';

export interface TurnEndCues {
  /** The last word of the turn so far (partial or final), if any. */
  lastWord: string | undefined;
  prosody: ProsodyFeatures;
  silenceMs: number;
}

/** The model's inputs, each scaled to about -1..1 (silence in seconds, capped at 2). */
export const FEATURES = ['bias', 'nonFinalWord', 'noWords', 'pitchChange', 'levelChange', 'silence'] as const;
export type Feature = (typeof FEATURES)[number];
export type Weights = Record<Feature, number>;

export function featureVector(cues: TurnEndCues): Record<Feature, number> {
  const clamp = (v: number) => Math.max(-1, Math.min(1, v));
  return {
    bias: 1,
    nonFinalWord: cues.lastWord !== undefined && isNonFinal(coreOf(cues.lastWord)) ? 1 : 0,
    noWords: cues.lastWord === undefined ? 1 : 0,
    pitchChange: clamp(cues.prosody.pitchChange / 12),
    levelChange: clamp(cues.prosody.levelChange / 20),
    silence: Math.min(cues.silenceMs, 2000) / 1000,
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
