/**
 * Failures that end an OpenAI-protocol session, as OpenAI's clients read them: an `error` event
 * (type, code, message) and then a WebSocket close. The EarshotError registry (src/errors.ts) is
 * the one source of codes; this table only renames them into OpenAI's vocabulary and picks the
 * RFC 6455 close code, since the OpenAI SDK has no table of its own 4xxx codes.
 */
import { isEarshotError, type ErrorCode } from '../../errors.js';
import { closeReason, type CloseFrame } from '../close-codes.js';
import type { ErrorBody } from './events.js';

/** RFC 6455: policy violation (refused credentials), try again later (limits), internal error. */
export const CLOSE_POLICY = 1008;
export const CLOSE_TRY_LATER = 1013;
export const CLOSE_INTERNAL = 1011;

interface Row {
  type: ErrorBody['type'];
  code: string;
  close: number;
}

const ROWS: Partial<Record<ErrorCode, Row>> = {
  unauthorized: { type: 'invalid_request_error', code: 'invalid_api_key', close: CLOSE_POLICY },
  stream_too_many_sessions: { type: 'invalid_request_error', code: 'session_limit_reached', close: CLOSE_TRY_LATER },
  stream_overloaded: { type: 'invalid_request_error', code: 'rate_limit_exceeded', close: CLOSE_TRY_LATER },
  stream_inactive: { type: 'invalid_request_error', code: 'session_inactive', close: CLOSE_POLICY },
  stream_expired: { type: 'invalid_request_error', code: 'session_expired', close: 1000 },
  stream_bad_message: { type: 'invalid_request_error', code: 'invalid_value', close: CLOSE_POLICY },
};

export function errorBodyFor(err: unknown): ErrorBody {
  if (isEarshotError(err)) {
    const row = ROWS[err.code];
    if (row) return { type: row.type, code: row.code, message: err.message, param: null, event_id: null };
    if (err.status < 500) return { type: 'invalid_request_error', code: err.code, message: err.message, param: null, event_id: null };
    return { type: 'server_error', code: null, message: err.message, param: null, event_id: null };
  }
  return { type: 'server_error', code: null, message: 'The server had an error while processing the session.', param: null, event_id: null };
}

export function closeFor(err: unknown): CloseFrame {
  if (isEarshotError(err)) {
    const close = ROWS[err.code]?.close ?? (err.status < 500 ? CLOSE_POLICY : CLOSE_INTERNAL);
    return { code: close, reason: closeReason(err.message) };
  }
  return { code: CLOSE_INTERNAL, reason: 'Internal server error' };
}
