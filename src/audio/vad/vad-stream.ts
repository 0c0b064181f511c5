import { PcmFramer, toFloatFrame } from './frames.js';
import { SileroStream, VAD_FRAME_SAMPLES } from './silero.js';

/**
 * Frame-level speech probabilities for live audio, the building block for real-time turn
 * detection. Frame `i` covers samples `[i * 512, (i + 1) * 512)` of the stream (32 ms at
 * 16 kHz), so the time of a probability is known from its index alone.
 *
 * ```ts
 * const vad = await createVadStream();
 * ws.on('message', async (pcm) => {
 *   const first = vad.frames;                 // index of the first probability returned
 *   const probs = await vad.push(pcm);        // one per whole frame completed by this chunk
 *   probs.forEach((p, k) => (p >= 0.5 ? onSpeech : onQuiet)((first + k) * 32));
 * });
 * ```
 *
 * Pushes must be awaited in turn (the model is recurrent). Inference yields to the event loop
 * between frames, so a server stays responsive while a long chunk is scored.
 */
export interface VadStream {
  /** Probabilities (0..1) of each frame this chunk completes; a partial frame waits for more PCM. */
  push(pcm: Int16Array): Promise<number[]>;
  /** Scores the last partial frame zero-padded, at the end of the stream; [] if there is none. */
  flush(): Promise<number[]>;
  /** Frames scored so far. */
  readonly frames: number;
  /** Forgets the model state and buffered samples, to start an unrelated stream. */
  reset(): void;
}

/** Opens a frame-level VAD on 16 kHz mono 16-bit PCM; the model is loaded once per process. */
export async function createVadStream(): Promise<VadStream> {
  const model = await SileroStream.open();
  const framer = new PcmFramer();
  const scratch = new Float32Array(VAD_FRAME_SAMPLES);
  let frames = 0;

  const score = async (frame: Int16Array): Promise<number> => {
    const p = await model.probability(toFloatFrame(frame, scratch));
    frames++;
    return p;
  };

  return {
    async push(pcm) {
      const probs: number[] = [];
      for (const frame of framer.frames(pcm)) probs.push(await score(frame));
      return probs;
    },
    async flush() {
      const tail = framer.takeTail();
      return tail ? [await score(tail.frame)] : [];
    },
    get frames() {
      return frames;
    },
    reset() {
      model.reset();
      framer.reset();
      frames = 0;
    },
  };
}
