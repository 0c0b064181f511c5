/**
 * The multipart form of `POST /v1/audio/transcriptions`, as the `openai` SDK writes it
 * (node_modules/openai/internal/uploads.js): scalars as strings, arrays as repeated `name[]`
 * fields, objects as `name[key]` fields. Unknown fields are refused by name rather than ignored
 * (issue 4's rule: nothing that changes the output is dropped silently).
 */
import type { Multipart } from '@fastify/multipart';
import type { SegmenterOptions } from '../../audio/vad/segmenter.js';
import { EarshotError } from '../../errors.js';
import { REQUEST_RULES } from '../request-rules.js';
import { ParamError } from './errors.js';

export const RESPONSE_FORMATS = ['json', 'text', 'srt', 'verbose_json', 'vtt'] as const;
export type ResponseFormat = (typeof RESPONSE_FORMATS)[number];
export type Granularity = 'word' | 'segment';

export interface TranscriptionForm {
  file: Buffer;
  /** Undefined: the server's default model (OpenAI requires the field; we are lenient). */
  model?: string;
  /** ISO-639-1 code, lower case. */
  language?: string;
  prompt?: string;
  responseFormat: ResponseFormat;
  granularities: Set<Granularity>;
  /** Checked (0..1) but our decoders are deterministic: segments report the 0 actually used. */
  temperature?: number;
  stream: boolean;
  /** `include[]=logprobs`. */
  logprobs: boolean;
  /** `chunking_strategy` server_vad settings, mapped onto the Silero segmenter. */
  vad?: SegmenterOptions;
}

/** Languages the engines here transcribe (transcripts record `en`). */
export const SUPPORTED_LANGUAGES = ['en'];

/** Form fields OpenAI documents that this server cannot honour: refused, with the reason. */
const UNSUPPORTED_FIELDS: Record<string, string> = {
  'known_speaker_names[]': 'speaker identification (gpt-4o-transcribe-diarize) is not available on this server',
  'known_speaker_references[]': 'speaker identification (gpt-4o-transcribe-diarize) is not available on this server',
};

const SCALAR_FIELDS = ['model', 'language', 'prompt', 'response_format', 'temperature', 'stream', 'chunking_strategy'] as const;
const VAD_FIELDS = {
  'chunking_strategy[type]': 'type',
  'chunking_strategy[prefix_padding_ms]': 'prefix_padding_ms',
  'chunking_strategy[silence_duration_ms]': 'silence_duration_ms',
  'chunking_strategy[threshold]': 'threshold',
} as const;
/** Repeated fields; the bare name is accepted too (curl users write `-F timestamp_granularities=word`). */
const LIST_FIELDS: Record<string, 'timestamp_granularities' | 'include'> = {
  'timestamp_granularities[]': 'timestamp_granularities',
  timestamp_granularities: 'timestamp_granularities',
  'include[]': 'include',
  include: 'include',
};

/** Reads the file part's bytes (into the memory budget, see receive-audio.ts). */
export type FileReader = (file: AsyncIterable<Buffer>) => Promise<Buffer>;

/** Reads every part (the SDK may send `file` before or after the other fields), then checks them. */
export async function readTranscriptionForm(parts: AsyncIterable<Multipart>, readFile: FileReader): Promise<TranscriptionForm> {
  try {
    return await readParts(parts, readFile);
  } catch (err) {
    // busboy's own complaints ("Unexpected end of form", "Malformed part header") carry no status.
    const status = (err as { statusCode?: unknown }).statusCode;
    if (err instanceof EarshotError || typeof status === 'number') throw err;
    throw new EarshotError('invalid_request', `The multipart form could not be read: ${(err as Error).message}.`, { cause: err });
  }
}

