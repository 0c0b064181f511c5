/**
 * The protocol-independent part of a real-time session, shared by the v3 session (session.ts) and
 * the OpenAI Realtime transcription session (openai/session.ts): one realtime core, two protocols.
 * It owns the socket's lifecycle, the queue that keeps audio and the protocol's commands in the
 * order they arrived, back-pressure, the session limits and timers, the recognizer + VAD +
 * StreamTranscriber set-up, and the one-time cleanup. A protocol parses and serialises its
 * messages, runs its commands against the transcriber, and maps failures to its wire (hooks).
 *
 * Bounds: audio waiting to be transcribed is capped; above `HIGH_WATER_MS` the socket stops being
 * read (TCP pushes back on the client), and a client that still gets past `QUEUE_LIMIT_MS` is
 * closed. Inactivity and the maximum session length are timers.
 */
import type { RawData, WebSocket } from 'ws';
import { createVadStream } from '../audio/vad/vad-stream.js';
import { ENGINE_SAMPLE_RATE, type IncrementalRecognizer, type RecognizeOptions, type SpeechEngine } from '../engines/engine.js';
import { EarshotError } from '../errors.js';
import { punctuateTurn } from '../intelligence/punctuation/punctuate.js';
import type { Word } from '../transcript/model.js';
import { CLOSE_GOING_AWAY, type CloseFrame } from './close-codes.js';
import { StreamTranscriber, type TranscriberOptions } from './transcriber.js';

/** Queued audio at which the socket stops being read, and at which reading resumes. */
export const HIGH_WATER_MS = 2000;
export const LOW_WATER_MS = 500;
/** Queued audio past which a client that ignores back-pressure is closed. */
export const QUEUE_LIMIT_MS = 20_000;
/**
 * How long a session may wait for the engine's decoder. The default decoders are sized to the
 * session limit, but a `keyterms_prompt` gets a decoder built for that vocabulary, one session at a
 * time: a second session with the same terms would otherwise wait for the first to end.
 */
const SETUP_TIMEOUT_MS = 10_000;
/** Unsent server messages past which a client that does not read is closed. */
const SEND_BUFFER_LIMIT = 4 * 1024 * 1024;

export interface SessionTimeouts {
  /** Closes an idle session (no audio, no message); a v3 client's `inactivity_timeout` wins, up to `maxInactivityMs`. */
  inactivityMs: number;
  maxInactivityMs: number;
  /** Closes the session after this long, whatever it is doing. */
  maxDurationMs: number;
}

export interface SessionSummary {
  id: string;
  audioSeconds: number;
  sessionSeconds: number;
  turns: number;
  /** Final turns' words (formatted when asked), kept only when the server stores streams. */
  finalTurns?: Word[][];
  close: CloseFrame;
}

export interface SessionDeps {
  engine: Promise<SpeechEngine>;
  timeouts: SessionTimeouts;
  /** Keep the final turns for storing (the `--store-streams` setting). */
  keepWords: boolean;
  onEnd(summary: SessionSummary): void;
}

/** What a protocol plugs into the core. `C` is the protocol's queued command (not audio). */
export interface ProtocolHooks<C> {
  /** A frame from the client; it already counts as activity. Throwing fails the session. */
  onFrame(bytes: Buffer, isBinary: boolean): void;
  /** Runs a queued command, in order with the audio around it. */
  run(command: C, transcriber: StreamTranscriber): Promise<void>;
  recognizerOptions(): RecognizeOptions;
  /** The transcriber's turn settings and outputs; the core adds recognizer, VAD and formatting. */
  transcriberOptions(): Omit<TranscriberOptions, 'recognizer' | 'vad' | 'format'>;
  inactivityMs(): number;
  inactivityMessage(ms: number): string;
  /** The maximum session length is reached: end now, or drain first. */
  onExpired(maxMs: number): void;
  /** The close frame a failure ends the session with. */
  closeFor(err: unknown): CloseFrame;
  /** Tells the client about a failure before the close, where the protocol has a message for it. */
  announceFailure?(err: unknown): void;
  /** Audio received, for the summary. */
  audioSeconds(): number;
}

type Entry<C> = { kind: 'audio'; pcm: Int16Array; receivedAt: number } | { kind: 'command'; command: C };

export class SessionCore<C> {
  readonly started = Date.now();
  private readonly queue: Entry<C>[] = [];
  private queuedMs = 0;
  private wake: (() => void) | null = null;
  private recognizer?: IncrementalRecognizer;
  private transcriber?: StreamTranscriber;
  private inactivity?: NodeJS.Timeout;
  private readonly expiry: NodeJS.Timeout;
  private done = false;
  private readonly finalTurns: Word[][] = [];

  constructor(
    private readonly id: string,
    private readonly ws: WebSocket,
    private readonly deps: SessionDeps,
    private readonly hooks: ProtocolHooks<C>,
  ) {
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    ws.on('close', (code) => this.end({ code, reason: 'client disconnected' }, false));
    ws.on('error', () => this.end({ code: CLOSE_GOING_AWAY, reason: 'socket error' }, false));
    const maxMs = deps.timeouts.maxDurationMs;
    this.expiry = setTimeout(() => hooks.onExpired(maxMs), maxMs);
    this.expiry.unref();
    this.touch();
    void this.runQueue();
  }

  get ended(): boolean {
    return this.done;
  }

  /** When the maximum session length is reached, in Unix seconds. */
  get expiresAt(): number {
    return Math.floor((this.started + this.deps.timeouts.maxDurationMs) / 1000);
  }

