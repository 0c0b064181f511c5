/**
 * Transcripts in OpenAI's response shapes (node_modules/openai/resources/audio/transcriptions.d.ts:
 * `Transcription`, `TranscriptionVerbose`, `TranscriptionSegment`, `TranscriptionWord`). Times are
 * seconds there, milliseconds in our transcript model.
 */
import { deflateSync } from 'node:zlib';
import type { Transcript, Word } from '../../transcript/model.js';
import { joinWords } from '../../transcript/text.js';
import { toSrt } from '../../transcript/format-srt.js';
import { toVtt } from '../../transcript/format-vtt.js';
import type { Granularity, ResponseFormat } from './form.js';

export interface Logprob {
  token: string;
  logprob: number;
  bytes: number[];
}

export interface VerboseSegment {
  id: number;
  seek: number;
  start: number;
  end: number;
  text: string;
  tokens: number[];
  temperature: number;
  avg_logprob: number;
  compression_ratio: number;
  no_speech_prob: number;
}

export interface VerboseWord {
  word: string;
  start: number;
  end: number;
}

/** Whisper reports languages by name in verbose_json ("english"), not by code. */
const LANGUAGE_NAMES: Record<string, string> = { en: 'english', en_us: 'english' };

const seconds = (ms: number): number => Math.round(ms) / 1000;

/** ln(confidence): the engines give word confidences (0..1), not token log probabilities. */
function logOf(confidence: number): number {
  return Math.log(Math.min(1, Math.max(confidence, 1e-6)));
}

/** OpenAI bills by whole seconds; `usage` reports the same figure. */
function usage(transcript: Transcript): { type: 'duration'; seconds: number } {
  return { type: 'duration', seconds: Math.ceil(transcript.durationMs / 1000) };
}

/**
 * One log probability per word (our "tokens" are words), each after the first with its leading
 * space, so the tokens joined read as the text.
 */
export function wordLogprobs(words: readonly Word[], leadingSpace = false): Logprob[] {
  return words
    .filter((w) => w.text.trim() !== '')
    .map((w, i) => {
      const token = `${i > 0 || leadingSpace ? ' ' : ''}${w.text.trim()}`;
      return { token, logprob: logOf(w.confidence), bytes: [...Buffer.from(token, 'utf8')] };
    });
}

/** zlib's ratio as Whisper computes it: text bytes ÷ compressed bytes (above 2.4 flags repetition). */
export function compressionRatio(text: string): number {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length === 0) return 0;
  return bytes.length / deflateSync(bytes).length;
}

/**
 * verbose_json segments. `tokens` is empty (no token ids exist outside Whisper's tokenizer),
 * `temperature` is 0 (decoding is deterministic), `no_speech_prob` is 0 (voice activity detection
 * already dropped what was not speech). Each text starts with a space, as Whisper's do, so
 * clients that concatenate segment texts get the transcript.
 */
export function verboseSegments(transcript: Transcript): VerboseSegment[] {
  return transcript.segments
    .filter((s) => s.words.some((w) => w.text.trim() !== ''))
    .map((segment, id) => {
      const text = joinWords(segment.words);
      const logs = segment.words.map((w) => logOf(w.confidence));
      return {
        id,
        // Whisper's seek is the frame (10 ms) its 30-second window started at; ours start at the segment.
        seek: Math.round(segment.start / 10),
        start: seconds(segment.start),
        end: seconds(segment.end),
        text: ` ${text}`,
        tokens: [],
        temperature: 0,
        avg_logprob: logs.length > 0 ? logs.reduce((a, b) => a + b, 0) / logs.length : 0,
        compression_ratio: compressionRatio(text),
        no_speech_prob: 0,
      };
    });
}

/** verbose_json words: bare words without the punctuation formatting added, as Whisper's are. */
export function verboseWords(words: readonly Word[]): VerboseWord[] {
  const out: VerboseWord[] = [];
  for (const w of words) {
    const word = w.text.trim().replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
    if (word !== '') out.push({ word, start: seconds(w.start), end: seconds(w.end) });
  }
  return out;
}

export function transcriptText(transcript: Transcript): string {
  return joinWords(transcript.words);
}

export interface RenderOptions {
  format: ResponseFormat;
  granularities: ReadonlySet<Granularity>;
  logprobs: boolean;
}

/** The body and content type for a finished transcript. */
export function renderTranscription(transcript: Transcript, options: RenderOptions): { contentType: string; body: string | object } {
  const text = transcriptText(transcript);
  switch (options.format) {
    case 'text':
      return { contentType: 'text/plain; charset=utf-8', body: `${text}\n` };
    case 'srt':
      return { contentType: 'text/plain; charset=utf-8', body: toSrt(transcript) };
    case 'vtt':
      return { contentType: 'text/vtt; charset=utf-8', body: toVtt(transcript) };
    case 'verbose_json': {
      // As OpenAI: segments unless only words were asked for.
      const wantSegments = options.granularities.size === 0 || options.granularities.has('segment');
      return {
        contentType: 'application/json; charset=utf-8',
        body: {
          task: 'transcribe',
          language: LANGUAGE_NAMES[transcript.language] ?? transcript.language,
          duration: seconds(transcript.durationMs),
          text,
          ...(wantSegments ? { segments: verboseSegments(transcript) } : {}),
          ...(options.granularities.has('word') ? { words: verboseWords(transcript.words) } : {}),
          usage: usage(transcript),
        },
      };
    }
    case 'json':
      return {
        contentType: 'application/json; charset=utf-8',
        body: { text, ...(options.logprobs ? { logprobs: wordLogprobs(transcript.words) } : {}), usage: usage(transcript) },
      };
  }
}
