/**
 * TypeBox schemas that document the /v1 routes in /openapi.json. Inline (no `$id`): the /v1
 * plugin is encapsulated, and its answers must not point at the /v2 `Error` schema.
 */
import { Type } from '@sinclair/typebox';
import { RESPONSE_FORMATS } from './form.js';

export const OpenAiErrorSchema = Type.Object(
  {
    error: Type.Object({
      message: Type.String(),
      type: Type.String({ description: 'invalid_request_error, server_error, …' }),
      param: Type.Union([Type.String(), Type.Null()], { description: 'The form field at fault, if one is' }),
      code: Type.Union([Type.String(), Type.Null()], { description: 'invalid_api_key, model_not_found, or an Earshot error code' }),
    }),
  },
  { description: "OpenAI's error shape" },
);

export const OpenAiModelSchema = Type.Object({
  id: Type.String({ description: "Model name to send as `model`: an installed model, or one of OpenAI's names for the default" }),
  object: Type.Literal('model'),
  created: Type.Integer({ description: 'Unix seconds' }),
  owned_by: Type.String(),
  engine: Type.String({ description: 'The engine that runs it (pocketsphinx, whisper)' }),
  root: Type.String({ description: 'The installed model the id stands for' }),
});

/** The form fields; `file` as binary so the docs page offers a file picker. */
export const TranscriptionFormSchema = Type.Object({
  file: Type.String({ format: 'binary', description: 'The audio or video file; its format is recognised from its bytes' }),
  model: Type.Optional(Type.String({ description: "whisper-1 (or another OpenAI name) for the server's default, or an id from GET /v1/models" })),
  language: Type.Optional(Type.String({ description: 'ISO-639-1 code; this server transcribes en' })),
  prompt: Type.Optional(Type.String({ description: 'Initial prompt for whisper-class engines' })),
  response_format: Type.Optional(Type.Union(RESPONSE_FORMATS.map((f) => Type.Literal(f)), { default: 'json' })),
  'timestamp_granularities[]': Type.Optional(Type.Array(Type.Union([Type.Literal('word'), Type.Literal('segment')]), { description: 'verbose_json only' })),
  temperature: Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: 'Accepted; decoding is deterministic (temperature 0)' })),
  stream: Type.Optional(Type.Boolean({ description: 'Server-sent events: transcript.text.delta per segment, then transcript.text.done' })),
  'include[]': Type.Optional(Type.Array(Type.Literal('logprobs'), { description: 'Word log probabilities (json and stream)' })),
  chunking_strategy: Type.Optional(Type.String({ description: '"auto" or a server_vad object (threshold, silence_duration_ms, prefix_padding_ms)' })),
});
