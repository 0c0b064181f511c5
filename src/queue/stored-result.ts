import type { IntelligenceResult } from '../intelligence/analyze.js';
import type { Transcript } from '../transcript/model.js';
import type { NamedSpeakers } from '../pipeline/features.js';
import type { TranscriptResult } from '../store/store.js';

/**
 * What the worker stores (sealed) as a transcript's result: Earshot's own transcript model, not
 * the rendered AssemblyAI JSON, so every view (JSON, sentences, captions…) is derived from the
 * voice-activity segments the pipeline found. Versioned so a later shape can still read old rows.
 */
export const RESULT_FORMAT = 'earshot.transcript/1';

export interface StoredResult extends TranscriptResult {
  format: typeof RESULT_FORMAT;
  transcript: Transcript;
  /** The audio-intelligence fields the request asked for (summary, chapters, …), AssemblyAI's shapes. */
  intelligence?: IntelligenceResult;
  /** The transcript before PII redaction (`redact_pii_return_unredacted`), sealed like the rest. */
  unredacted?: Transcript;
  /**
   * With speaker_labels: the speakers named after known voices, and each speaker's voiceprint
   * (never shown; POST /v2/voices enrols from it), sealed and deleted with the rest.
   */
  speakers?: NamedSpeakers;
}

export function toStoredResult(transcript: Transcript, intelligence?: IntelligenceResult, unredacted?: Transcript, speakers?: NamedSpeakers): StoredResult {
  return {
    format: RESULT_FORMAT,
    transcript,
    ...(intelligence && Object.keys(intelligence).length > 0 ? { intelligence } : {}),
    ...(unredacted ? { unredacted } : {}),
    ...(speakers ? { speakers } : {}),
  };
}

/** Named speakers and voiceprints kept with a diarized transcript (none before issue 14). */
export function namedSpeakersOf(result: TranscriptResult | null): NamedSpeakers | null {
  if (!result || result.format !== RESULT_FORMAT) return null;
  return (result as StoredResult).speakers ?? null;
}

/** The unredacted transcript kept beside the redacted one, when the request asked for it. */
export function unredactedOf(result: TranscriptResult | null): Transcript | null {
  if (!result || result.format !== RESULT_FORMAT) return null;
  return (result as StoredResult).unredacted ?? null;
}

/** The intelligence results in a stored result (none for results stored before they existed). */
export function intelligenceOf(result: TranscriptResult | null): IntelligenceResult {
  if (!result || result.format !== RESULT_FORMAT) return {};
  return (result as StoredResult).intelligence ?? {};
}

/** The transcript in a stored result, or null when there is none (or it is of an unknown shape). */
export function transcriptOf(result: TranscriptResult | null): Transcript | null {
  if (!result || result.format !== RESULT_FORMAT) return null;
  return (result as StoredResult).transcript;
}
