import { Type, type TSchema } from '@sinclair/typebox';
import { REQUEST_RULES } from '../request-rules.js';

/**
 * Every field of AssemblyAI's `TranscriptParams` (the `assemblyai` SDK's TranscriptOptionalParams
 * plus `audio_url`), and whether this build honours it. This is the ONE table: the request schema,
 * the OpenAPI document and the 400 for unsupported options all come from it. Turning a feature
 * on later (speaker_labels once diarization exists, say) means adding its pipeline stage, mapping
 * it in src/queue/worker.ts, and flipping its `support` here. Issue 4: "options the product does
 * not support yet are refused with a 400 that names them, never ignored".
 */
export type OptionSupport =
  /** Honoured by this build. */
  | 'supported'
  /** A boolean feature this build cannot run yet: `false` and `null` are accepted, `true` refused. */
  | 'feature'
  /** A setting of a feature this build lacks: accepted only when null, empty or `false`. */
  | 'setting';

export interface OptionSpec {
  support: OptionSupport;
  schema: TSchema;
  /** For an option this build refuses: why, and what to do instead (said in the 400). */
  why?: string;
}

const bool = (description: string) => Type.Boolean({ description });
const setting = (schema: TSchema): OptionSpec => ({ support: 'setting', schema });
const supported = (schema: TSchema): OptionSpec => ({ support: 'supported', schema });
const { maxCount, maxLength } = REQUEST_RULES.batchTerms;
const terms = (description: string) => Type.Array(Type.String({ maxLength }), { maxItems: maxCount, description });

