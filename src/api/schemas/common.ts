import { Type } from '@sinclair/typebox';
import { REQUEST_RULES } from '../request-rules.js';

/** AssemblyAI's error body; the SDK throws `new Error(error)`. */
export const ErrorResponse = Type.Object({ error: Type.String() }, { $id: 'Error', description: 'What went wrong' });

/** An id in a path or cursor: id-shaped or 400, so path tricks never reach a lookup. */
export const IdString = (description: string) =>
  Type.String({ minLength: 1, maxLength: REQUEST_RULES.idMaxLength, pattern: REQUEST_RULES.idPattern, description });

export const TranscriptIdParams = Type.Object({ transcript_id: IdString('The transcript id') });

/** Error answers every authenticated route can give. */
export const commonErrors = {
  400: Type.Ref(ErrorResponse),
  401: Type.Ref(ErrorResponse),
  404: Type.Ref(ErrorResponse),
  500: Type.Ref(ErrorResponse),
};

export const apiKeySecurity = [{ apiKey: [] as string[] }];
