/**
 * One registry of coded errors shared by the CLI, the HTTP API and the WebSocket server.
 * Each code carries its HTTP status and WebSocket close code so every surface reports the
 * same failure the same way (see ../shared/style.md, after Fastify's lib/errors.js).
 */
export interface ErrorSpec {
  /** HTTP status used by the API. */
  status: number;
  /** WebSocket close code used by the real-time server (4xxx). */
  closeCode: number;
  /** Whether retrying the same input can succeed (bad input is never retried). */
  retryable: boolean;
  /** What the code means, for docs and the test that checks every code is documented. */
  description: string;
}

export const ERRORS = {
  // audio input
  audio_empty: { status: 400, closeCode: 4400, retryable: false, description: 'The audio input has no bytes or no samples.' },
  audio_corrupt: { status: 400, closeCode: 4400, retryable: false, description: 'The audio could not be decoded: truncated or corrupt data.' },
  audio_unsupported: { status: 400, closeCode: 4400, retryable: false, description: 'The input is not a recognised audio or video format, or has no audio track.' },
  audio_too_large: { status: 413, closeCode: 4413, retryable: false, description: 'The audio is larger than the configured limit.' },
  audio_too_long: { status: 413, closeCode: 4413, retryable: false, description: 'The audio decodes to more than the longest duration the server takes (EARSHOT_MAX_AUDIO_SECONDS).' },
  audio_too_little_speech: { status: 400, closeCode: 4400, retryable: false, description: 'Less of the audio is speech than the request\'s speech_threshold asks for.' },
  language_confidence_low: { status: 400, closeCode: 4400, retryable: false, description: 'Language detection was less confident than the request\'s language_confidence_threshold, or found a language outside expected_languages.' },
  ffmpeg_missing: { status: 500, closeCode: 1011, retryable: false, description: 'ffmpeg is not installed; run scripts/setup.sh or `apt-get install ffmpeg`.' },
  // remote sources
  remote_fetch_failed: { status: 400, closeCode: 4400, retryable: true, description: 'The remote audio URL could not be fetched (HTTP error or network failure).' },
  remote_timeout: { status: 400, closeCode: 4400, retryable: true, description: 'Fetching the remote audio URL took longer than the time limit.' },
  remote_forbidden: { status: 400, closeCode: 4400, retryable: false, description: 'The URL is not allowed: not http(s), or it points at a loopback or private network.' },
  // engines and models
  engine_unknown: { status: 400, closeCode: 4400, retryable: false, description: 'No speech engine has that name.' },
  engine_not_ready: { status: 400, closeCode: 1011, retryable: false, description: 'The engine cannot run here: a library or model file is missing.' },
  engine_failed: { status: 500, closeCode: 1011, retryable: true, description: 'The speech engine failed while decoding.' },
  model_unknown: { status: 400, closeCode: 4400, retryable: false, description: 'No model has that name.' },
  model_download_failed: { status: 502, closeCode: 1011, retryable: true, description: 'A model download failed or its checksum did not match.' },
  model_not_installed: { status: 400, closeCode: 4400, retryable: false, description: 'The model is known but not installed here; `earshot models pull <name>` (or its Debian package) installs it.' },
  vad_not_ready: { status: 500, closeCode: 1011, retryable: false, description: 'Voice activity detection cannot run: the Silero VAD weights or onnxruntime-node are missing.' },
  vad_failed: { status: 500, closeCode: 1011, retryable: true, description: 'The voice activity detector failed while scoring audio frames.' },
  // request input
  invalid_request: { status: 400, closeCode: 4400, retryable: false, description: 'The request is malformed or has invalid values.' },
  unsupported_option: { status: 400, closeCode: 4400, retryable: false, description: 'The request asks for an option this server does not support.' },
  unauthorized: { status: 401, closeCode: 4001, retryable: false, description: 'Missing or invalid API key.' },
  forbidden: { status: 403, closeCode: 4001, retryable: false, description: 'The API key is valid but may not use this endpoint: admin endpoints take only the keys listed in EARSHOT_ADMIN_KEYS.' },
  not_found: { status: 404, closeCode: 4404, retryable: false, description: 'The resource does not exist or belongs to another project.' },
  quota_exceeded: { status: 429, closeCode: 4029, retryable: true, description: 'The project is at one of its quotas (queued or processing transcripts, uploaded bytes held, concurrent /v1 requests; docs/limits.md); retry after `retry-after` seconds.' },
  rate_limited: { status: 429, closeCode: 4029, retryable: true, description: 'The project sent more requests this minute than EARSHOT_QUOTA_REQUESTS_PER_MINUTE allows; retry after `retry-after` seconds.' },
  job_deadline_exceeded: { status: 504, closeCode: 1011, retryable: true, description: 'A transcript job ran past its deadline (EARSHOT_JOB_SECONDS_PER_AUDIO_SECOND times its audio length, plus EARSHOT_JOB_MIN_SECONDS).' },
  memory_budget_full: { status: 503, closeCode: 1013, retryable: true, description: 'Uploads and downloads in flight already hold the memory the server gives them (EARSHOT_MAX_UPLOAD_MEMORY_BYTES); retry after the retry-after header\'s seconds.' },
  internal: { status: 500, closeCode: 1011, retryable: true, description: 'An unexpected server error.' },
  // persistence and encryption at rest
  transcript_in_progress: { status: 400, closeCode: 4400, retryable: false, description: 'The transcript is still queued or processing; it can be deleted once it is completed or errored.' },
  config_invalid: { status: 500, closeCode: 1011, retryable: false, description: 'The server configuration is invalid (store URL, EARSHOT_ENCRYPTION_KEYS, keys.json).' },
  queue_unavailable: { status: 503, closeCode: 1011, retryable: true, description: 'Redis (the job queue and upload store of `earshot api` and `earshot worker`) could not be reached in time.' },
  store_unavailable: { status: 503, closeCode: 1011, retryable: true, description: 'The database could not be reached, opened or migrated.' },
  encryption_key_missing: { status: 500, closeCode: 1011, retryable: false, description: 'A stored value was encrypted with a key id that is not in the keyring; add that key back to EARSHOT_ENCRYPTION_KEYS or keys.json.' },
  decryption_failed: { status: 500, closeCode: 1011, retryable: false, description: 'A stored encrypted value failed authentication: it was altered, moved from another row or column, or is corrupt.' },
  // audio intelligence
  speaker_model_invalid: { status: 400, closeCode: 4400, retryable: false, description: 'The speaker-embedding model (--speaker-model) is missing, is not an ONNX model, or its inputs and outputs are not the documented ones.' },
  speaker_model_failed: { status: 500, closeCode: 1011, retryable: true, description: 'The speaker-embedding model failed while embedding audio.' },
  voice_too_short: { status: 400, closeCode: 4400, retryable: false, description: 'A voice enrolment (POST /v2/voices) has too little of the speaker\'s speech to describe the voice.' },
  redacted_audio_failed: { status: 500, closeCode: 1011, retryable: true, description: 'The redacted copy of the audio could not be encoded (ffmpeg failed).' },
  llm_failed: { status: 502, closeCode: 1011, retryable: true, description: 'The LLM endpoint (EARSHOT_LLM_BASE_URL) failed, timed out or gave a malformed answer; summaries and chapters fall back to the offline method.' },
  // real-time streaming (issue 5): close codes mirror the assemblyai SDK's StreamingErrorType table
  stream_bad_sample_rate: { status: 400, closeCode: 4000, retryable: false, description: 'The streaming sample_rate is missing, not a whole number, or outside what the server resamples (8000–48000 Hz).' },
  stream_bad_message: { status: 400, closeCode: 4101, retryable: false, description: 'A streaming query option or text message is malformed, unknown or unsupported (the SDK calls it "Bad schema").' },
  stream_too_many_sessions: { status: 429, closeCode: 4102, retryable: true, description: 'The key or the whole server already runs its maximum number of concurrent streaming sessions.' },
  stream_overloaded: { status: 429, closeCode: 4029, retryable: true, description: 'The client sent audio faster than the server transcribes it, past the bounded buffer.' },
  stream_inactive: { status: 408, closeCode: 4031, retryable: true, description: 'A streaming session received no audio or message for its inactivity timeout.' },
  stream_expired: { status: 400, closeCode: 4008, retryable: true, description: 'A streaming session reached its maximum duration (server setting or the token\'s max_session_duration_seconds).' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

export class EarshotError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly closeCode: number;
  readonly retryable: boolean;
  /** Sent as `retry-after` on HTTP answers: when trying again is likely to succeed. */
  readonly retryAfterSeconds?: number;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; retryAfterSeconds?: number }) {
    super(message, options);
    if (options?.retryAfterSeconds !== undefined) this.retryAfterSeconds = Math.max(1, Math.ceil(options.retryAfterSeconds));
    this.name = 'EarshotError';
    this.code = code;
    const spec: ErrorSpec = ERRORS[code];
    this.status = spec.status;
    this.closeCode = spec.closeCode;
    this.retryable = spec.retryable;
  }
}

export function isEarshotError(err: unknown, code?: ErrorCode): err is EarshotError {
  return err instanceof EarshotError && (code === undefined || err.code === code);
}
