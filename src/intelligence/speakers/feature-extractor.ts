import { EarshotError } from '../../errors.js';
import { HandcraftedEmbedder, SAMPLE_RATE, toFloat, type SampleWindow, type SpeakerEmbedder, type WindowEmbedding } from './embedder.js';

/** One analysis window's vector, with its place in the audio (ms). */
export interface SpeakerWindow {
  start: number;
  end: number;
  /** Index of the speech segment it came from, in the order segments were added. */
  segment: number;
  vector: Float32Array;
  /** MFCC frame statistics, when the embedder provides them (the built-in one does). */
  frameStats?: Float64Array;
}

/** What diarize() needs from the audio: small vectors, never the PCM itself. */
export interface SpeakerFeatures {
  kind: SpeakerEmbedder['kind'];
  embedder: string;
  windows: SpeakerWindow[];
  /**
   * Frame statistics of the speech in consecutive 250 ms slices (ms from the start of the audio),
   * when the embedder provides them (the built-in one does): diarize() re-labels words with them.
   */
  slices?: TimedSlice[];
}

/** A SpeechSlice placed in the audio (ms). */
export interface TimedSlice {
  start: number;
  end: number;
  stats: Float32Array;
}

/** Length of the slices kept for word-level re-labelling. */
const SLICE_MS = 250;

export interface FeatureExtractorOptions {
  /** Default: the hand-made MFCC and pitch features. */
  embedder?: SpeakerEmbedder;
  /** Analysis window length. Default 1500 ms. */
  windowMs?: number;
  /** Step between windows; half the window gives 50% overlap. Default 750 ms. */
  hopMs?: number;
  /** Segments shorter than this get no window (their words take the nearest speaker). Default 400 ms. */
  minWindowMs?: number;
}

/** A segment as the VAD yields it (src/audio/vad/segmenter.ts `SpeechSegment`). */
export interface SegmentAudio {
  start: number;
  end: number;
  pcm: Int16Array;
}

/**
 * Receives speech segments in order as the pipeline produces them and keeps one small vector per
 * window (27 floats and 91 frame statistics for the hand-made features: about 1 kB per
 * 0.75 s of speech, ~5 MB for an hour) and, with the hand-made features, 91 statistics per
 * 250 ms slice for word-level re-labelling (~5 MB more an hour), so diarization never holds the audio.
 */
export class SpeakerFeatureExtractor {
  private readonly embedder: SpeakerEmbedder;
  private readonly windowSamples: number;
  private readonly hopSamples: number;
  private readonly minSamples: number;
  private readonly windows: SpeakerWindow[] = [];
  private readonly slices: TimedSlice[] = [];
  private segments = 0;
  private lastEnd = -Infinity;

  constructor(options: FeatureExtractorOptions = {}) {
    const windowMs = options.windowMs ?? 1500;
    const hopMs = options.hopMs ?? 750;
    const minWindowMs = options.minWindowMs ?? 400;
    if (!(windowMs >= 200 && hopMs > 0 && hopMs <= windowMs && minWindowMs > 0 && minWindowMs <= windowMs)) {
      throw new EarshotError(
        'invalid_request',
        `Invalid speaker window settings: windowMs ${windowMs} (≥ 200), hopMs ${hopMs} (0 < hop ≤ window), minWindowMs ${minWindowMs} (0 < min ≤ window).`,
      );
    }
    this.embedder = options.embedder ?? new HandcraftedEmbedder();
    this.windowSamples = Math.round((windowMs * SAMPLE_RATE) / 1000);
    this.hopSamples = Math.round((hopMs * SAMPLE_RATE) / 1000);
    this.minSamples = Math.round((minWindowMs * SAMPLE_RATE) / 1000);
  }

  /** Describes one segment's windows; segments must come in time order without overlap. */
  async addSegment(segment: SegmentAudio): Promise<void> {
    // A few ms of tolerance: segment times are rounded to whole milliseconds.
    if (segment.start < this.lastEnd - 5) {
      throw new EarshotError(
        'invalid_request',
        `Speech segments must be added in time order: a segment starting at ${segment.start} ms came after one ending at ${this.lastEnd} ms.`,
      );
    }
    this.lastEnd = segment.end;
    const index = this.segments++;
    const spans = this.placeWindows(segment.pcm.length);
    const toMs = (samples: number) => segment.start + (samples * 1000) / SAMPLE_RATE;
    let embedded: (WindowEmbedding | null)[];
    if (this.embedder instanceof HandcraftedEmbedder) {
      const described = this.embedder.describeSegment(toFloat(segment.pcm), spans, (SLICE_MS * SAMPLE_RATE) / 1000);
      for (const slice of described.slices) this.slices.push({ start: toMs(slice.start), end: toMs(slice.end), stats: slice.stats });
      embedded = described.windows;
    } else {
      if (spans.length === 0) return;
      embedded = await this.embedder.embedWindows(toFloat(segment.pcm), spans, this.hopSamples / this.windowSamples);
    }
    spans.forEach((span, i) => {
      const found = embedded[i];
      if (!found) return;
      const window: SpeakerWindow = {
        start: toMs(span.start),
        end: toMs(span.end),
        segment: index,
        vector: found.vector,
      };
      if (found.frameStats) window.frameStats = found.frameStats;
      this.windows.push(window);
    });
  }

  /** The windows so far; the extractor can keep receiving segments afterwards. */
  features(): SpeakerFeatures {
    const features: SpeakerFeatures = { kind: this.embedder.kind, embedder: this.embedder.name, windows: [...this.windows] };
    if (this.embedder instanceof HandcraftedEmbedder) features.slices = [...this.slices];
    return features;
  }

  get windowCount(): number {
    return this.windows.length;
  }

  /** Windows from the segment start every hop; a last one flush with the end covers the tail. */
  private placeWindows(length: number): SampleWindow[] {
    if (length < this.minSamples) return [];
    if (length <= this.windowSamples) return [{ start: 0, end: length }];
    const spans: SampleWindow[] = [];
    let start = 0;
    for (; start + this.windowSamples <= length; start += this.hopSamples) spans.push({ start, end: start + this.windowSamples });
    const lastEnd = spans[spans.length - 1].end;
    if (length - lastEnd > this.hopSamples / 2) spans.push({ start: length - this.windowSamples, end: length });
    return spans;
  }
}
