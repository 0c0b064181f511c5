import { EarshotError } from '../errors.js';
import { createTranscript, splitAtPauses, type Transcript, type Word } from './model.js';
import type { ParseOptions } from './parse-support.js';
import { toUtterances } from './utterances.js';

/**
 * AssemblyAI JSON has no voice-activity segments, so words are grouped wherever a second of
 * silence separates them, about where a VAD would have cut.
 */
export const JSON_SEGMENT_PAUSE_MS = 1000;

/**
 * Reads a completed AssemblyAI transcript (text or an already parsed object) into a transcript.
 * Speaker labels on the words become utterances; the file's language and model win over the
 * defaults in `options`.
 */
export function parseAssemblyAiJson(input: string | unknown, options: ParseOptions = {}): Transcript {
  const json = typeof input === 'string' ? parseJson(input) : input;
  if (!isRecord(json)) throw invalid('expected a JSON object');
  if (json.status !== undefined && json.status !== 'completed') {
    throw invalid(`the transcript's status is ${JSON.stringify(json.status)}, not "completed"`);
  }
  const rawWords = json.words ?? [];
  if (!Array.isArray(rawWords)) throw invalid('"words" must be an array');
  if (rawWords.length === 0 && typeof json.text === 'string' && json.text.trim() !== '') {
    throw invalid('the transcript has text but no words[] with timings');
  }
  const words = rawWords.map(readWord);
  const utterances = toUtterances(words);
  return createTranscript({
    segments: splitAtPauses(words, JSON_SEGMENT_PAUSE_MS),
    durationMs: typeof json.audio_duration === 'number' ? Math.round(json.audio_duration * 1000) : undefined,
    language: stringOr(json.language_code, options.language),
    model: stringOr(json.speech_model_used, stringOr(json.speech_model, options.model)),
    utterances: utterances.length > 0 ? utterances : undefined,
  });
}

function readWord(raw: unknown, i: number): Word {
  if (!isRecord(raw)) throw invalid(`words[${i}] must be an object`);
  const { text, start, end, confidence, speaker } = raw;
  if (typeof text !== 'string') throw invalid(`words[${i}].text must be a string`);
  for (const [name, value] of [['start', start], ['end', end]] as const) {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(`words[${i}].${name} must be a number`);
  }
  if (confidence !== undefined && typeof confidence !== 'number') throw invalid(`words[${i}].confidence must be a number`);
  if (speaker != null && typeof speaker !== 'string') throw invalid(`words[${i}].speaker must be a string or null`);
  const word: Word = { text, start: start as number, end: end as number, confidence: confidence ?? 1 };
  if (speaker != null) word.speaker = speaker;
  return word;
}

/** JSON.parse names a character position (Node 20) or a line; either way the caller gets a line. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    const position = /position (\d+)/.exec(message);
    const line = position ? text.slice(0, Number(position[1])).split('\n').length : Number(/line (\d+)/.exec(message)?.[1] ?? 1);
    throw new EarshotError('invalid_request', `AssemblyAI JSON line ${line}: ${message}`, { cause: err });
  }
}

function invalid(message: string): EarshotError {
  return new EarshotError('invalid_request', `AssemblyAI JSON: ${message}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringOr(value: unknown, fallback: string | undefined): string | undefined {
  return typeof value === 'string' && value !== '' ? value : fallback;
}
