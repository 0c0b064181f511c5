import { decodeAudio } from '../audio/decode.js';
import { segmentSpeech, type SegmenterOptions, type SpeechSegment } from '../audio/vad/segmenter.js';
import type { SpeechEngine } from '../engines/engine.js';
import { ENGINE_SAMPLE_RATE } from '../engines/engine.js';
import type { Segment, Transcript } from '../transcript/model.js';
import { PipelineGraph, type PipelineEvent } from './graph.js';
import { recognizeSegments } from './stages/asr.js';
import { trimPcm, type AudioRange } from './stages/trim.js';

export interface TranscribeProgress {
  /** Audio decoded and searched for speech so far, and the total when ffmpeg knows it. */
  processedMs: number;
  durationMs?: number;
}

export interface TranscribeOptions {
  signal?: AbortSignal;
  vad?: SegmenterOptions;
  prompt?: string;
  /** Transcribe only this part of the audio; word times stay relative to the whole file. */
  range?: AudioRange;
  onProgress?: (progress: TranscribeProgress) => void;
  onSegment?: (segment: Segment) => void;
  onEvent?: (event: PipelineEvent) => void;
}

export interface TranscribeResult {
  transcript: Transcript;
  /** Busy time per stage in ms. */
  timings: Record<string, number>;
}

type Values = {
  source: Buffer | AsyncIterable<Uint8Array>;
  engine: SpeechEngine;
  decode: AsyncIterable<Int16Array>;
  vad: AsyncIterable<SpeechSegment>;
  asr: Segment[];
  transcript: Transcript;
};

/** decode → VAD → ASR → transcript, streamed segment by segment (memory bounded by the window). */
export async function transcribeAudio(
  source: Buffer | AsyncIterable<Uint8Array>,
  engine: SpeechEngine,
  options: TranscribeOptions = {},
): Promise<TranscribeResult> {
  let samples = 0;
  const offsetMs = options.range?.startMs ?? 0;
  let durationMs: number | undefined;
  const graph = new PipelineGraph<Values>(
    [
      {
        name: 'decode',
        inputs: ['source'],
        run: (v, ctx) => {
          const pcm = decodeAudio(v.source!, { signal: ctx.signal, onInfo: (info) => (durationMs ??= info.durationMs) });
          const counted = countSamples(pcm, (n) => (samples += n));
          return options.range ? trimPcm(counted, options.range) : counted;
        },
      },
      {
        name: 'vad',
        inputs: ['decode'],
        run: (v) =>
          segmentSpeech(v.decode!, {
            ...options.vad,
            onProgress: (processedMs) => options.onProgress?.({ processedMs: offsetMs + processedMs, durationMs }),
          }),
      },
      {
        name: 'asr',
        inputs: ['vad', 'engine'],
        run: (v) =>
          recognizeSegments(shiftSegments(v.vad!, offsetMs), v.engine!, { prompt: options.prompt, onSegment: options.onSegment }),
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
    ],
    ['source', 'engine'],
  );
  const { values, timings } = await graph.run({ source, engine }, { signal: options.signal, onEvent: options.onEvent });
  options.onProgress?.({ processedMs: values.transcript.durationMs, durationMs: values.transcript.durationMs });
  return { transcript: values.transcript, timings };
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