export const TRANSCRIPT_OPTIONS = {
  audio_url: {
    support: 'supported',
    schema: Type.String({ minLength: 1, maxLength: 8192, description: 'http(s) URL of the audio, or an upload_url from POST /v2/upload' }),
  },
  audio_start_from: {
    support: 'supported',
    schema: Type.Integer({ minimum: 0, description: 'Start transcribing at this many ms into the audio' }),
  },
  audio_end_at: {
    support: 'supported',
    schema: Type.Integer({ minimum: 1, description: 'Stop transcribing at this many ms into the audio' }),
  },
  custom_spelling: {
    support: 'supported',
    schema: Type.Array(
      Type.Object(
        {
          from: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { minItems: 1, maxItems: 100 }),
          to: Type.String({ minLength: 1, maxLength: 200 }),
        },
        { additionalProperties: false },
      ),
      { maxItems: 1000, description: 'Replace words or phrases in the output: [{ from: ["whisper"], to: "Whisper" }]' },
    ),
  },
  language_code: {
    support: 'supported',
    schema: Type.String({ description: 'Language of the audio; this build transcribes English (en, en_us)' }),
  },
  speech_model: {
    support: 'supported',
    schema: Type.String({ description: 'An engine name (pocketsphinx, whisper) or "nano" for the default light engine' }),
  },
  webhook_url: {
    support: 'supported',
    schema: Type.String({ minLength: 1, maxLength: 2048, description: 'Called with {transcript_id, status} when the job ends' }),
  },
  webhook_auth_header_name: {
    support: 'supported',
    schema: Type.String({ minLength: 1, maxLength: 256, pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$", description: 'Header sent with the webhook' }),
  },
  webhook_auth_header_value: {
    support: 'supported',
    schema: Type.String({ maxLength: 4096, description: 'Value of that header (stored encrypted)' }),
  },

  // Formatting and audio intelligence: stages from src/pipeline/features.ts.
  punctuate: supported(bool('Add punctuation (default true)')),
  format_text: supported(bool('Casing and number formatting (default true)')),
  filter_profanity: supported(bool('Mask profanity ("s***")')),
  speaker_labels: supported(bool('Speaker diarization: words[].speaker and utterances[]')),
  speakers_expected: supported(Type.Integer({ minimum: 1, maximum: 26, description: 'How many speakers there are, when known' })),
  // Earshot's own (issue 14 item 4, docs/voices.md): not in AssemblyAI's API.
  known_voices: supported(
    Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { minItems: 1, maxItems: 50, description: 'Ids of enrolled voices (POST /v2/voices): speakers that match are named after them (with speaker_labels)' }),
  ),
  auto_chapters: supported(bool('Chapters with headline, gist and summary')),
  summarization: supported(bool('Summary (see summary_type)')),
  summary_model: supported(Type.Union([Type.Literal('informative'), Type.Literal('conversational'), Type.Literal('catchy')])),
  summary_type: supported(
    Type.Union([Type.Literal('bullets'), Type.Literal('bullets_verbose'), Type.Literal('gist'), Type.Literal('headline'), Type.Literal('paragraph')]),
  ),
  iab_categories: supported(bool('IAB topic detection')),
  content_safety: supported(bool('Content moderation labels')),
  content_safety_confidence: supported(Type.Integer({ minimum: 25, maximum: 100 })),
  entity_detection: supported(bool('Entity detection')),
  sentiment_analysis: supported(bool('Sentiment per sentence')),
  auto_highlights: supported(bool('Key phrases')),
  redact_pii: supported(bool('Redact personal information in the text and every result')),
  redact_pii_audio: supported(bool('A copy of the audio with PII bleeped (GET /v2/transcript/:id/redacted-audio)')),
  redact_pii_policies: supported(Type.Array(Type.String(), { description: 'PII policies, e.g. person_name, phone_number' })),
  redact_pii_sub: supported(Type.Union([Type.Literal('hash'), Type.Literal('entity_name')])),
  word_boost: supported(terms('Words or phrases to favour')),
  boost_param: supported(Type.Union([Type.Literal('low'), Type.Literal('default'), Type.Literal('high')])),
  keyterms_prompt: supported(terms('Key terms to favour')),
  // Not available in this build.
  disfluencies: supported(bool('Keep filler words ("um", "uh", "hmm"); left out by default')),
  speaker_options: supported(
    Type.Object(
      {
        min_speakers_expected: Type.Optional(Type.Integer({ minimum: 1, maximum: 26 })),
        max_speakers_expected: Type.Optional(Type.Integer({ minimum: 1, maximum: 26 })),
      },
      { additionalProperties: false, description: 'Bounds on the number of speakers diarization may find (with speaker_labels)' },
    ),
  ),
  custom_topics: supported(bool('Classify passages against your own `topics` instead of the IAB taxonomy (results in iab_categories_result)')),
  topics: supported(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 100, description: 'Your topic labels, for custom_topics' })),
  redact_pii_audio_quality: supported(Type.Union([Type.Literal('mp3'), Type.Literal('wav')], { description: 'Format of the redacted audio: mp3 (default) or wav' })),
  redact_pii_return_unredacted: supported(bool('Also return unredacted_text, unredacted_words and unredacted_utterances (with redact_pii)')),
  keyterms_prompt_options: supported(
    Type.Object(
      { keyterms_match_strength: Type.Optional(Type.Union([Type.Literal('standard'), Type.Literal('high'), Type.Null()])) },
      { additionalProperties: false, description: 'How strongly keyterms_prompt terms are favoured: standard or high' },
    ),
  ),
  prompt: supported(Type.String({ maxLength: REQUEST_RULES.promptMaxLength, description: 'Context for the speech model (engines that take a prompt: whisper)' })),
  temperature: supported(Type.Number({ minimum: 0, maximum: 1, description: 'Sampling temperature for engines that sample (whisper); pocketsphinx takes only 0' })),
  speech_models: supported(
    Type.Array(Type.String({ minLength: 1 }), { minItems: 1, maxItems: 10, description: 'Speech models in order of preference: the first this server can run is used' }),
  ),
  speech_threshold: supported(Type.Number({ minimum: 0, maximum: 1, description: 'Fail the transcript when less than this fraction of the audio is speech' })),
  domain: {
    ...setting(Type.String()),
    why: 'domain ("medical-v1") selects a domain-specific correction model, and this server has none; leave domain unset',
  },
  remove_audio_tags: supported(Type.Literal('all', { description: '"all": take bracketed audio tags such as [MUSIC] out of the words' })),
  speech_understanding: supported(
    Type.Object(
      {
        request: Type.Optional(
          Type.Object(
            {
              speaker_identification: Type.Optional(
                Type.Object(
                  {
                    speaker_type: Type.Union([Type.Literal('name'), Type.Literal('role')]),
                    known_values: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 26 })),
                    effort: Type.Optional(Type.Union([Type.Literal('low'), Type.Literal('medium')])),
                  },
                  { additionalProperties: false },
                ),
              ),
              translation: Type.Optional(Type.Unknown()),
              custom_formatting: Type.Optional(Type.Unknown()),
            },
            { additionalProperties: false },
          ),
        ),
      },
      { additionalProperties: false, description: 'request.speaker_identification: name the diarized speakers (speaker_type name or role, known_values)' },
    ),
  ),
  // Channels and language detection.
  dual_channel: supported(bool('Each of two channels transcribed apart (older name of multichannel)')),
  multichannel: supported(bool('Each channel transcribed apart: words[].channel, speakers "1A", "2A", audio_channels')),
  language_detection: supported(bool('Report the language (language_code) and how sure the engine is (language_confidence)')),
  language_detection_options: supported(
    Type.Object(
      { expected_languages: Type.Optional(Type.Union([Type.Array(Type.String({ minLength: 1 })), Type.Null()])) },
      { additionalProperties: true, description: 'expected_languages: fail when another language is detected; other fields are refused' },
    ),
  ),
  language_confidence_threshold: supported(Type.Number({ minimum: 0, maximum: 1, description: 'Fail the transcript when language_confidence is lower' })),
} as const satisfies Record<string, OptionSpec>;

