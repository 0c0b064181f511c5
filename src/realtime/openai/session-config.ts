/**
 * A transcription session's configuration: parsed from `session.update` (the GA shape,
 * `{ type: "transcription", audio: { input: { format, transcription, turn_detection,
 * noise_reduction } }, include }`) or the older `transcription_session.update`
 * (`input_audio_format`, `input_audio_transcription`, `turn_detection`, …), rendered back in the
 * shape it came in, and mapped onto the v3 core's turn settings. Only the fields present in an
 * update change (OpenAI's rule); anything unknown or that this server cannot honour is a
 * RealtimeEventError naming the parameter, never a silent ignore.
 */
import { DEFAULT_TURN_SETTINGS, type TurnSettings } from '../protocol.js';
import { INCLUDE_LOGPROBS, RealtimeEventError } from './events.js';

export type AudioFormat = 'audio/pcm' | 'audio/pcmu' | 'audio/pcma';

export interface ServerVad {
  type: 'server_vad';
  threshold: number;
  prefix_padding_ms: number;
  silence_duration_ms: number;
}

export type TurnDetection = ServerVad | { type: 'semantic_vad'; eagerness: 'low' | 'medium' | 'high' | 'auto' };

export interface TranscriptionConfig {
  format: AudioFormat;
  model: string;
  language: string | null;
  turnDetection: TurnDetection | null;
  logprobs: boolean;
}

export type ConfigShape = 'ga' | 'beta';

/** OpenAI's defaults for a transcription session's server VAD. */
export const DEFAULT_SERVER_VAD: ServerVad = { type: 'server_vad', threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 500 };

/** Transcription model names OpenAI clients send; each selects this server's engine. */
export const OPENAI_TRANSCRIPTION_MODELS = ['whisper-1', 'gpt-4o-transcribe', 'gpt-4o-mini-transcribe', 'gpt-4o-mini-transcribe-2025-12-15', 'gpt-4o-transcribe-diarize', 'gpt-realtime-whisper'];

/** Semantic VAD's eagerness → the longest pause before the turn ends regardless (OpenAI: 8 s, 4 s, 2 s). */
const EAGERNESS_MAX_MS = { low: 8000, medium: 4000, auto: 4000, high: 2000 } as const;
const MAX_MS = 10_000;
const BETA_FORMATS: Record<string, AudioFormat> = { pcm16: 'audio/pcm', g711_ulaw: 'audio/pcmu', g711_alaw: 'audio/pcma' };

export function defaultConfig(engineName: string): TranscriptionConfig {
  return { format: 'audio/pcm', model: engineName, language: null, turnDetection: DEFAULT_SERVER_VAD, logprobs: false };
}

/** Input sample rate of a format: pcm is 24 kHz only, G.711 is 8 kHz. */
export function sampleRateOf(format: AudioFormat): number {
  return format === 'audio/pcm' ? 24000 : 8000;
}

/** The v3 core's turn settings for this configuration. */
export function turnSettingsOf(config: TranscriptionConfig): TurnSettings {
  const base: TurnSettings = { ...DEFAULT_TURN_SETTINGS, formatTurns: true, partialTurns: true };
  const td = config.turnDetection;
  if (td === null) {
    // Manual commits: the VAD still finalises words at pauses, but only a commit ends the item.
    return { ...base, minTurnSilenceMs: Infinity, maxTurnSilenceMs: Infinity, endOfTurnConfidenceThreshold: 1 };
  }
  if (td.type === 'server_vad') {
    // A fixed silence ends the turn, whatever its last word.
    return { ...base, vadThreshold: td.threshold, minTurnSilenceMs: td.silence_duration_ms, maxTurnSilenceMs: td.silence_duration_ms, endOfTurnConfidenceThreshold: 0 };
  }
  // Semantic VAD is what v3's turn detector already does: end early when the last word ends a sentence.
  return { ...base, maxTurnSilenceMs: EAGERNESS_MAX_MS[td.eagerness] };
}