async function readParts(parts: AsyncIterable<Multipart>, readFile: FileReader): Promise<TranscriptionForm> {
  let file: Buffer | undefined;
  const scalars = new Map<string, string>();
  const lists: Record<'timestamp_granularities' | 'include', string[]> = { timestamp_granularities: [], include: [] };
  const unknown: string[] = [];
  for await (const part of parts) {
    if (part.type === 'file') {
      if (part.fieldname !== 'file') {
        throw new ParamError('invalid_request', `Unexpected file in the form field "${part.fieldname}"; the audio goes in "file".`, part.fieldname);
      }
      // Held in memory within the upload limit (413 beyond it) and the budget; never written to disk.
      file = await readFile(part.file);
      if (part.file.truncated) throw Object.assign(new Error('request file too large'), { code: 'FST_REQ_FILE_TOO_LARGE', statusCode: 413 });
      continue;
    }
    const name = part.fieldname;
    if (part.valueTruncated) throw new ParamError('invalid_request', `The form field "${name}" is too long.`, name);
    const value = String(part.value ?? '');
    if (name in UNSUPPORTED_FIELDS) {
      throw new ParamError('unsupported_option', `${name.replace('[]', '')} is not supported: ${UNSUPPORTED_FIELDS[name]}.`, name.replace('[]', ''));
    }
    if (name in LIST_FIELDS) {
      // Comma-separated values are accepted too, as some clients send one field for a list.
      lists[LIST_FIELDS[name]].push(...value.split(',').map((v) => v.trim()).filter((v) => v !== ''));
    } else if ((SCALAR_FIELDS as readonly string[]).includes(name) || name in VAD_FIELDS) {
      if (scalars.has(name)) throw new ParamError('invalid_request', `The form field "${name}" is given more than once.`, name);
      scalars.set(name, value);
    } else {
      unknown.push(name);
    }
  }
  if (unknown.length > 0) {
    const known = ['file', ...SCALAR_FIELDS, 'timestamp_granularities[]', 'include[]'];
    throw new ParamError(
      'invalid_request',
      `Unknown form field${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}. This endpoint takes ${known.join(', ')}.`,
      unknown[0],
    );
  }
  if (!file) throw new ParamError('invalid_request', 'The form has no "file": send the audio as a file in the "file" field.', 'file');
  if (file.length === 0) throw new ParamError('audio_empty', 'The uploaded file is empty.', 'file');
  return checkFields(file, scalars, lists);
}

function checkFields(file: Buffer, scalars: Map<string, string>, lists: Record<'timestamp_granularities' | 'include', string[]>): TranscriptionForm {
  const get = (name: string): string | undefined => {
    const value = scalars.get(name)?.trim();
    return value === '' ? undefined : value;
  };

  const responseFormat = (get('response_format') ?? 'json') as ResponseFormat;
  if (!RESPONSE_FORMATS.includes(responseFormat)) {
    const note = responseFormat === ('diarized_json' as string) ? ' (speaker-labelled output is not available on this server)' : '';
    throw new ParamError(
      responseFormat === ('diarized_json' as string) ? 'unsupported_option' : 'invalid_request',
      `response_format "${responseFormat}" is not supported${note}; use one of ${RESPONSE_FORMATS.join(', ')}.`,
      'response_format',
    );
  }

  const granularities = new Set<Granularity>();
  for (const g of lists.timestamp_granularities) {
    if (g !== 'word' && g !== 'segment') {
      throw new ParamError('invalid_request', `timestamp_granularities[] takes "word" and "segment", not "${g}".`, 'timestamp_granularities');
    }
    granularities.add(g);
  }
  // As OpenAI documents: the granularities only exist in verbose_json.
  if (granularities.size > 0 && responseFormat !== 'verbose_json') {
    throw new ParamError('invalid_request', 'timestamp_granularities[] needs response_format "verbose_json".', 'timestamp_granularities');
  }

  let logprobs = false;
  for (const item of lists.include) {
    if (item !== 'logprobs') throw new ParamError('invalid_request', `include[] takes "logprobs", not "${item}".`, 'include');
    logprobs = true;
  }

  const stream = parseBoolean(get('stream'), 'stream');
  if (stream && responseFormat !== 'json' && responseFormat !== 'text') {
    throw new ParamError('invalid_request', `stream=true sends text events; use response_format "json" or "text" with it, not "${responseFormat}".`, 'stream');
  }
  if (logprobs && responseFormat !== 'json' && responseFormat !== 'text') {
    throw new ParamError('invalid_request', 'include[]=logprobs works with response_format "json" (or a stream).', 'include');
  }

  const temperatureText = get('temperature');
  let temperature: number | undefined;
  if (temperatureText !== undefined) {
    temperature = Number(temperatureText);
    if (!Number.isFinite(temperature) || temperature < 0 || temperature > 1) {
      throw new ParamError('invalid_request', `temperature must be a number from 0 to 1, got "${temperatureText}".`, 'temperature');
    }
  }

  const prompt = get('prompt');
  if (prompt !== undefined && prompt.length > REQUEST_RULES.promptMaxLength) {
    throw new ParamError('invalid_request', `prompt is at most ${REQUEST_RULES.promptMaxLength} characters (got ${prompt.length}).`, 'prompt');
  }

  const languageText = get('language');
  let language: string | undefined;
  if (languageText !== undefined) {
    // ISO-639-1 as OpenAI asks; a region ("en-US") is tolerated and dropped.
    language = languageText.toLowerCase().split(/[-_]/)[0];
    if (!SUPPORTED_LANGUAGES.includes(language)) {
      throw new ParamError(
        'unsupported_option',
        `language "${languageText}" is not supported by this server; it transcribes ${SUPPORTED_LANGUAGES.join(', ')}.`,
        'language',
      );
    }
  }

  return {
    file,
    model: get('model'),
    language,
    prompt,
    responseFormat,
    granularities,
    temperature,
    stream,
    logprobs,
    vad: chunkingStrategy(scalars),
  };
}

