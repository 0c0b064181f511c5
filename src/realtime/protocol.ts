/**
 * AssemblyAI's v3 streaming protocol as Earshot speaks it (issue 5; ../shared/api-notes.md):
 * the messages both ways, with the exact field names of the `assemblyai` SDK's types
 * (dist/types/streaming/index.d.ts), and the validation of the connection's query options and of
 * the client's text frames. Anything malformed, unknown or unsupported is a coded error that
 * closes the socket with the SDK's close code (close-codes.ts), never a silent ignore.
 */
import { EarshotError } from '../errors.js';
import { checkTerms, REQUEST_RULES } from '../api/request-rules.js';

// ---- server → client -------------------------------------------------------------------------

export interface BeginMessage {
  type: 'Begin';
  id: string;
  /** Unix seconds when the session reaches its maximum duration. */
  expires_at: number;
}

export interface StreamWord {
  start: number;
  end: number;
  text: string;
  confidence: number;
  /** True once the word can no longer change within this turn. */
  word_is_final: boolean;
  speaker?: string;
}

/**
 * On a Turn message: the JSON of its first `count` words, made once when they became final, which
 * serialiseServerMessage reuses (a symbol, so JSON.stringify and the SDKs never see it).
 */
export const WORDS_JSON = Symbol('earshot.wordsJson');

export interface TurnMessage {
  [WORDS_JSON]?: { count: number; json: string };
  type: 'Turn';
  turn_order: number;
  turn_is_formatted: boolean;
  end_of_turn: boolean;
  end_of_turn_confidence: number;
  /** The turn's words so far, joined (partials) or the whole turn (finals). */
  transcript: string;
  words: StreamWord[];
  /** Text finalised at a pause within the turn, on the message that follows the pause; else "". */
  utterance: string;
  speaker_label?: string;
}

export interface TerminationMessage {
  type: 'Termination';
  audio_duration_seconds: number;
  session_duration_seconds: number;
}

export interface WarningMessage {
  type: 'Warning';
  warning_code: number;
  warning: string;
}

export type ServerMessage = BeginMessage | TurnMessage | TerminationMessage | WarningMessage;

/** `Warning.warning_code` for an UpdateConfiguration field the server cannot apply mid-session. */
export const WARNING_NOT_APPLIED = 1;

// ---- settings ----------------------------------------------------------------------------------

/** What a session's turn detection reads; UpdateConfiguration may change any of it mid-stream. */
export interface TurnSettings {
  /** `end_of_turn_confidence_threshold`: 0..1. */
  endOfTurnConfidenceThreshold: number;
  /** `min_turn_silence` (formerly `min_end_of_turn_silence_when_confident`), ms. */
  minTurnSilenceMs: number;
  /** `max_turn_silence`, ms: a turn ends after this much silence whatever the confidence. */
  maxTurnSilenceMs: number;
  /** `vad_threshold`: speech probability at which a frame counts as speech. */
  vadThreshold: number;
  /** `format_turns`: also send each final turn punctuated and cased. */
  formatTurns: boolean;
  /** `include_partial_turns` (default true). */
  partialTurns: boolean;
}

/** AssemblyAI's "balanced" defaults for Universal-Streaming. */
export const DEFAULT_TURN_SETTINGS: TurnSettings = {
  endOfTurnConfidenceThreshold: 0.4,
  minTurnSilenceMs: 400,
  maxTurnSilenceMs: 1280,
  vadThreshold: 0.5,
  formatTurns: false,
  partialTurns: true,
};

export type StreamEncoding = 'pcm_s16le' | 'pcm_mulaw';

export interface StreamOptions extends TurnSettings {
  sampleRate: number;
  encoding: StreamEncoding;
  /** `keyterms_prompt`, passed to the engine as its vocabulary. */
  keyterms: string[];
  /** `inactivity_timeout`, converted to ms; undefined: the server's default. */
  inactivityTimeoutMs?: number;
  speakerLabels: boolean;
  maxSpeakers?: number;
  /** `token`: a temporary token instead of the authorization header. */
  token?: string;
}

/** Sample rates the resampler takes (audio-input.ts); 16000 needs no resampling. */
export const MIN_SAMPLE_RATE = 8000;
export const MAX_SAMPLE_RATE = 48000;
const MAX_SILENCE_MS = 10_000;

/**
 * Options the SDK may send that change nothing when off: accepted as `false`, refused when on,
 * since this server cannot honour them (e.g. `redact_pii`, `filter_profanity`).
 */
const OFF_ONLY = new Set([
  'filter_profanity', 'session_heartbeat', 'acknowledge_silence', 'language_detection', 'redact_pii',
  'continuous_partials', '_customer_support_audio_capture',
]);

/**
 * Parses the query string of `GET /v3/ws`. `speechModels` are the `speech_model` values this
 * server answers to. Throws `stream_bad_sample_rate` or `stream_bad_message`.
 */
