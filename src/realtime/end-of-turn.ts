/**
 * `end_of_turn_confidence` (issue 16 item 4): the probability that the speaker has finished, from
 * a logistic model over
 * - how likely a sentence ends after the turn's last two words, by the engine's language model
 *   (log10 P(</s> | words)): low after "of the" or a trailing "and", high after "thank you" or
 *   "this morning". On real recordings the words a turn ends on are often misheard ("for them"
 *   heard as "how about"), so the cue is its expected value under the words' posteriors: with
 *   the last word right and the one before wrong, only the last word is history; with the last
 *   word wrong, nothing is known, which gets how often any sentence ends (the model's prior);
 * - the silence so far, so the confidence rises the longer the speaker stays quiet.
 * Its weights (end-of-turn-weights.ts, generated) are fitted by scripts/fit-end-of-turn.ts on
 * pauses labelled from espeak-ng and LibriVox speech (sentence ends against pauses inside
 * sentences); the file records the fit's figures. Prosody (pitch and level falling at the end)
 * was measured too and left out: see docs/streaming.md. The turn then ends, as with AssemblyAI's
 * v3 settings, after `min_turn_silence` once the confidence reaches
 * `end_of_turn_confidence_threshold`, and after `max_turn_silence` regardless.
 */
import type { SentenceEndModel } from '../engines/engine.js';
import { coreOf } from '../intelligence/punctuation/tokens.js';
import { FITTED_END_OF_TURN } from './end-of-turn-weights.js';
import type { TurnSettings } from './protocol.js';

export interface TurnEndCues {
  /** The turn's last two words so far (partial or final), oldest first; empty before any. */
  lastWords: readonly CueWord[];
  silenceMs: number;
}

export interface CueWord {
  text: string;
  /** The engine's posterior for the word, 0..1; absent when unknown (a partial word, text), taken as sure. */
  confidence?: number;
}

/**
 * The longest silence the model is fitted on: it is not extrapolated past it, so after words a
 * sentence rarely ends on the confidence stays below the default threshold and the turn waits for
 * max_turn_silence (and OpenAI semantic_vad's eagerness keeps its meaning).
 */
export const FITTED_SILENCE_MS = 800;
/** Sentence-end probabilities below 10^-3 are all "never": the language model's far tail is noise. */
const FLOOR_LOG10 = -3;

/** The model's inputs: log10 P(sentence ends here), an indicator, and the silence in seconds (capped at FITTED_SILENCE_MS). */
export const FEATURES = ['bias', 'sentenceEnd', 'noWords', 'silence'] as const;
export type Feature = (typeof FEATURES)[number];
export type Weights = Record<Feature, number>;

/**
 * `sentenceEnds` absent (an engine without a language model): every turn gets the prior the model
 * was fitted with, so silence alone decides.
 */
export function featureVector(cues: TurnEndCues, sentenceEnds?: SentenceEndModel): Record<Feature, number> {
  const words = cues.lastWords.slice(-2).map((w) => ({ core: coreOf(w.text), sure: w.confidence ?? 1 })).filter((w) => w.core.length > 0);
  const last = words.at(-1);
  if (!sentenceEnds) return { ...cueless(cues.silenceMs, words.length), sentenceEnd: FITTED_END_OF_TURN.priorLog10 };
  const end = (history: string[]) => clamp(sentenceEnds.log10EndProbability(history));
  const prior = end([]);
  let sentenceEnd = prior;
  if (last) {
    const before = words.length === 2 ? words[0] : undefined;
    const givenLast = before ? before.sure * end([before.core, last.core]) + (1 - before.sure) * end([last.core]) : end([last.core]);
    sentenceEnd = last.sure * givenLast + (1 - last.sure) * prior;
  }
  return { ...cueless(cues.silenceMs, words.length), sentenceEnd };
}

function cueless(silenceMs: number, words: number): Omit<Record<Feature, number>, 'sentenceEnd'> {
  return { bias: 1, noWords: words === 0 ? 1 : 0, silence: Math.min(silenceMs, FITTED_SILENCE_MS) / 1000 };
}

const clamp = (log10: number) => Math.max(FLOOR_LOG10, Math.min(0, log10));

export const END_OF_TURN_WEIGHTS: Weights = FITTED_END_OF_TURN.weights;

/** The probability that the turn has ended, rounded to 4 places as it goes on the wire. */
export function endOfTurnConfidence(cues: TurnEndCues, sentenceEnds?: SentenceEndModel, weights: Weights = END_OF_TURN_WEIGHTS): number {
  const x = featureVector(cues, sentenceEnds);
  const z = FEATURES.reduce((sum, f) => sum + weights[f] * x[f], 0);
  return Math.round(1e4 / (1 + Math.exp(-z))) / 1e4;
}

/** Whether a turn ends now, with this confidence after `silenceMs` of silence. */
export function turnEnds(confidence: number, silenceMs: number, settings: TurnSettings): boolean {
  if (silenceMs >= settings.maxTurnSilenceMs) return true;
  return silenceMs >= settings.minTurnSilenceMs && confidence >= settings.endOfTurnConfidenceThreshold;
}