export type TranscriptOptionName = keyof typeof TRANSCRIPT_OPTIONS;

/** The options this build honours, for docs and error messages. */
export const SUPPORTED_OPTIONS = (Object.keys(TRANSCRIPT_OPTIONS) as TranscriptOptionName[]).filter(
  (name) => TRANSCRIPT_OPTIONS[name].support === 'supported',
);

/**
 * The POST /v2/transcript body schema, built from the table. Every option may also be null, as
 * the SDK's types allow, meaning "not set". Unknown fields are caught before validation (see
 * checkTranscriptOptions) so the 400 can name all of them at once.
 */
export const TranscriptRequestSchema = Type.Object(
  Object.fromEntries(
    Object.entries(TRANSCRIPT_OPTIONS).map(([name, spec]: [string, OptionSpec]) => [
      name,
      name === 'audio_url' ? spec.schema : Type.Optional(Type.Union([spec.schema, Type.Null()], { description: spec.schema.description })),
    ]),
  ),
  { required: ['audio_url'], additionalProperties: false, description: 'AssemblyAI TranscriptParams' },
);

export interface OptionProblems {
  /** Fields AssemblyAI's API does not have. */
  unknown: string[];
  /** Known options asked for that this build cannot honour. */
  unsupported: string[];
}

/** Which fields of a request body are unknown, and which known ones ask for something unsupported. */
export function checkTranscriptOptions(body: Record<string, unknown>): OptionProblems {
  const problems: OptionProblems = { unknown: [], unsupported: [] };
  for (const [name, value] of Object.entries(body)) {
    const spec: OptionSpec | undefined = Object.hasOwn(TRANSCRIPT_OPTIONS, name)
      ? TRANSCRIPT_OPTIONS[name as TranscriptOptionName]
      : undefined;
    if (!spec) problems.unknown.push(name);
    else if (spec.support !== 'supported' && !isInert(value)) problems.unsupported.push(name);
  }
  return problems;
}

/** A value that asks for nothing: absent, null, false, empty. */
function isInert(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.keys(value).length === 0;
  return false;
}