function parseBoolean(text: string | undefined, param: string): boolean {
  if (text === undefined) return false;
  if (/^(true|1)$/i.test(text)) return true;
  if (/^(false|0)$/i.test(text)) return false;
  throw new ParamError('invalid_request', `${param} must be true or false, got "${text}".`, param);
}

/**
 * `chunking_strategy`: "auto" is what this server always does (Silero VAD cuts the audio at
 * pauses), and `server_vad` settings map onto the same segmenter: threshold → speech threshold,
 * silence_duration_ms → silence that ends a segment, prefix_padding_ms → padding kept around speech.
 * It arrives as `chunking_strategy[key]` fields from the SDK, or as one JSON string from others.
 */
function chunkingStrategy(scalars: Map<string, string>): SegmenterOptions | undefined {
  let settings: Record<string, unknown> | undefined;
  const whole = scalars.get('chunking_strategy')?.trim();
  if (whole !== undefined && whole !== '') {
    if (whole === 'auto') settings = undefined;
    else {
      try {
        settings = JSON.parse(whole) as Record<string, unknown>;
      } catch {
        throw new ParamError('invalid_request', 'chunking_strategy must be "auto" or a server_vad object.', 'chunking_strategy');
      }
      if (settings === null || typeof settings !== 'object' || Array.isArray(settings)) {
        throw new ParamError('invalid_request', 'chunking_strategy must be "auto" or a server_vad object.', 'chunking_strategy');
      }
    }
  }
  for (const [field, key] of Object.entries(VAD_FIELDS)) {
    const value = scalars.get(field);
    if (value !== undefined) (settings ??= {})[key] = value;
  }
  if (!settings) return undefined;
  if (settings.type !== 'server_vad') {
    throw new ParamError('invalid_request', 'chunking_strategy must be "auto" or have type "server_vad".', 'chunking_strategy');
  }
  const number = (key: string, min: number, max: number): number | undefined => {
    const raw = settings![key];
    if (raw === undefined) return undefined;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min || value > max) {
      throw new ParamError('invalid_request', `chunking_strategy.${key} must be a number from ${min} to ${max}.`, 'chunking_strategy');
    }
    return value;
  };
  const extra = Object.keys(settings).filter((k) => !['type', 'threshold', 'silence_duration_ms', 'prefix_padding_ms'].includes(k));
  if (extra.length > 0) throw new ParamError('invalid_request', `Unknown chunking_strategy setting: ${extra.join(', ')}.`, 'chunking_strategy');
  const vad: SegmenterOptions = {};
  const threshold = number('threshold', 0, 1);
  const silence = number('silence_duration_ms', 0, 10_000);
  const padding = number('prefix_padding_ms', 0, 5_000);
  if (threshold !== undefined) vad.threshold = threshold;
  if (silence !== undefined) vad.minSilenceMs = silence;
  if (padding !== undefined) vad.speechPadMs = padding;
  return vad;
}