export function parseStreamOptions(query: URLSearchParams, speechModels: readonly string[]): StreamOptions {
  const seen = new Set<string>();
  for (const name of query.keys()) {
    if (seen.has(name)) throw badMessage(`The query option "${name}" is given more than once.`);
    seen.add(name);
  }
  const get = (name: string): string | undefined => query.get(name) ?? undefined;

  const rateText = get('sample_rate');
  if (rateText === undefined) throw badRate('sample_rate is required (16000 recommended; 8000–48000 Hz are resampled).');
  const sampleRate = Number(rateText);
  if (!/^\d+$/.test(rateText) || sampleRate < MIN_SAMPLE_RATE || sampleRate > MAX_SAMPLE_RATE) {
    throw badRate(`sample_rate ${JSON.stringify(rateText)} is not supported: use a whole number of Hz from ${MIN_SAMPLE_RATE} to ${MAX_SAMPLE_RATE} (16000 is native).`);
  }

  const encoding = get('encoding') ?? 'pcm_s16le';
  if (encoding !== 'pcm_s16le' && encoding !== 'pcm_mulaw') {
    throw badMessage(`encoding "${encoding}" is not supported: use pcm_s16le or pcm_mulaw.`);
  }

  const model = get('speech_model');
  if (model !== undefined && !speechModels.includes(model)) {
    throw badMessage(`speech_model "${model}" is not available here; use one of: ${speechModels.join(', ')}.`);
  }
  const language = get('language_code');
  if (language !== undefined && !/^en(_|-|$)/i.test(language)) {
    throw badMessage(`language_code "${language}" is not supported: streaming is English only.`);
  }

  const settings = applySettings(DEFAULT_TURN_SETTINGS, {
    end_of_turn_confidence_threshold: get('end_of_turn_confidence_threshold'),
    min_turn_silence: get('min_turn_silence') ?? get('min_end_of_turn_silence_when_confident'),
    max_turn_silence: get('max_turn_silence'),
    vad_threshold: get('vad_threshold'),
    format_turns: get('format_turns'),
    include_partial_turns: get('include_partial_turns'),
  });

  const options: StreamOptions = {
    ...settings,
    sampleRate,
    encoding,
    keyterms: get('keyterms_prompt') === undefined ? [] : parseKeyterms(parseJson(get('keyterms_prompt')!, 'keyterms_prompt')),
    speakerLabels: get('speaker_labels') === undefined ? false : toBoolean(get('speaker_labels')!, 'speaker_labels'),
  };
  const inactivity = get('inactivity_timeout');
  if (inactivity !== undefined) options.inactivityTimeoutMs = integerIn(inactivity, 'inactivity_timeout', 5, 3600) * 1000;
  const maxSpeakers = get('max_speakers');
  if (maxSpeakers !== undefined) options.maxSpeakers = integerIn(maxSpeakers, 'max_speakers', 1, 26);
  const token = get('token');
  if (token !== undefined) options.token = token;

  const handled = new Set([
    'sample_rate', 'encoding', 'speech_model', 'language_code', 'end_of_turn_confidence_threshold', 'min_turn_silence',
    'min_end_of_turn_silence_when_confident', 'max_turn_silence', 'vad_threshold', 'format_turns', 'include_partial_turns',
    'keyterms_prompt', 'speaker_labels', 'inactivity_timeout', 'max_speakers', 'token',
  ]);
  for (const name of seen) {
    if (handled.has(name)) continue;
    if (OFF_ONLY.has(name) && toBoolean(get(name)!, name) === false) continue;
    throw badMessage(OFF_ONLY.has(name) ? `${name}=true is not supported by this server.` : `Unknown or unsupported query option "${name}".`);
  }
  return options;
}

// ---- client → server -------------------------------------------------------------------------

export type ClientMessage =
  | { type: 'Terminate' }
  | { type: 'ForceEndpoint' }
  | { type: 'KeepAlive' }
  | {
      type: 'UpdateConfiguration';
      /** The updatable fields under their query-option names, validated; apply with applySettings(). */
      settings: Record<string, string>;
      /** Fields this server cannot change mid-session, answered with a Warning. */
      notApplied: string[];
    };

/** Fields of UpdateConfiguration that apply mid-session (the rest are answered with a Warning). */
const UPDATABLE = new Set(['end_of_turn_confidence_threshold', 'min_turn_silence', 'min_end_of_turn_silence_when_confident', 'max_turn_silence', 'vad_threshold', 'format_turns']);

