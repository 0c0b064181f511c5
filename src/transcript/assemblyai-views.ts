import { toSeconds, toWireWord, type AssemblyAiWord } from './format-assemblyai.js';
import { meanConfidence, type Transcript } from './model.js';
import { toParagraphs, type ParagraphOptions } from './paragraphs.js';
import { toSentences, type SentenceOptions } from './sentences.js';
import type { TextSpan } from './span.js';

/** A sentence or paragraph as AssemblyAI's `/sentences` and `/paragraphs` send it. */
export interface AssemblyAiSpan {
  text: string;
  start: number;
  end: number;
  confidence: number;
  speaker: string | null;
  words: AssemblyAiWord[];
}

interface ViewResponse {
  id: string;
  /** Mean word confidence of the whole transcript. */
  confidence: number;
  /** Seconds. */
  audio_duration: number;
  speech_model_used: string | null;
}

/** The SDK's `SentencesResponse`. */
export interface AssemblyAiSentences extends ViewResponse {
  sentences: AssemblyAiSpan[];
}

/** The SDK's `ParagraphsResponse`. */
export interface AssemblyAiParagraphs extends ViewResponse {
  paragraphs: AssemblyAiSpan[];
}

export function toSentencesResponse(transcript: Transcript, id: string, options?: SentenceOptions): AssemblyAiSentences {
  return { ...header(transcript, id), sentences: toSentences(transcript, options).map(toWireSpan) };
}

export function toParagraphsResponse(transcript: Transcript, id: string, options?: ParagraphOptions): AssemblyAiParagraphs {
  return { ...header(transcript, id), paragraphs: toParagraphs(transcript, options).map(toWireSpan) };
}

function header(transcript: Transcript, id: string): ViewResponse {
  return {
    id,
    confidence: meanConfidence(transcript.words),
    audio_duration: toSeconds(transcript.durationMs),
    speech_model_used: transcript.model,
  };
}

function toWireSpan(span: TextSpan): AssemblyAiSpan {
  return {
    text: span.text,
    start: Math.round(span.start),
    end: Math.round(span.end),
    confidence: span.confidence,
    speaker: span.speaker,
    words: span.words.map(toWireWord),
  };
}
