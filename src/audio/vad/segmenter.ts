import { EarshotError } from '../../errors.js';
import { PcmFramer, toFloatFrame } from './frames.js';
import { PcmRing } from './pcm-ring.js';
import { SileroStream, VAD_FRAME_SAMPLES, VAD_SAMPLE_RATE } from './silero.js';
import { SpeechTracker, type SampleSpan } from './speech-tracker.js';

/** A stretch of speech; `pcm` is exactly the samples from `start` to `end`. */
export interface SpeechSegment {
  /** Milliseconds from the start of the stream. */
  start: number;
  end: number;
  pcm: Int16Array;
}

export interface SegmenterOptions {
  /** Speech probability at which speech starts (0..1). Default 0.5. */
  threshold?: number;
  /** Silence needed to end a segment. Default 500 ms. */
  minSilenceMs?: number;
  /** Segments with less speech than this are dropped as clicks or breaths. Default 250 ms. */
  minSpeechMs?: number;
  /** Audio kept either side of the speech, so word edges are not clipped. Default 200 ms. */
  speechPadMs?: number;
  /** Longer speech is split at its quietest recent frame. Default 20000 ms. */
  maxSegmentMs?: number;
  /** Called after each input chunk with the milliseconds of audio scored so far. */
  onProgress?: (processedMs: number) => void;
}

const SAMPLES_PER_MS = VAD_SAMPLE_RATE / 1000;
/** Over-long segments are cut within their last few seconds, never earlier. */
const CUT_SEARCH_MS = 5000;

/**
 * Streaming segmenter: push 16 kHz mono PCM in chunks of any size and get each speech segment
 * as soon as the silence after it is long enough. Only the open segment and a short look-back
 * are retained, in a ring allocated once, so memory does not grow with the stream.
 */
export class SpeechSegmenter {
  private readonly framer = new PcmFramer();
  private readonly scratch = new Float32Array(VAD_FRAME_SAMPLES);
  private readonly tracker: SpeechTracker;
  private readonly ring: PcmRing;
  private scored = 0;
  private peakHeld = 0;
  private finished = false;

  private constructor(
    private readonly model: SileroStream,
    options: SegmenterOptions,
  ) {
    const ms = resolveOptions(options);
    const toSamples = (v: number) => v * SAMPLES_PER_MS;
    const maxLength = toSamples(ms.maxSegmentMs);
    const pad = toSamples(ms.speechPadMs);
    this.tracker = new SpeechTracker({
      threshold: ms.threshold,
      negThreshold: Math.max(ms.threshold - 0.15, 0.01),
      minSilence: toSamples(ms.minSilenceMs),
      minSpeech: toSamples(ms.minSpeechMs),
      pad,
      maxLength,
      cutSearch: toSamples(Math.min(CUT_SEARCH_MS, ms.maxSegmentMs / 2)),
      grain: SAMPLES_PER_MS,
    });
    // The tracker never reaches further back than one maximum segment (or the padding before
    // speech), plus the frame being scored.
    this.ring = new PcmRing(Math.max(maxLength, pad) + 2 * VAD_FRAME_SAMPLES);
  }

  static async create(options: SegmenterOptions = {}): Promise<SpeechSegmenter> {
    resolveOptions(options);
    return new SpeechSegmenter(await SileroStream.open(), options);
  }

  /** Scores the chunk frame by frame, yielding segments the moment they close. */
  async *push(pcm: Int16Array): AsyncGenerator<SpeechSegment> {
    if (this.finished) {
      throw new EarshotError('internal', 'SpeechSegmenter.push was called after finish(); create a new segmenter per stream.');
    }
    for (const frame of this.framer.frames(pcm)) {
      yield* this.extract(await this.score(frame, VAD_FRAME_SAMPLES));
    }
  }

