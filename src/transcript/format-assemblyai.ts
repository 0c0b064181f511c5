import { definedOnly } from './defined.js';
import { meanConfidence, type Transcript, type Utterance, type Word } from './model.js';
import { hasPunctuation, joinWords } from './text.js';
import { toUtterances } from './utterances.js';

/**
 * The transcript object of AssemblyAI's v2 API, as Earshot serves it. Field names and types follow
 * the `Transcript` type of the `assemblyai` SDK (test/transcript/assemblyai-json.test.ts checks
 * that this type is assignable to it), so SDK clients read Earshot's responses unchanged.
 */
export interface AssemblyAiWord {
  text: string;
  /** ms */
  start: number;
  end: number;
  confidence: number;
  speaker: string | null;
  /** Multichannel transcription only: "1", "2", … */
  channel?: string;
}

export interface AssemblyAiUtterance {
  text: string;
  start: number;
  end: number;
  confidence: number;
  speaker: string;
  channel?: string;
  words: AssemblyAiWord[];
}

export type AssemblyAiStatus = 'queued' | 'processing' | 'completed' | 'error';
/** The SDK's `SpeechModel`: AssemblyAI's own model names. */
export type AssemblyAiSpeechModel = 'best' | 'nano' | 'slam-1' | 'universal';

/** Request options and state echoed back as given; see toAssemblyAiJson for their defaults. */
export interface AssemblyAiEcho {
  id: string;
  status: AssemblyAiStatus;
  audio_url: string;
  error?: string;
  language_code: string;
  language_codes: string[] | null;
  language_confidence: number | null;
  language_confidence_threshold: number | null;
  language_detection: boolean | null;
  /**
   * The model asked for, when it is one of AssemblyAI's names; null means "the default" as in
   * AssemblyAI. The model that actually ran is `speech_model_used`.
   */
  speech_model: AssemblyAiSpeechModel | null;
  /** Deprecated in AssemblyAI's API but still required by the SDK's type. */
  acoustic_model: string;
  language_model: string;
  punctuate: boolean | null;
  format_text: boolean | null;
  disfluencies: boolean | null;
  filter_profanity: boolean | null;
  speaker_labels: boolean | null;
  speakers_expected: number | null;
  auto_chapters: boolean | null;
  auto_highlights: boolean;
  summarization: boolean;
  summary_model: string | null;
  summary_type: string | null;
  iab_categories: boolean | null;
  content_safety: boolean | null;
  entity_detection: boolean | null;
  sentiment_analysis: boolean | null;
  redact_pii: boolean;
  redact_pii_audio: boolean | null;
  webhook_url: string | null;
  webhook_auth: boolean;
  webhook_auth_header_name: string | null;
  webhook_status_code: number | null;
  audio_start_from: number | null;
  audio_end_at: number | null;
  word_boost: string[];
}

/** Fields computed from the transcript itself. */
export interface AssemblyAiResults {
  text: string | null;
  words: AssemblyAiWord[] | null;
  utterances: AssemblyAiUtterance[] | null;
  /** Mean word confidence. */
  confidence: number | null;
  /** Seconds, as AssemblyAI reports it (ms precision). */
  audio_duration: number | null;
  speech_model_used: string | null;
  /** Multichannel transcription only: how many channels were transcribed. */
  audio_channels?: number;
}

export type AssemblyAiTranscript = AssemblyAiEcho & AssemblyAiResults;

export type AssemblyAiExtra = Pick<AssemblyAiEcho, 'id' | 'audio_url'> & Partial<AssemblyAiEcho>;

/**
 * Renders a transcript (or null while queued, processing or failed) as AssemblyAI's transcript
 * JSON. `extra` supplies the id, the audio URL, the status and the request options to echo.
 * Unset options get AssemblyAI's defaults, except `punctuate` and `format_text`, which say
 * whether the words carry punctuation and casing, since that depends on the engine.
 */
export function toAssemblyAiJson(transcript: Transcript | null, extra: AssemblyAiExtra): AssemblyAiTranscript {
  const words = transcript?.words ?? null;
  const echo: AssemblyAiEcho = {
    ...ECHO_DEFAULTS,
    status: transcript ? 'completed' : 'queued',
    punctuate: words ? hasPunctuation(words) : null,
    format_text: words ? hasMixedCase(words) : null,
    ...definedOnly(extra),
    id: extra.id,
    audio_url: extra.audio_url,
    // The language the words are in wins over the one asked for (language detection may differ).
    language_code: transcript?.language ?? extra.language_code ?? 'en_us',
    ...(transcript?.languageConfidence !== undefined
      ? { language_confidence: transcript.languageConfidence, language_codes: [transcript.language] }
      : {}),
  };
  return {
    ...echo,
    text: words ? joinWords(words) : null,
    words: words ? words.map(toWireWord) : null,
    utterances: transcript ? wireUtterances(transcript) : null,
    confidence: words && words.length > 0 ? meanConfidence(words) : null,
    audio_duration: transcript ? toSeconds(transcript.durationMs) : null,
    speech_model_used: transcript?.model ?? null,
    ...(transcript?.audioChannels !== undefined ? { audio_channels: transcript.audioChannels } : {}),
  };
}

const ECHO_DEFAULTS = {
  language_codes: null,
  language_confidence: null,
  language_confidence_threshold: null,
  language_detection: false,
  speech_model: null,
  acoustic_model: 'assemblyai_default',
  language_model: 'assemblyai_default',
  disfluencies: false,
  filter_profanity: false,
  speaker_labels: false,
  speakers_expected: null,
  auto_chapters: false,
  auto_highlights: false,
  summarization: false,
  summary_model: null,
  summary_type: null,
  iab_categories: false,
  content_safety: false,
  entity_detection: false,
  sentiment_analysis: false,
  redact_pii: false,
  redact_pii_audio: false,
  webhook_url: null,
  webhook_auth: false,
  webhook_auth_header_name: null,
  webhook_status_code: null,
  audio_start_from: null,
  audio_end_at: null,
  word_boost: [],
} as const satisfies Partial<AssemblyAiEcho>;

/** A word as AssemblyAI sends it: whole milliseconds and an explicit null speaker. */
export function toWireWord(word: Word): AssemblyAiWord {
  return {
    text: word.text,
    start: Math.round(word.start),
    end: Math.round(word.end),
    confidence: word.confidence,
    speaker: word.speaker ?? null,
    ...(word.channel ? { channel: word.channel } : {}),
  };
}

export function toSeconds(ms: number): number {
  return Math.round(ms) / 1000;
}

/** Utterances from diarization, else from speaker labels on the words; null when neither. */
function wireUtterances(transcript: Transcript): AssemblyAiUtterance[] | null {
  const utterances: Utterance[] = transcript.utterances ?? toUtterances(transcript.words);
  if (utterances.length === 0) return null;
  return utterances.map((u) => ({
    text: u.text,
    start: Math.round(u.start),
    end: Math.round(u.end),
    confidence: u.confidence,
    speaker: u.speaker,
    ...(u.channel ? { channel: u.channel } : {}),
    words: u.words.map(toWireWord),
  }));
}

/** Casing was applied when both cases occur: unformatted engines emit one case only. */
function hasMixedCase(words: readonly Word[]): boolean {
  return words.some((w) => /\p{Lu}/u.test(w.text)) && words.some((w) => /\p{Ll}/u.test(w.text));
}
