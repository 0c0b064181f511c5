import { ENGINE_SAMPLE_RATE } from '../../engines/engine.js';

export interface AudioRange {
  /** Ms from the start of the audio where transcription begins (AssemblyAI `audio_start_from`). */
  startMs?: number;
  /** Ms where it ends (`audio_end_at`). */
  endMs?: number;
}

/**
 * Keeps only the samples inside the range, streaming. Samples before the start are replaced by
 * nothing, so callers shift word times by `startMs` to keep them relative to the whole file.
 */
export async function* trimPcm(pcm: AsyncIterable<Int16Array>, range: AudioRange): AsyncGenerator<Int16Array> {
  const first = Math.round(((range.startMs ?? 0) * ENGINE_SAMPLE_RATE) / 1000);
  const last = range.endMs === undefined ? Infinity : Math.round((range.endMs * ENGINE_SAMPLE_RATE) / 1000);
  let position = 0;
  for await (const chunk of pcm) {
    const chunkStart = position;
    position += chunk.length;
    if (position <= first) continue;
    if (chunkStart >= last) break;
    const from = Math.max(0, first - chunkStart);
    const to = Math.min(chunk.length, last - chunkStart);
    yield from === 0 && to === chunk.length ? chunk : chunk.subarray(from, to);
  }
}
