import { parseAssemblyAiJson } from './parse-assemblyai.js';
import { parseSrt } from './parse-srt.js';
import type { ParseOptions } from './parse-support.js';
import { parseTimestamps, type TimestampsParseOptions } from './parse-timestamps.js';
import { parseVtt } from './parse-vtt.js';
import type { Transcript } from './model.js';

export type TranscriptFormat = 'srt' | 'vtt' | 'timestamps' | 'assemblyai-json';

/**
 * Guesses a transcript file's format from its content, for commands that take any of them:
 * JSON starts with "{", WebVTT with its header, SubRip has "-->" timing lines, and anything else
 * is read as timestamp lines (whose parser then names the first line it cannot read).
 */
export function detectFormat(input: string): TranscriptFormat {
  const text = input.replace(/^\uFEFF/, '').trimStart();
  if (text.startsWith('{')) return 'assemblyai-json';
  if (/^WEBVTT(?:[ \t\r\n]|$)/.test(text)) return 'vtt';
  const head = text.split(/\r?\n/, 4);
  if (head.some((line) => line.includes('-->'))) return 'srt';
  return 'timestamps';
}

export interface ParseTranscriptOptions extends ParseOptions, TimestampsParseOptions {
  /** Skips detection. */
  format?: TranscriptFormat;
}

export function parseTranscript(input: string, options: ParseTranscriptOptions = {}): Transcript {
  const { format = detectFormat(input), ...rest } = options;
  switch (format) {
    case 'srt':
      return parseSrt(input, rest);
    case 'vtt':
      return parseVtt(input, rest);
    case 'timestamps':
      return parseTimestamps(input, rest);
    case 'assemblyai-json':
      return parseAssemblyAiJson(input, rest);
  }
}
