/**
 * Every WebSocket close code the real-time server sends, in one table: the mirror image of the
 * `assemblyai` SDK's streaming table (src/utils/errors/streaming.ts there, `StreamingErrorType`),
 * so the SDK's `close` listener and its retry rules read our codes as they read AssemblyAI's.
 * Failures are EarshotErrors (src/errors.ts); their `closeCode` picks the row.
 */
import { EarshotError, isEarshotError, type ErrorCode } from '../errors.js';

export interface CloseCodeRow {
  code: number;
  /** The SDK's name for the code (`StreamingErrorType`), or the RFC 6455 name. */
  name: string;
  /** The EarshotError codes that close with it; empty for codes sent without an error. */
  errors: readonly ErrorCode[];
  /** Whether the SDK retries a connection that closes with it before `Begin`. */
  sdkRetries: boolean;
}

export const CLOSE_NORMAL = 1000;
export const CLOSE_GOING_AWAY = 1001;
export const CLOSE_SERVER_ERROR = 1011;
const BAD_SCHEMA = 4101;

export const CLOSE_CODES: readonly CloseCodeRow[] = [
  { code: CLOSE_NORMAL, name: 'Normal closure (after Termination)', errors: [], sdkRetries: false },
  { code: CLOSE_GOING_AWAY, name: 'Going away (server shutting down)', errors: [], sdkRetries: true },
  { code: CLOSE_SERVER_ERROR, name: 'Internal error', errors: ['internal', 'engine_failed', 'engine_not_ready', 'vad_failed', 'vad_not_ready'], sdkRetries: true },
  { code: 4000, name: 'BadSampleRate', errors: ['stream_bad_sample_rate'], sdkRetries: false },
  { code: 4001, name: 'AuthFailed', errors: ['unauthorized'], sdkRetries: false },
  { code: 4008, name: 'SessionExpired', errors: ['stream_expired'], sdkRetries: true },
  { code: 4029, name: 'RateLimited', errors: ['stream_overloaded'], sdkRetries: true },
  { code: 4031, name: 'SessionTimeout', errors: ['stream_inactive'], sdkRetries: true },
  { code: 4101, name: 'BadSchema', errors: ['stream_bad_message'], sdkRetries: false },
  { code: 4102, name: 'TooManyStreams', errors: ['stream_too_many_sessions'], sdkRetries: true },
];

/** RFC 6455 caps a close frame's reason at 123 bytes of UTF-8. */
export const MAX_REASON_BYTES = 123;

export interface CloseFrame {
  code: number;
  reason: string;
}

/**
 * The close frame for a failure: its coded close code and message. Codes the SDK has no name for
 * (the registry's generic 4400 for bad input) become BadSchema, which the SDK does not retry;
 * anything that is not an EarshotError is 1011 without details.
 */
export function closeFrameFor(err: unknown): CloseFrame {
  if (isEarshotError(err)) {
    const known = CLOSE_CODES.some((row) => row.code === err.closeCode);
    const code = known ? err.closeCode : err.status < 500 ? BAD_SCHEMA : CLOSE_SERVER_ERROR;
    return { code, reason: closeReason(err.message) };
  }
  return { code: CLOSE_SERVER_ERROR, reason: 'Internal server error' };
}

/** Cuts a message to what a close frame can carry, on a character boundary, marking the cut. */
export function closeReason(text: string): string {
  if (Buffer.byteLength(text) <= MAX_REASON_BYTES) return text;
  let out = '';
  for (const ch of text) {
    if (Buffer.byteLength(out + ch) > MAX_REASON_BYTES - 3) break;
    out += ch;
  }
  return `${out}...`;
}

/** Shorthand for the coded errors sessions raise. */
export function streamError(code: ErrorCode, message: string): EarshotError {
  return new EarshotError(code, message);
}