  /** Scores the last partial frame and closes any open segment. */
  async *finish(): AsyncGenerator<SpeechSegment> {
    if (this.finished) return;
    this.finished = true;
    const tail = this.framer.takeTail();
    if (tail) yield* this.extract(await this.score(tail.frame, tail.length));
    yield* this.extract(this.tracker.finish());
  }

  /** Milliseconds of real audio scored so far. */
  get processedMs(): number {
    return this.ring.end / SAMPLES_PER_MS;
  }

  /**
   * Samples the segmenter currently needs to keep (open segment, look-back and the partial
   * frame): a debug counter that shows memory is bounded.
   */
  get heldSamples(): number {
    return this.ring.end - this.tracker.keepFrom + this.framer.pendingSamples;
  }

  /** The largest `heldSamples` seen at any frame so far. */
  get peakHeldSamples(): number {
    return this.peakHeld;
  }

  /** The fixed size of the sample ring, the hard ceiling on retained audio. */
  get capacitySamples(): number {
    return this.ring.capacity;
  }

  private async score(frame: Int16Array, valid: number): Promise<SampleSpan[]> {
    const at = this.scored;
    this.ring.write(valid === frame.length ? frame : frame.subarray(0, valid));
    const p = await this.model.probability(toFloatFrame(frame, this.scratch));
    this.scored += VAD_FRAME_SAMPLES;
    const spans = this.tracker.frame(at, p, valid);
    this.peakHeld = Math.max(this.peakHeld, this.heldSamples);
    return spans;
  }

  private extract(spans: SampleSpan[]): SpeechSegment[] {
    return spans.map(({ start, end }) => ({
      start: start / SAMPLES_PER_MS,
      end: end / SAMPLES_PER_MS,
      pcm: this.ring.read(start, end),
    }));
  }
}

/**
 * Splits a stream of 16 kHz mono 16-bit PCM chunks into speech segments, in order and without
 * overlap, each yielded as soon as it closes.
 */
export async function* segmentSpeech(
  pcm: AsyncIterable<Int16Array> | Iterable<Int16Array>,
  options: SegmenterOptions = {},
): AsyncGenerator<SpeechSegment> {
  const segmenter = await SpeechSegmenter.create(options);
  for await (const chunk of pcm) {
    yield* segmenter.push(chunk);
    options.onProgress?.(segmenter.processedMs);
  }
  yield* segmenter.finish();
  options.onProgress?.(segmenter.processedMs);
}

type ResolvedOptions = Required<Omit<SegmenterOptions, 'onProgress'>>;

function resolveOptions(options: SegmenterOptions): ResolvedOptions {
  const o: ResolvedOptions = {
    threshold: options.threshold ?? 0.5,
    minSilenceMs: options.minSilenceMs ?? 500,
    minSpeechMs: options.minSpeechMs ?? 250,
    speechPadMs: options.speechPadMs ?? 200,
    maxSegmentMs: options.maxSegmentMs ?? 20000,
  };
  const bad = (what: string) => {
    throw new EarshotError('invalid_request', `Invalid VAD option: ${what}.`);
  };
  if (!(o.threshold > 0 && o.threshold < 1)) bad(`threshold must be between 0 and 1 (exclusive), got ${o.threshold}`);
  for (const key of ['minSilenceMs', 'minSpeechMs', 'speechPadMs', 'maxSegmentMs'] as const) {
    // Whole milliseconds keep every boundary on a sample and every segment time an integer.
    if (!Number.isInteger(o[key]) || o[key] < 0) bad(`${key} must be a whole number of milliseconds >= 0, got ${o[key]}`);
  }
  if (o.maxSegmentMs < 1000) bad(`maxSegmentMs must be at least 1000, got ${o.maxSegmentMs}`);
  if (o.speechPadMs * 4 > o.maxSegmentMs) {
    bad(`speechPadMs (${o.speechPadMs}) must be at most a quarter of maxSegmentMs (${o.maxSegmentMs})`);
  }
  return o;
}
