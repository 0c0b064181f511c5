import type { Transcript } from '../../transcript/model.js';
import { annotate } from '../nlp/annotate.js';

export type Sentiment = 'POSITIVE' | 'NEUTRAL' | 'NEGATIVE';

/** The SDK's `SentimentAnalysisResult` (`sentiment_analysis_results[]`). */
export interface SentimentResult {
  text: string;
  start: number;
  end: number;
  sentiment: Sentiment;
  confidence: number;
  speaker: string | null;
}

/**
 * Scores below this magnitude are NEUTRAL: wink gives small scores to sentences with one mildly
 * coloured word ("the weather is fine" scores 0.4, "a fine mist" less), and AssemblyAI calls
 * most plain statements neutral.
 */
export const NEUTRAL_BAND = 0.25;

/**
 * AssemblyAI's `sentiment_analysis_results`: one entry per sentence, from wink's lexicon-based
 * sentiment (negation-aware, -1..1). Confidence grows with the score's distance from the neutral
 * band's edge for POSITIVE/NEGATIVE, and with its closeness to 0 for NEUTRAL; it is a calibrated
 * guess, not a probability, and stays within 0.5..0.99.
 */
export function analyzeSentiment(transcript: Pick<Transcript, 'words' | 'segments'>): SentimentResult[] {
  return annotate(transcript).map((s) => {
    const score = s.sentiment;
    const sentiment: Sentiment = score >= NEUTRAL_BAND ? 'POSITIVE' : score <= -NEUTRAL_BAND ? 'NEGATIVE' : 'NEUTRAL';
    const confidence =
      sentiment === 'NEUTRAL'
        ? 0.5 + 0.45 * (1 - Math.abs(score) / NEUTRAL_BAND)
        : 0.6 + 0.39 * Math.min(1, (Math.abs(score) - NEUTRAL_BAND) / (1 - NEUTRAL_BAND));
    return {
      text: s.text,
      start: Math.round(s.start),
      end: Math.round(s.end),
      sentiment,
      confidence: Math.round(confidence * 1000) / 1000,
      speaker: s.speaker,
    };
  });
}