  get sessionSeconds(): number {
    return Math.round(Date.now() - this.started) / 1000;
  }

  /** Whether final turns are kept for storing; `keepFinalTurn` is a no-op otherwise. */
  get keepsTurns(): boolean {
    return this.deps.keepWords;
  }

  keepFinalTurn(words: Word[]): void {
    if (this.deps.keepWords) this.finalTurns.push(words);
  }

  /** Queues engine-rate audio, pausing the socket above the high-water mark. */
  audio(pcm: Int16Array): void {
    if (this.done || pcm.length === 0) return;
    this.queuedMs += msOf(pcm);
    if (this.queuedMs > QUEUE_LIMIT_MS) {
      this.fail(new EarshotError('stream_overloaded', `Audio arrives faster than it is transcribed: over ${QUEUE_LIMIT_MS / 1000} s queued. Send at real-time pace or wait for the socket to drain.`));
      return;
    }
    if (this.queuedMs > HIGH_WATER_MS && !this.ws.isPaused) this.ws.pause();
    this.push({ kind: 'audio', pcm, receivedAt: performance.now() });
  }

  command(command: C): void {
    if (this.done) return;
    this.push({ kind: 'command', command });
  }

  /** Sends a serialised message; a client that stops reading is closed. */
  send(text: string): void {
    if (this.done || this.ws.readyState !== this.ws.OPEN) return;
    if (this.ws.bufferedAmount > SEND_BUFFER_LIMIT) {
      // Not announced: the client would not read the announcement either.
      this.end(this.hooks.closeFor(new EarshotError('stream_overloaded', "The client is not reading the server's messages.")), true);
      return;
    }
    this.ws.send(text);
  }

  /** Ends the session on a failure, the protocol's way. */
  fail(err: unknown): void {
    if (this.done) return;
    this.hooks.announceFailure?.(err);
    this.end(this.hooks.closeFor(err), true);
  }

  /** Closes the session from the server side (shutdown). */
  shutdown(): void {
    this.end({ code: CLOSE_GOING_AWAY, reason: 'Server shutting down' }, true);
  }

  /** Ends the session once: timers, socket, recognizer, then the owner's bookkeeping. */
  end(close: CloseFrame, closeSocket: boolean): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.inactivity);
    clearTimeout(this.expiry);
    this.wake?.();
    this.queue.length = 0;
    if (closeSocket && (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING)) this.ws.close(close.code, close.reason);
    if (this.ws.isPaused) this.ws.resume();
    this.recognizer?.close();
    this.deps.onEnd({
      id: this.id,
      audioSeconds: this.hooks.audioSeconds(),
      sessionSeconds: this.sessionSeconds,
      turns: this.transcriber?.turns ?? 0,
      finalTurns: this.deps.keepWords ? this.finalTurns : undefined,
      close,
    });
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (this.done) return;
    this.touch();
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    try {
      this.hooks.onFrame(bytes, isBinary);
    } catch (err) {
      this.fail(err);
    }
  }

  private push(entry: Entry<C>): void {
    this.queue.push(entry);
    this.wake?.();
  }

  private async runQueue(): Promise<void> {
    try {
      await this.setUp();
      while (!this.done) {
        const entry = this.queue.shift();
        if (!entry) {
          await new Promise<void>((resolve) => (this.wake = resolve));
          this.wake = null;
          continue;
        }
        await this.handle(entry, this.transcriber!);
      }
    } catch (err) {
      this.fail(err);
    }
  }

  private async setUp(): Promise<void> {
    const engine = await this.deps.engine;
    const pending = engine.createRecognizer(this.hooks.recognizerOptions());
    // A recognizer the session no longer wants (it ended, or gave up waiting) goes straight back.
    void pending.then((r) => this.done && r.close(), () => {});
    // Without the language model (unreadable) turns still end, on silence alone.
    const [recognizer, vad, sentenceEnds] = await Promise.all([
      withTimeout(pending, SETUP_TIMEOUT_MS),
      createVadStream(),
      engine.sentenceEnds?.().catch(() => undefined),
    ]);
    if (this.done) {
      recognizer.close();
      return;
    }
    this.recognizer = recognizer;
    this.transcriber = new StreamTranscriber({
      ...this.hooks.transcriberOptions(),
      recognizer,
      vad,
      sentenceEnds,
      format: (words) => punctuateTurn(words, { formatText: true }),
    });
  }

  private async handle(entry: Entry<C>, transcriber: StreamTranscriber): Promise<void> {
    if (entry.kind === 'command') return this.hooks.run(entry.command, transcriber);
    // Transcribing what the client sent counts as activity: a client may send fast, then wait.
    this.touch();
    this.queuedMs -= msOf(entry.pcm);
    if (this.ws.isPaused && this.queuedMs < LOW_WATER_MS) this.ws.resume();
    await transcriber.process(entry.pcm, entry.receivedAt);
  }

  private touch(): void {
    clearTimeout(this.inactivity);
    const ms = this.hooks.inactivityMs();
    this.inactivity = setTimeout(() => this.fail(new EarshotError('stream_inactive', this.hooks.inactivityMessage(ms))), ms);
    this.inactivity.unref();
  }
}

function msOf(pcm: Int16Array): number {
  return (pcm.length * 1000) / ENGINE_SAMPLE_RATE;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new EarshotError('stream_too_many_sessions', `The speech engine had no free decoder for this session within ${ms / 1000} s (a keyterms_prompt decoder serves one session at a time); try again shortly.`));
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
