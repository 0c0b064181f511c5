import { Type } from '@sinclair/typebox';

/** AssemblyAI's error body; the SDK throws `new Error(error)`. */
export const ErrorResponse = Type.Object({ error: Type.String() }, { $id: 'Error', description: 'What went wrong' });

export const TranscriptIdParams = Type.Object({
  transcript_id: Type.String({ minLength: 1, maxLength: 200, description: 'The transcript id' }),
});

/** Error answers every authenticated route can give. */
export const commonErrors = {
  400: Type.Ref(ErrorResponse),
  401: Type.Ref(ErrorResponse),
  404: Type.Ref(ErrorResponse),
  500: Type.Ref(ErrorResponse),
};

export const apiKeySecurity = [{ apiKey: [] as string[] }];
