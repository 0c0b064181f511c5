import { Type } from '@sinclair/typebox';
import { WordSchema } from './transcript.js';

const Span = Type.Object({
  text: Type.String(),
  start: Type.Integer(),
  end: Type.Integer(),
  confidence: Type.Number(),
  speaker: Type.Union([Type.String(), Type.Null()]),
  words: Type.Array(WordSchema),
});

const header = {
  id: Type.String(),
  confidence: Type.Number(),
  audio_duration: Type.Number(),
  speech_model_used: Type.Union([Type.String(), Type.Null()]),
};

export const SentencesResponse = Type.Object({ ...header, sentences: Type.Array(Span) });
export const ParagraphsResponse = Type.Object({ ...header, paragraphs: Type.Array(Span) });

export const CaptionQuery = Type.Object({
  chars_per_caption: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'Most characters per caption' })),
});

export const WordSearchQuery = Type.Object({
  words: Type.String({ minLength: 1, maxLength: 2000, description: 'Comma-separated words or phrases' }),
});

export const WordSearchResponse = Type.Object({
  id: Type.String(),
  total_count: Type.Integer(),
  matches: Type.Array(
    Type.Object({
      text: Type.String(),
      count: Type.Integer(),
      timestamps: Type.Array(Type.Array(Type.Integer())),
      indexes: Type.Array(Type.Integer()),
    }),
  ),
});

export const WebhookDeliveriesResponse = Type.Object({
  transcript_id: Type.String(),
  webhook_url: Type.Union([Type.String(), Type.Null()]),
  deliveries: Type.Array(
    Type.Object({
      attempt: Type.Integer(),
      url: Type.String(),
      status_code: Type.Union([Type.Integer(), Type.Null()]),
      error: Type.Union([Type.String(), Type.Null()]),
      at: Type.String(),
    }),
  ),
});

export const RedactedAudioResponse = Type.Object({
  status: Type.Literal('redacted_audio_ready'),
  redacted_audio_url: Type.String({ description: 'Plain download URL of the MP3; expires an hour after the job' }),
});

export const WebhookSecretResponse = Type.Object({
  webhook_secret: Type.String({
    description: "HMAC-SHA256 key for this project's x-earshot-signature headers (docs/security.md); shown only here, store it now",
  }),
  created: Type.String(),
});
