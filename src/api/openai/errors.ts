import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { EarshotError, isEarshotError, type ErrorCode } from '../../errors.js';

/**
 * OpenAI's error body, which its SDK turns into `APIError` (`error.message`, `.type`, `.param`,
 * `.code`): https://platform.openai.com/docs/guides/error-codes.
 */
export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/**
 * A coded error about one request field, so the answer can name it in `param`; `openaiCode`
 * replaces the code OpenAI's clients see when theirs is more specific (`model_not_found`).
 */
export class ParamError extends EarshotError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly param: string,
    readonly openaiCode?: string,
  ) {
    super(code, message);
  }
}

/**
 * Earshot codes whose OpenAI counterpart clients already match on; the rest travel as they are
 * (`audio_corrupt`, `engine_not_ready`, …), which says more than a generic code would.
 */
const OPENAI_CODES: Partial<Record<ErrorCode, string>> = {
  unauthorized: 'invalid_api_key',
  model_unknown: 'model_not_found',
  model_not_installed: 'model_not_found',
};

/** `type` as OpenAI uses it: client mistakes are `invalid_request_error`, our faults `server_error`. */
function typeFor(status: number): string {
  if (status >= 500) return 'server_error';
  if (status === 429) return 'rate_limit_error';
  return 'invalid_request_error';
}

/** Fastify's and @fastify/multipart's own errors, reworded for someone sending a form. */
const FRAMEWORK_ERRORS: Record<string, { status: number; message: string; param?: string; code?: string }> = {
  FST_REQ_FILE_TOO_LARGE: { status: 413, message: 'The file is larger than this server accepts', param: 'file', code: 'audio_too_large' },
  FST_FILES_LIMIT: { status: 400, message: 'Send exactly one file, in the `file` field.', param: 'file', code: 'invalid_request' },
  FST_FIELDS_LIMIT: { status: 413, message: 'The form has too many fields.', code: 'invalid_request' },
  FST_PARTS_LIMIT: { status: 413, message: 'The form has too many parts.', code: 'invalid_request' },
  FST_PROTO_VIOLATION: { status: 400, message: 'A form field has a reserved name.', code: 'invalid_request' },
  FST_MP_PREMATURE_CLOSE: { status: 400, message: 'The request ended before the form was complete.', code: 'invalid_request' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, message: 'Unsupported content-type; send the audio as multipart/form-data.', code: 'invalid_request' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, message: 'The request body is larger than this server accepts.', code: 'audio_too_large' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, message: 'The request body is not valid JSON.', code: 'invalid_request' },
};

/** Any error thrown on a /v1 route → HTTP status and OpenAI's error body. */
export function toOpenAiError(error: unknown, limits: { maxUploadBytes?: number } = {}): { status: number; body: OpenAiErrorBody } {
  const body = (status: number, message: string, param: string | null, code: string | null) => ({
    status,
    body: { error: { message, type: typeFor(status), param, code } },
  });
  if (isEarshotError(error)) {
    const param = error instanceof ParamError ? error.param : null;
    const code = (error instanceof ParamError ? error.openaiCode : undefined) ?? OPENAI_CODES[error.code] ?? error.code;
    return body(error.status, error.message, param, code);
  }
  const fastifyError = error as Partial<FastifyError>;
  const known = fastifyError.code ? FRAMEWORK_ERRORS[fastifyError.code] : undefined;
  if (known) {
    let message = known.message;
    if (fastifyError.code === 'FST_REQ_FILE_TOO_LARGE') {
      const limit = limits.maxUploadBytes;
      message += limit ? ` (${limit} bytes; the operator sets it with --max-upload-bytes or EARSHOT_MAX_UPLOAD_BYTES).` : '.';
    }
    return body(known.status, message, known.param ?? null, known.code ?? null);
  }
  const status = typeof fastifyError.statusCode === 'number' ? fastifyError.statusCode : 500;
  if (status >= 400 && status < 500) return body(status, fastifyError.message ?? 'Bad request', null, fastifyError.code ?? null);
  return body(status >= 500 && status < 600 ? status : 500, 'Internal server error; the server log has the details.', null, 'internal');
}

/**
 * Every failure under /v1 leaves in OpenAI's shape, not AssemblyAI's `{ error: "…" }`: the
 * `openai` SDK reads `error.message` and friends from an object. Client mistakes are logged at
 * info, server faults at error, as the /v2 handler does.
 */
export function installOpenAiErrorHandler(app: FastifyInstance, limits: { maxUploadBytes?: number }): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const { status, body } = toOpenAiError(error, limits);
    if (isEarshotError(error) && error.retryAfterSeconds !== undefined) request.log.warn({ status, code: body.error.code }, body.error.message);
    else if (status >= 500) request.log.error({ err: error }, `${request.method} ${request.routeOptions.url ?? request.url} failed`);
    else request.log.info({ status, code: body.error.code }, body.error.message);
    if (isEarshotError(error) && error.retryAfterSeconds !== undefined) void reply.header('retry-after', String(error.retryAfterSeconds));
    void reply.code(status).type('application/json; charset=utf-8').send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    const message = `Not found: ${request.method} ${request.url.split('?')[0]}. This server implements POST /v1/audio/transcriptions, GET /v1/models and GET /v1/models/{model}.`;
    void reply.code(404).send({ error: { message, type: 'invalid_request_error', param: null, code: 'not_found' } } satisfies OpenAiErrorBody);
  });
}
