import { Type } from '@sinclair/typebox';
import { IdString } from './common.js';

/**
 * Response shapes, for the OpenAPI document only: responses are serialised with JSON.stringify
 * (see server.ts), so these never drop or coerce a field. Field names follow the SDK's
 * `Transcript`, `TranscriptList` and `UploadedFile` types.
 */
export const TranscriptStatus = Type.Union(
  [Type.Literal('queued'), Type.Literal('processing'), Type.Literal('completed'), Type.Literal('error')],
  { description: 'queued → processing → completed | error' },
);

export const WordSchema = Type.Object({
  text: Type.String(),
  start: Type.Integer({ description: 'ms' }),
  end: Type.Integer({ description: 'ms' }),
  confidence: Type.Number(),
  speaker: Type.Union([Type.String(), Type.Null()]),
});

export const TranscriptResponse = Type.Object(
  {
    id: Type.String(),
    status: TranscriptStatus,
    audio_url: Type.String(),
    error: Type.Optional(Type.String()),
    text: Type.Union([Type.String(), Type.Null()]),
    words: Type.Union([Type.Array(WordSchema), Type.Null()]),
    utterances: Type.Union([Type.Array(Type.Object({}, { additionalProperties: true })), Type.Null()]),
    confidence: Type.Union([Type.Number(), Type.Null()]),
    audio_duration: Type.Union([Type.Number({ description: 'seconds' }), Type.Null()]),
    language_code: Type.String(),
    speech_model: Type.Union([Type.String(), Type.Null()]),
    speech_model_used: Type.Union([Type.String(), Type.Null()]),
    webhook_url: Type.Union([Type.String(), Type.Null()]),
    webhook_auth: Type.Boolean(),
    webhook_status_code: Type.Union([Type.Integer(), Type.Null()]),
  },
  { additionalProperties: true, description: 'An AssemblyAI v2 transcript (every request option is echoed too)' },
);

export const TranscriptListQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 10, description: 'Page size' })),
  status: Type.Optional(TranscriptStatus),
  created_on: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD (UTC)' })),
  before_id: Type.Optional(IdString('Older than this transcript')),
  after_id: Type.Optional(IdString('Newer than this transcript')),
  throttled_only: Type.Optional(Type.Boolean({ description: 'Deprecated; nothing is throttled here' })),
});

export const TranscriptListResponse = Type.Object({
  page_details: Type.Object({
    limit: Type.Integer(),
    result_count: Type.Integer(),
    current_url: Type.String(),
    prev_url: Type.Union([Type.String(), Type.Null()], { description: 'Older transcripts' }),
    next_url: Type.Union([Type.String(), Type.Null()], { description: 'Newer transcripts' }),
  }),
  transcripts: Type.Array(
    Type.Object({
      id: Type.String(),
      resource_url: Type.String(),
      status: TranscriptStatus,
      created: Type.String(),
      completed: Type.Union([Type.String(), Type.Null()]),
      audio_url: Type.String(),
      error: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
});

export const UploadResponse = Type.Object({
  upload_url: Type.String({ description: 'Pass as audio_url; usable only with the same API key, kept in memory only' }),
});