/** Applies a `session.update` (ga) or `transcription_session.update` (beta) body; throws RealtimeEventError. */
export function applySessionUpdate(current: TranscriptionConfig, session: unknown, shape: ConfigShape, models: readonly string[]): TranscriptionConfig {
  const next = { ...current };
  const s = object(session, 'session');
  if (shape === 'ga') {
    known(s, ['type', 'audio', 'include', 'object', 'id', 'expires_at'], 'session');
    if (s.type !== 'transcription') {
      throw new RealtimeEventError(
        s.type === undefined ? 'missing_required_parameter' : 'invalid_value',
        `session.type must be "transcription": this server transcribes only (no conversation sessions).`,
        'session.type',
      );
    }
    if (s.audio !== undefined) {
      const audio = object(s.audio, 'session.audio');
      known(audio, ['input'], 'session.audio');
      if (audio.input !== undefined) {
        const input = object(audio.input, 'session.audio.input');
        known(input, ['format', 'transcription', 'turn_detection', 'noise_reduction'], 'session.audio.input');
        if (input.format !== undefined) next.format = parseFormat(input.format);
        if (input.transcription !== undefined) Object.assign(next, parseTranscription(input.transcription, 'session.audio.input.transcription', models));
        if (input.turn_detection !== undefined) next.turnDetection = parseTurnDetection(input.turn_detection, 'session.audio.input.turn_detection', true);
        if (input.noise_reduction !== undefined) noNoiseReduction(input.noise_reduction, 'session.audio.input.noise_reduction');
      }
    }
  } else {
    known(s, ['input_audio_format', 'input_audio_transcription', 'turn_detection', 'input_audio_noise_reduction', 'include', 'modalities', 'client_secret'], 'session');
    if (s.input_audio_format !== undefined) {
      const format = typeof s.input_audio_format === 'string' ? BETA_FORMATS[s.input_audio_format] : undefined;
      if (!format) throw invalid('session.input_audio_format', `must be one of ${Object.keys(BETA_FORMATS).join(', ')}`);
      next.format = format;
    }
    if (s.input_audio_transcription !== undefined) Object.assign(next, parseTranscription(s.input_audio_transcription, 'session.input_audio_transcription', models));
    if (s.turn_detection !== undefined) next.turnDetection = parseTurnDetection(s.turn_detection, 'session.turn_detection', false);
    if (s.input_audio_noise_reduction !== undefined) noNoiseReduction(s.input_audio_noise_reduction, 'session.input_audio_noise_reduction');
    if (s.modalities !== undefined && !(Array.isArray(s.modalities) && s.modalities.every((m) => m === 'text'))) {
      throw invalid('session.modalities', 'may only be ["text"]: a transcription session has no audio output');
    }
  }
  if (s.include !== undefined) {
    if (!Array.isArray(s.include) || s.include.some((v) => v !== INCLUDE_LOGPROBS)) throw invalid('session.include', `may only contain "${INCLUDE_LOGPROBS}"`);
    next.logprobs = s.include.includes(INCLUDE_LOGPROBS);
  }
  return next;
}

/** The effective configuration in the shape the client used (session.created/updated, client secrets). */
export function renderSession(config: TranscriptionConfig, shape: ConfigShape, extra: { id?: string; expiresAt?: number } = {}): Record<string, unknown> {
  const transcription = { model: config.model, language: config.language, prompt: '' };
  const include = config.logprobs ? [INCLUDE_LOGPROBS] : [];
  if (shape === 'beta') {
    const format = Object.entries(BETA_FORMATS).find(([, f]) => f === config.format)![0];
    return {
      ...(extra.id ? { id: extra.id, object: 'realtime.transcription_session' } : {}),
      input_audio_format: format,
      input_audio_transcription: transcription,
      turn_detection: config.turnDetection,
      input_audio_noise_reduction: null,
      include,
      modalities: ['text'],
    };
  }
  return {
    type: 'transcription',
    ...(extra.id ? { id: extra.id, object: 'realtime.transcription_session' } : {}),
    ...(extra.expiresAt !== undefined ? { expires_at: extra.expiresAt } : {}),
    audio: {
      input: {
        format: config.format === 'audio/pcm' ? { type: 'audio/pcm', rate: 24000 } : { type: config.format },
        transcription,
        noise_reduction: null,
        turn_detection: config.turnDetection,
      },
    },
    include,
  };
}

