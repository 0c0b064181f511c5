/**
 * The whisper.cpp binding, loaded on first use so `earshot` starts without native code when
 * whisper is not asked for.
 *
 * Why `@fugood/whisper.node` (1.1.x), from the three npm bindings tried on Node 20 with npm only:
 * - It installs from the npm registry alone: whisper.cpp comes prebuilt in per-platform packages
 *   (`@fugood/node-whisper-<os>-<arch>`, Linux/macOS/Windows, x64 and arm64). Its postinstall only
 *   compiles when asked to build from source, so package.json denies it and nothing is lost.
 * - `transcribeData()` decodes on a libuv worker thread and returns a promise (timers kept running
 *   during a decode when tried), so a server stays responsive; it takes 16 kHz Int16 PCM and turns
 *   it into float32 itself, an initial prompt, and `maxLen: 1` + `tokenTimestamps` for per-token
 *   segments with times in ms (its source multiplies whisper's 10 ms ticks by 10).
 * - It is maintained alongside whisper.rn and bundles a recent whisper.cpp.
 * Cost: npm also installs its CUDA and Vulkan variants (~250 MB on linux-x64); we load the CPU one.
 *
 * Not chosen: `@napi-rs/whisper` 0.0.4 (loads and decodes, but its README calls it a macOS-only work
 * in progress, it ships linux-x64-gnu only, `full()` is synchronous and blocks the event loop, and
 * its segment time unit is undocumented); `smart-whisper` (its install script runs `node-gyp
 * rebuild`, compiling whisper.cpp on every install).
 *
 * The package ships TypeScript sources but no declarations, so the few calls used are typed here.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { EarshotError } from '../../errors.js';

export const WHISPER_PACKAGE = '@fugood/whisper.node';

export interface WhisperSegment {
  text: string;
  /** ms from the start of the audio given */
  t0: number;
  t1: number;
}

export interface WhisperTranscribeResult {
  result: string;
  segments: WhisperSegment[];
  isAborted: boolean;
  language?: string;
}

export interface WhisperTranscribeOptions {
  language?: string;
  prompt?: string;
  maxLen?: number;
  tokenTimestamps?: boolean;
  temperature?: number;
  maxThreads?: number;
}

export interface WhisperContextHandle {
  transcribeData(
    audio: ArrayBuffer,
    options?: WhisperTranscribeOptions,
  ): { stop: () => Promise<void>; promise: Promise<WhisperTranscribeResult> };
  release(): Promise<void>;
}

interface WhisperModule {
  initWhisper(options: { filePath: string; useGpu?: boolean }): Promise<WhisperContextHandle>;
  loadWhisperModule(): Promise<unknown>;
  toggleNativeLog(enable: boolean): Promise<void>;
  addNativeLogListener(listener: (level: string, text: string) => void): { remove: () => void };
}

let loading: Promise<WhisperModule> | undefined;

/** Loads the package and its native module once; throws `engine_not_ready` if either is missing. */
export function loadWhisperBinding(): Promise<WhisperModule> {
  loading ??= (async () => {
    // A string variable keeps tsc from resolving the package's undeclared TypeScript sources.
    const specifier: string = WHISPER_PACKAGE;
    const imported = (await import(specifier)) as { default?: WhisperModule } & WhisperModule;
    const binding = typeof imported.initWhisper === 'function' ? imported : (imported.default as WhisperModule);
    await binding.loadWhisperModule();
    return binding;
  })().catch((error: unknown) => {
    loading = undefined;
    throw new EarshotError(
      'engine_not_ready',
      `The whisper engine needs the npm package ${WHISPER_PACKAGE} with a prebuilt binary for ` +
        `${process.platform}-${process.arch}, which could not be loaded (${(error as Error).message}). ` +
        'Run `npm install` in the Earshot directory.',
      { cause: error },
    );
  });
  return loading;
}

/**
 * whisper.cpp logs every model load to stderr, which would garble CLI output. While an engine is
 * open its log goes to a listener that keeps the latest errors for our messages instead. The
 * listener holds the event loop open, so it is removed when the last engine closes.
 */
class NativeLog {
  private users = 0;
  private listener?: { remove: () => void };
  private seen = 0;
  private readonly errors: { n: number; text: string }[] = [];

  async acquire(binding: WhisperModule): Promise<void> {
    this.users += 1;
    if (this.users > 1) return;
    this.listener = binding.addNativeLogListener((level, text) => {
      if (level !== 'error') return;
      this.errors.push({ n: this.seen++, text: text.trim() });
      if (this.errors.length > 20) this.errors.shift();
    });
    await binding.toggleNativeLog(true);
  }

  async release(binding: WhisperModule): Promise<void> {
    this.users -= 1;
    if (this.users > 0) return;
    await binding.toggleNativeLog(false);
    this.listener?.remove();
    this.listener = undefined;
  }

  /** A position in the log, for `errorsSince`. */
  get mark(): number {
    return this.seen;
  }

  /** Errors logged since `mark`, after letting log callbacks queued by native code arrive. */
  async errorsSince(mark: number): Promise<string[]> {
    await sleep(20);
    return this.errors.filter((e) => e.n >= mark).map((e) => e.text);
  }
}

const nativeLog = new NativeLog();

/** Opens a ggml model; the handle is released with `closeWhisperContext`. */
export async function openWhisperContext(binding: WhisperModule, path: string): Promise<WhisperContextHandle> {
  await nativeLog.acquire(binding);
  const mark = nativeLog.mark;
  try {
    return await binding.initWhisper({ filePath: path, useGpu: false });
  } catch (error) {
    const logged = await nativeLog.errorsSince(mark);
    await nativeLog.release(binding);
    const detail = logged.length > 0 ? logged.join('; ') : (error as Error).message;
    throw new EarshotError(
      'engine_not_ready',
      `whisper.cpp could not load the model ${path} (${detail}). ` +
        'The file may be truncated or not a whisper.cpp ggml model: delete it and pull it again with `earshot models pull <name>`.',
      { cause: error },
    );
  }
}

export async function closeWhisperContext(binding: WhisperModule, context: WhisperContextHandle): Promise<void> {
  try {
    await context.release();
  } finally {
    await nativeLog.release(binding);
  }
}

export type { WhisperModule };
