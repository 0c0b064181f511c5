/**
 * The OpenAI Realtime API's transcription events as Earshot speaks them (issue 14 item 5), with
 * the field names of the `openai` SDK's types (resources/realtime/realtime.d.ts): what the server
 * sends, and the `error` event's shape and codes. Only the transcription subset: a conversation
 * session (responses, conversation items, audio output) is refused.
 */
import { randomBytes } from 'node:crypto';

/** `include` value that adds word-level log probabilities to deltas and completions. */
export const INCLUDE_LOGPROBS = 'item.input_audio_transcription.logprobs';

/** LogProbProperties: one token (here: one word, with its leading space) and its log probability. */
export interface LogProb {
  token: string;
  bytes: number[];
  logprob: number;
}

export interface ErrorBody {
  /** `invalid_request_error` for the client's mistakes, `server_error` for ours. */
  type: 'invalid_request_error' | 'server_error';
  code: string | null;
  message: string;
  param: string | null;
  /** The client event that caused it, when it had an `event_id`. */
  event_id: string | null;
}

/** Server events; `event_id` is added when sent. */
export type ServerEvent =
  | { type: 'session.created' | 'session.updated' | 'transcription_session.updated'; session: object }
  | { type: 'input_audio_buffer.speech_started'; audio_start_ms: number; item_id: string }
  | { type: 'input_audio_buffer.speech_stopped'; audio_end_ms: number; item_id: string }
  | { type: 'input_audio_buffer.committed'; item_id: string; previous_item_id: string | null }
  | { type: 'input_audio_buffer.cleared' }
  | { type: 'conversation.item.input_audio_transcription.delta'; item_id: string; content_index: number; delta: string; logprobs?: LogProb[] }
  | {
      type: 'conversation.item.input_audio_transcription.completed';
      item_id: string;
      content_index: number;
      transcript: string;
      usage: { type: 'duration'; seconds: number };
      logprobs?: LogProb[];
    }
  | { type: 'error'; error: ErrorBody };

/** A client event the session answers with an `error` event and goes on (OpenAI: most errors are recoverable). */
export class RealtimeEventError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly param: string | null = null,
    readonly type: ErrorBody['type'] = 'invalid_request_error',
  ) {
    super(message);
  }

  body(eventId: string | null): ErrorBody {
    return { type: this.type, code: this.code, message: this.message, param: this.param, event_id: eventId };
  }
}

export function newId(prefix: 'event' | 'item' | 'sess'): string {
  return `${prefix}_${randomBytes(11).toString('base64url').replace(/[-_]/g, 'x')}`;
}

/** A word and its engine confidence as LogProbProperties (natural log, floored so it stays finite). */
export function logProbOf(text: string, confidence: number, first: boolean): LogProb {
  const token = first ? text : ` ${text}`;
  return { token, bytes: [...Buffer.from(token, 'utf8')], logprob: Math.round(Math.log(Math.max(confidence, 1e-6)) * 1e4) / 1e4 };
}
