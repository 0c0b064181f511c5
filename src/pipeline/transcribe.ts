import { decodeAudio } from '../audio/decode.js';
import { segmentSpeech, type SegmenterOptions, type SpeechSegment } from '../audio/vad/segmenter.js';
import type { RecognizeOptions, SpeechEngine } from '../engines/engine.js';
import { ENGINE_SAMPLE_RATE } from '../engines/engine.js';
import type { Segment, Transcript } from '../transcript/model.js';
import { PipelineGraph, type PipelineEvent, type Stage } from './graph.js';
import { recognizeSegments } from './stages/asr.js';
import { trimPcm, type AudioRange } from './stages/trim.js';

/**
 * How a file's speech is cut into utterances for recognition. Each utterance is decoded on its
 * own and normalised with its own cepstral mean, so utterances should be sentences, not the
 * fragments between every breath: pauses under a second stay inside one, and the 300 ms of
 * padding keeps soft word onsets and some background for the normalisation. Measured on the
 * real-recordings set (docs/evaluation.md): the old 500 ms / 200 ms / 20 s cut words at every
 * pause of a speech, and the engine lost them.
 */
export const UTTERANCE_VAD = { minSilenceMs: 1000, speechPadMs: 300, maxSegmentMs: 30_000 } as const satisfies SegmenterOptions;

export interface TranscribeProgress {
  /** Audio decoded and searched for speech so far, and the total when ffmpeg knows it. */
  processedMs: number;
  durationMs?: number;
}

/**
 * Sees every speech segment's audio as it streams past (speaker features, redacted-audio copies),
 * keeping only what it needs; `finish()` becomes the value named after the tap.
 */
export interface AudioTap<T = unknown> {
  name: string;
  add(segment: SpeechSegment): void | Promise<void>;
  /** `decodedSamples`: how much audio decoding produced (the file's true length, whatever its header says). */
  finish(info: { decodedSamples: number }): T | Promise<T>;
}

/** The values extra stages can read: the core outputs plus the taps' and each other's results. */
export type CoreValues = {
  source: Buffer | AsyncIterable<Uint8Array>;
  engine: SpeechEngine;
  decode: AsyncIterable<Int16Array>;
  vad: AsyncIterable<SpeechSegment>;
  asr: Segment[];
  taps: Record<string, unknown>;
  transcript: Transcript;
};
export type ExtraStage = Stage<CoreValues & Record<string, unknown>>;

export interface TranscribeOptions {
  signal?: AbortSignal;
  vad?: SegmenterOptions;
  prompt?: string;
  /** Sampling temperature (`temperature`), for engines that sample: whisper. */
  temperature?: number;
  /** Terms to favour (`word_boost`, `keyterms_prompt`); see src/engines/vocabulary. */
  vocabulary?: RecognizeOptions['vocabulary'];
  /** Transcribe only this part of the audio; word times stay relative to the whole file. */
  range?: AudioRange;
  /** Only this channel of the audio (0-based), for multichannel transcription (channels.ts). */
  channel?: number;
  /** Longest decoded audio (`audio_too_long` past it); default decodeAudio's 12 hours. */
  maxAudioSeconds?: number;
  taps?: AudioTap[];
  /** Stages after recognition (formatting, speakers, intelligence), run as their inputs allow. */
  stages?: ExtraStage[];
  onProgress?: (progress: TranscribeProgress) => void;
  onSegment?: (segment: Segment) => void;
  onEvent?: (event: PipelineEvent) => void;
}

export interface TranscribeResult {
  transcript: Transcript;
  /** Outputs of the extra stages, by stage name. */
  extras: Record<string, unknown>;
  /** What each audio tap kept (its `finish()`), by tap name: what later stages read as `taps`. */
  taps: Record<string, unknown>;
  /** Busy time per stage in ms. */
  timings: Record<string, number>;
}

/** decode → VAD → ASR → transcript (→ extra stages), streamed segment by segment. */
export async function transcribeAudio(
  source: Buffer | AsyncIterable<Uint8Array>,
  engine: SpeechEngine,
  options: TranscribeOptions = {},
): Promise<TranscribeResult> {
  let samples = 0;
  const offsetMs = options.range?.startMs ?? 0;
  let durationMs: number | undefined;
  const taps = options.taps ?? [];
  const extras = options.stages ?? [];
  const core: ExtraStage[] = [
    {
      name: 'decode',
      inputs: ['source'],
      run: (v, ctx) => {
        const pcm = decodeAudio(v.source!, { signal: ctx.signal, channel: options.channel, maxSeconds: options.maxAudioSeconds, onInfo: (info) => (durationMs ??= info.durationMs) });
        const counted = countSamples(pcm, (n) => (samples += n));
        return options.range ? trimPcm(counted, options.range) : counted;
      },
    },
    {
      name: 'vad',
      inputs: ['decode'],
      run: (v) =>
        segmentSpeech(v.decode!, {
          ...UTTERANCE_VAD,
          ...options.vad,
          onProgress: (processedMs) => options.onProgress?.({ processedMs: offsetMs + processedMs, durationMs }),
        }),
    },
    {
      name: 'asr',
      inputs: ['vad', 'engine'],
      run: (v) =>
        recognizeSegments(feedTaps(shiftSegments(v.vad!, offsetMs), taps), v.engine!, {
          prompt: options.prompt,
          temperature: options.temperature,
          vocabulary: options.vocabulary,
          onSegment: options.onSegment,
        }),
    },
    {
      name: 'taps',
      inputs: ['asr'],
      run: async () => Object.fromEntries(await Promise.all(taps.map(async (t) => [t.name, await t.finish({ decodedSamples: samples })]))),
    },
    {
      name: 'transcript',
      inputs: ['asr', 'engine'],
      run: (v): Transcript => ({
        words: v.asr!.flatMap((s) => s.words),
        segments: v.asr!.filter((s) => s.words.length > 0),
        // The whole file's length, as AssemblyAI's audio_duration: decoding stops at a range's end,
        // so ffmpeg's header duration covers the rest.
        durationMs: Math.max(Math.round((samples * 1000) / ENGINE_SAMPLE_RATE), options.range?.endMs === undefined ? 0 : (durationMs ?? 0)),
        language: 'en',
        model: v.engine!.model,
      }),
    },
  ];
  const graph = new PipelineGraph<CoreValues & Record<string, unknown>>([...core, ...extras], ['source', 'engine']);
  const { values, timings } = await graph.run({ source, engine }, { signal: options.signal, onEvent: options.onEvent });
  const transcript = values.transcript;
  options.onProgress?.({ processedMs: transcript.durationMs, durationMs: transcript.durationMs });
  return { transcript, extras: Object.fromEntries(extras.map((s) => [s.name, values[s.name]])), taps: values.taps, timings };
}

async function* countSamples(pcm: AsyncIterable<Int16Array>, add: (n: number) => void): AsyncGenerator<Int16Array> {
  for await (const chunk of pcm) {
    add(chunk.length);
    yield chunk;
  }
}

async function* shiftSegments(segments: AsyncIterable<SpeechSegment>, offsetMs: number): AsyncGenerator<SpeechSegment> {
  for await (const s of segments) yield offsetMs === 0 ? s : { ...s, start: s.start + offsetMs, end: s.end + offsetMs };
}

async function* feedTaps(segments: AsyncIterable<SpeechSegment>, taps: AudioTap[]): AsyncGenerator<SpeechSegment> {
  for await (const segment of segments) {
    for (const tap of taps) await tap.add(segment);
    yield segment;
  }
}
