import type { RecognizeOptions, SpeechEngine } from '../../engines/engine.js';
import type { Segment } from '../../transcript/model.js';
import type { SpeechSegment } from '../../audio/vad/segmenter.js';

export interface AsrOptions {
  /** How many segments may be in recognition at once; VAD keeps cutting the next ones meanwhile. */
  inFlight?: number;
  prompt?: string;
  temperature?: number;
  vocabulary?: RecognizeOptions['vocabulary'];
  onSegment?: (segment: Segment) => void;
}

/**
 * Recognises speech segments as VAD yields them. A small window of segments is in flight so the
 * engine (off the main thread) and VAD overlap, while memory stays bounded by the window.
 */
export async function recognizeSegments(
  speech: AsyncIterable<SpeechSegment>,
  engine: SpeechEngine,
  options: AsrOptions = {},
): Promise<Segment[]> {
  const limit = Math.max(1, options.inFlight ?? 3);
  const results: Segment[] = [];
  const window: Promise<Segment>[] = [];
  const settleOldest = async () => {
    const segment = await window.shift()!;
    results.push(segment);
    options.onSegment?.(segment);
  };
  try {
    for await (const piece of speech) {
      window.push(
        engine
          .recognize(piece.pcm, { offsetMs: piece.start, prompt: options.prompt, vocabulary: options.vocabulary, temperature: options.temperature })
          .then((r) => ({ start: piece.start, end: piece.end, words: r.words, ...(r.language ? { language: r.language } : {}) })),
      );
      if (window.length >= limit) await settleOldest();
    }
    while (window.length > 0) await settleOldest();
  } finally {
    // On failure, don't leave rejections of the remaining window unhandled.
    for (const pending of window) pending.catch(() => {});
  }
  return results;
}