function parseFormat(value: unknown): AudioFormat {
  const f = object(value, 'session.audio.input.format');
  known(f, ['type', 'rate'], 'session.audio.input.format');
  const type = f.type ?? 'audio/pcm';
  if (type !== 'audio/pcm' && type !== 'audio/pcmu' && type !== 'audio/pcma') throw invalid('session.audio.input.format.type', 'must be audio/pcm, audio/pcmu or audio/pcma');
  if (type === 'audio/pcm' && f.rate !== undefined && f.rate !== 24000) throw invalid('session.audio.input.format.rate', 'must be 24000 for audio/pcm');
  if (type !== 'audio/pcm' && f.rate !== undefined && f.rate !== 8000) throw invalid('session.audio.input.format.rate', 'G.711 audio is 8000 Hz');
  return type;
}

function parseTranscription(value: unknown, param: string, models: readonly string[]): Partial<TranscriptionConfig> {
  if (value === null) throw invalid(param, 'cannot be null: transcribing is what this session does');
  const t = object(value, param);
  known(t, ['model', 'language', 'prompt', 'delay'], param);
  const out: Partial<TranscriptionConfig> = {};
  if (t.model !== undefined) {
    if (typeof t.model !== 'string' || !models.includes(t.model)) throw invalid(`${param}.model`, `must be one of: ${models.join(', ')} (each uses this server's engine)`);
    out.model = t.model;
  }
  if (t.language !== undefined && t.language !== null) {
    if (typeof t.language !== 'string' || !/^en(-|_|$)/i.test(t.language)) throw invalid(`${param}.language`, 'is not supported: only English (en) is transcribed here');
    out.language = t.language;
  }
  if (t.prompt !== undefined && t.prompt !== null && t.prompt !== '') throw invalid(`${param}.prompt`, 'is not supported: the engine cannot take a free-text prompt (leave it empty)');
  if (t.delay !== undefined) throw invalid(`${param}.delay`, 'is not supported');
  return out;
}

function parseTurnDetection(value: unknown, param: string, semantic: boolean): TurnDetection | null {
  if (value === null) return null;
  const t = object(value, param);
  if (t.type === 'semantic_vad' && semantic) {
    known(t, ['type', 'eagerness', 'create_response', 'interrupt_response'], param);
    const eagerness = t.eagerness ?? 'auto';
    if (eagerness !== 'low' && eagerness !== 'medium' && eagerness !== 'high' && eagerness !== 'auto') throw invalid(`${param}.eagerness`, 'must be low, medium, high or auto');
    return { type: 'semantic_vad', eagerness };
  }
  if (t.type !== undefined && t.type !== 'server_vad') throw invalid(`${param}.type`, semantic ? 'must be server_vad or semantic_vad' : 'must be server_vad');
  known(t, ['type', 'threshold', 'prefix_padding_ms', 'silence_duration_ms', 'create_response', 'interrupt_response', 'idle_timeout_ms'], param);
  if (t.idle_timeout_ms !== undefined && t.idle_timeout_ms !== null) throw invalid(`${param}.idle_timeout_ms`, 'is not supported (it triggers model responses, which a transcription session has none of)');
  return {
    type: 'server_vad',
    threshold: number(t.threshold, `${param}.threshold`, 0, 1, DEFAULT_SERVER_VAD.threshold, false),
    prefix_padding_ms: number(t.prefix_padding_ms, `${param}.prefix_padding_ms`, 0, MAX_MS, 300, true),
    silence_duration_ms: number(t.silence_duration_ms, `${param}.silence_duration_ms`, 0, MAX_MS, 500, true),
  };
}

function noNoiseReduction(value: unknown, param: string): void {
  if (value !== null) throw invalid(param, 'is not supported here: send null (or leave it out)');
}

function number(value: unknown, param: string, min: number, max: number, fallback: number, integer: boolean): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw invalid(param, `must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}`);
  }
  return value;
}

function object(value: unknown, param: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new RealtimeEventError('invalid_type', `Invalid type for '${param}': expected an object.`, param);
  return value as Record<string, unknown>;
}

function known(value: Record<string, unknown>, names: readonly string[], param: string): void {
  for (const name of Object.keys(value)) {
    if (!names.includes(name)) throw new RealtimeEventError('unknown_parameter', `Unknown parameter: '${param}.${name}'.`, `${param}.${name}`);
  }
}

function invalid(param: string, why: string): RealtimeEventError {
  return new RealtimeEventError('invalid_value', `Invalid value for '${param}': it ${why}.`, param);
}
