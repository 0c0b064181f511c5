import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isEarshotError } from '../errors.js';

/** A validation error as Ajv reports it through Fastify. */
interface AjvIssue {
  instancePath: string;
  keyword: string;
  message?: string;
  params?: Record<string, unknown>;
}

/**
 * Every failure leaves as AssemblyAI's `{ "error": "message" }` (the SDK throws `new
 * Error(json.error)`), with the status from src/errors.ts for coded errors and from Fastify for its
 * own (validation and bad JSON 400, body too large 413, wrong media type 415). Client mistakes are
 * logged at info, server faults at error (after Fastify's lib/errors.js habit).
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const { status, message } = describe(error);
    // A full budget is the server protecting itself, not a fault: no stack in the log.
    if (isEarshotError(error) && error.retryAfterSeconds !== undefined) request.log.warn({ status, code: error.code }, message);
    else if (status >= 500) request.log.error({ err: error }, `${request.method} ${request.routeOptions.url ?? request.url} failed`);
    else request.log.info({ status, code: error.code }, message);
    if (isEarshotError(error) && error.retryAfterSeconds !== undefined) void reply.header('retry-after', String(error.retryAfterSeconds));
    void reply.code(status).type('application/json; charset=utf-8').send({ error: message });
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({ error: `Not found: ${request.method} ${request.url.split('?')[0]}` });
  });
}

function describe(error: FastifyError): { status: number; message: string } {
  if (isEarshotError(error)) return { status: error.status, message: error.message };
  const validation = (error as FastifyError & { validation?: AjvIssue[]; validationContext?: string }).validation;
  if (validation && validation.length > 0) {
    const context = (error as { validationContext?: string }).validationContext ?? 'request';
    return { status: 400, message: validationMessage(validation, context) };
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, message: 'The request body is larger than this server accepts (see --max-upload-bytes).' };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, message: `Unsupported content-type; this endpoint takes application/json.` };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, message: 'The request body is empty; send a JSON object.' };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { status: 400, message: 'The request body is not valid JSON.' };
  }
  const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
  if (status >= 400 && status < 500) return { status, message: error.message };
  return { status: status >= 500 && status < 600 ? status : 500, message: 'Internal server error; the server log has the details.' };
}

/** Names the offending field, e.g. "Invalid body: audio_start_from must be integer". */
export function validationMessage(issues: AjvIssue[], context: string): string {
  // A nullable option fails both branches of its union; the first branch says what was wanted.
  const issue = issues.find((i) => i.keyword !== 'anyOf' && !(i.keyword === 'type' && i.params?.type === 'null')) ?? issues[0];
  const where = context === 'querystring' ? 'query parameter' : context === 'params' ? 'path parameter' : 'field';
  const path = issue.instancePath.replace(/^\//, '').replace(/\//g, '.');
  if (issue.keyword === 'required') {
    const missing = String(issue.params?.missingProperty ?? '');
    return `Invalid request: ${where} ${path ? `${path}.` : ''}${missing} is required`;
  }
  if (issue.keyword === 'additionalProperties') {
    const extra = String(issue.params?.additionalProperty ?? '');
    return `Invalid request: unknown ${where} ${path ? `${path}.` : ''}${extra}`;
  }
  return `Invalid request: ${where} ${path || context} ${issue.message ?? 'is invalid'}`;
}
