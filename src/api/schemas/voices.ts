import { Type } from '@sinclair/typebox';

/** POST /v2/voices (issue 14 item 4, docs/voices.md): one source, a speaker label or a clip. */
export const VoiceEnrolRequest = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200, description: 'What a matching speaker is called in transcripts (words[].speaker, utterances[].speaker)' }),
    transcript_id: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'A completed transcript with speaker_labels; use with speaker' })),
    speaker: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'The speaker label in that transcript ("A", or a name it was given)' })),
    upload_url: Type.Optional(Type.String({ minLength: 1, maxLength: 8192, description: 'An upload_url from POST /v2/upload: a clip of this speaker alone (5 s of speech or more)' })),
    audio_url: Type.Optional(Type.String({ minLength: 1, maxLength: 8192, description: 'An http(s) URL of such a clip (or an upload_url)' })),
  },
  { additionalProperties: false },
);

export const VoiceIdParams = Type.Object({ voice_id: Type.String({ minLength: 1, maxLength: 200, description: 'The voice id' }) });

export const VoiceResponse = Type.Object({
  id: Type.String(),
  name: Type.String(),
  speech_seconds: Type.Number({ description: 'Seconds of speech the voiceprint was made from' }),
  source: Type.Union([Type.Literal('transcript'), Type.Literal('audio')]),
  transcript_id: Type.Union([Type.String(), Type.Null()]),
  speaker: Type.Union([Type.String(), Type.Null()]),
  embedding: Type.String({ description: 'Which voiceprint format was kept (docs/voices.md); the voiceprint itself is never returned' }),
  created: Type.String(),
});

export const VoiceListResponse = Type.Object({ voices: Type.Array(VoiceResponse) });