/** Parses a text frame. Throws `stream_bad_message` for anything but the known messages. */
export function parseClientMessage(text: string): ClientMessage {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw badMessage('Text frames must be JSON messages (Terminate, ForceEndpoint, UpdateConfiguration, KeepAlive); send audio as binary frames.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badMessage('A text frame must be a JSON object with a "type".');
  const message = value as Record<string, unknown>;
  switch (message.type) {
    case 'Terminate':
    case 'ForceEndpoint':
    case 'KeepAlive':
      return { type: message.type };
    case 'UpdateConfiguration': {
      const raw: Record<string, string> = {};
      const notApplied: string[] = [];
      for (const [key, v] of Object.entries(message)) {
        if (key === 'type') continue;
        if (!UPDATABLE.has(key)) {
          notApplied.push(key);
          continue;
        }
        if (typeof v !== (key === 'format_turns' ? 'boolean' : 'number')) throw badMessage(`UpdateConfiguration.${key} must be a ${key === 'format_turns' ? 'boolean' : 'number'}.`);
        // The deprecated name counts only when the new one is absent, as in the SDK.
        if (key === 'min_end_of_turn_silence_when_confident' && 'min_turn_silence' in message) continue;
        raw[key === 'min_end_of_turn_silence_when_confident' ? 'min_turn_silence' : key] = String(v);
      }
      parseSettingsPatch(raw);
      return { type: 'UpdateConfiguration', settings: raw, notApplied };
    }
    default:
      throw badMessage(`Unknown message type ${JSON.stringify(message.type ?? null)}: expected Terminate, ForceEndpoint, UpdateConfiguration or KeepAlive.`);
  }
}

/** Applies a validated patch, checking the silences still make sense together. */
export function applySettings(base: TurnSettings, raw: Record<string, string | undefined>): TurnSettings {
  const next = { ...base, ...parseSettingsPatch(raw) };
  if (next.maxTurnSilenceMs < next.minTurnSilenceMs) {
    throw badMessage(`max_turn_silence (${next.maxTurnSilenceMs} ms) must be at least min_turn_silence (${next.minTurnSilenceMs} ms).`);
  }
  return next;
}

function parseSettingsPatch(raw: Record<string, string | undefined>): Partial<TurnSettings> {
  const patch: Partial<TurnSettings> = {};
  const { end_of_turn_confidence_threshold: eot, min_turn_silence: min, max_turn_silence: max, vad_threshold: vad } = raw;
  if (eot !== undefined) patch.endOfTurnConfidenceThreshold = numberIn(eot, 'end_of_turn_confidence_threshold', 0, 1);
  if (min !== undefined) patch.minTurnSilenceMs = integerIn(min, 'min_turn_silence', 0, MAX_SILENCE_MS);
  if (max !== undefined) patch.maxTurnSilenceMs = integerIn(max, 'max_turn_silence', 0, MAX_SILENCE_MS);
  if (vad !== undefined) patch.vadThreshold = numberIn(vad, 'vad_threshold', 0.01, 0.99);
  if (raw.format_turns !== undefined) patch.formatTurns = toBoolean(raw.format_turns, 'format_turns');
  if (raw.include_partial_turns !== undefined) patch.partialTurns = toBoolean(raw.include_partial_turns, 'include_partial_turns');
  return patch;
}

function parseKeyterms(value: unknown): string[] {
  if (!Array.isArray(value) || !value.every((t) => typeof t === 'string')) throw badMessage('keyterms_prompt must be a JSON array of strings.');
  const terms = value.map((t: string) => t.trim()).filter((t) => t !== '');
  try {
    checkTerms('keyterms_prompt', terms, REQUEST_RULES.streamTerms);
  } catch (err) {
    throw badMessage((err as Error).message);
  }
  return terms;
}

function parseJson(text: string, name: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw badMessage(`${name} must be JSON (a URL-encoded array of strings).`);
  }
}

function toBoolean(text: string, name: string): boolean {
  if (/^true$/i.test(text)) return true;
  if (/^false$/i.test(text)) return false;
  throw badMessage(`${name} must be true or false (got ${JSON.stringify(text)}).`);
}

function numberIn(text: string, name: string, min: number, max: number): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < min || value > max) throw badMessage(`${name} must be a number from ${min} to ${max} (got ${JSON.stringify(text)}).`);
  return value;
}

function integerIn(text: string, name: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || value < min || value > max) throw badMessage(`${name} must be a whole number from ${min} to ${max} (got ${JSON.stringify(text)}).`);
  return value;
}

function badMessage(message: string): EarshotError {
  return new EarshotError('stream_bad_message', message);
}

function badRate(message: string): EarshotError {
  return new EarshotError('stream_bad_sample_rate', message);
}

/**
 * JSON.stringify(message), reusing the JSON a Turn message carries for its leading words
 * (WORDS_JSON): the same text, without serialising a long turn's final words at every partial.
 */
export function serialiseServerMessage(message: ServerMessage): string {
  const prefix = message.type === 'Turn' ? message[WORDS_JSON] : undefined;
  if (message.type !== 'Turn' || !prefix || prefix.count === 0) return JSON.stringify(message);
  const head = JSON.stringify({ ...message, words: [] });
  // The key's own quotes are unescaped; inside a string value they would be \", so this is the key.
  const at = head.indexOf('"words":[]');
  const rest = message.words.length > prefix.count ? `,${JSON.stringify(message.words.slice(prefix.count)).slice(1, -1)}` : '';
  return `${head.slice(0, at)}"words":[${prefix.json}${rest}]${head.slice(at + '"words":[]'.length)}`;
}
