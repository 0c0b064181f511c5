import { EarshotError } from '../errors.js';

/**
 * The request limits a job or session would otherwise hit later, in one place: the REST schemas
 * (/v2), the OpenAI form (/v1/audio/transcriptions) and the streaming parsers (/v3/ws,
 * /v1/realtime) all read them from here, so a limit changes once and is answered 400 at the door.
 * docs/limits.md lists them.
 */
export const REQUEST_RULES = {
  /** Ids in paths and cursors: ours are UUIDs; anything else id-shaped is looked up and 404s. */
  idPattern: '^[A-Za-z0-9_-]+$',
  idMaxLength: 100,
  /** word_boost / keyterms_prompt of a batch job: one vocabulary decoder per job. */
  batchTerms: { maxCount: 1000, maxLength: 100 },
  /** keyterms_prompt of a streaming session: its decoder is built while the client waits. */
  streamTerms: { maxCount: 100, maxLength: 50 },
  /** A whisper prompt, in characters (whisper reads at most 224 tokens of it). */
  promptMaxLength: 4000,
} as const;

/**
 * Refuses a vocabulary list over `limits`, naming the field and the term. The REST schema states
 * the same bounds; this is for callers whose input is not a JSON body (query strings, forms).
 */
export function checkTerms(field: string, terms: readonly string[], limits: { maxCount: number; maxLength: number }): void {
  if (terms.length > limits.maxCount) {
    throw new EarshotError('invalid_request', `${field} takes at most ${limits.maxCount} terms (got ${terms.length}).`);
  }
  const long = terms.find((t) => t.length > limits.maxLength);
  if (long !== undefined) {
    throw new EarshotError('invalid_request', `Each ${field} term is at most ${limits.maxLength} characters ("${long.slice(0, 20)}…" is longer).`);
  }
}

/** Options that only mean something beside another, e.g. redact_pii_policies without redact_pii. */
const NEEDS: ReadonlyArray<[option: string, needs: string]> = [
  ['redact_pii_policies', 'redact_pii'],
  ['redact_pii_sub', 'redact_pii'],
  ['redact_pii_return_unredacted', 'redact_pii'],
  ['redact_pii_audio', 'redact_pii'],
  ['redact_pii_audio_quality', 'redact_pii_audio'],
  ['speaker_options', 'speaker_labels'],
  ['keyterms_prompt_options', 'keyterms_prompt'],
  ['custom_topics', 'topics'],
  ['topics', 'custom_topics'],
  ['language_confidence_threshold', 'language_detection'],
  ['language_detection_options', 'language_detection'],
];

const TRUE_FLAGS: Record<string, boolean> = { redact_pii: true, redact_pii_audio: true, speaker_labels: true, custom_topics: true, language_detection: true };

/**
 * Refuses an option sent without the one it depends on, instead of ignoring it. Inert values
 * (false, empty lists) ask for nothing and pass, as the SDK sends some of them by default.
 */
export function checkDependentOptions(options: Record<string, unknown>): void {
  for (const [option, needs] of NEEDS) {
    const value = options[option];
    if (value === undefined || value === null || value === false || (Array.isArray(value) && value.length === 0)) continue;
    const base = options[needs];
    if (base === undefined || base === null || base === false || (Array.isArray(base) && base.length === 0)) {
      const wanted = typeof TRUE_FLAGS[needs] === 'boolean' ? `${needs}: true` : needs;
      throw new EarshotError('invalid_request', `${option} needs ${wanted}; without it ${option} would be ignored.`);
    }
  }
}
