/**
 * One streaming session on an accepted WebSocket: the mirror image of the SDK's
 * StreamingTranscriber. `Begin` goes out as soon as the session is accepted (the SDK's connect()
 * waits for it, 1 s by default), while the recognizer and VAD are still being set up; audio that
 * arrives meanwhile waits in the queue. Binary frames are audio, text frames are the JSON
 * messages of protocol.ts, handled in order with the audio around them. `Terminate` drains the
 * queue, ends the last turn, sends `Termination` and closes with 1000; every failure closes with
 * its code from close-codes.ts.
 *
 * Bounds: audio waiting to be transcribed is capped; above `HIGH_WATER_MS` the socket stops being
 * read (TCP pushes back on the client), and a client that still gets past `QUEUE_LIMIT_MS` is
 * closed. Inactivity and the maximum session length are timers.
 */
import { randomUUID } from 'node:crypto';
import type { RawData, WebSocket } from 'ws';
import { createVadStream } from '../audio/vad/vad-stream.js';
import { ENGINE_SAMPLE_RATE, type IncrementalRecognizer, type SpeechEngine } from '../engines/engine.js';
import { EarshotError } from '../errors.js';
import { punctuateTurn } from '../intelligence/punctuation/punctuate.js';
import { OnlineSpeakerTracker } from '../intelligence/speakers/online-tracker.js';
import type { Word } from '../transcript/model.js';
import { StreamAudioDecoder } from './audio-input.js';
import { CLOSE_GOING_AWAY, CLOSE_NORMAL, closeFrameFor, type CloseFrame } from './close-codes.js';
import { applySettings, parseClientMessage, WARNING_NOT_APPLIED, type ServerMessage, type StreamOptions, type TurnMessage } from './protocol.js';
import { StreamTranscriber } from './transcriber.js';

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
  /** Closes an idle session (no audio, no message); the client's `inactivity_timeout` wins, up to `maxInactivityMs`. */
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

type Item = { kind: 'audio'; pcm: Int16Array } | { kind: 'force' } | { kind: 'update'; settings: Record<string, string> } | { kind: 'end'; close: CloseFrame };

export class StreamSession {
  readonly id = randomUUID();
  private readonly started = Date.now();
  private readonly decoder: StreamAudioDecoder;
  private readonly queue: Item[] = [];
  private queuedMs = 0;
  private wake: (() => void) | null = null;
  private settings: StreamOptions;
  private recognizer?: IncrementalRecognizer;
  private transcriber?: StreamTranscriber;
  private inactivity?: NodeJS.Timeout;
  private readonly expiry: NodeJS.Timeout;
  private ending = false;
  private ended = false;
  private readonly finalTurns: Word[][] = [];

  constructor(
    private readonly ws: WebSocket,
    options: StreamOptions,
    private readonly deps: SessionDeps,
  ) {
    this.settings = options;
    this.decoder = new StreamAudioDecoder(options.encoding, options.sampleRate);
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    ws.on('close', (code) => this.finish({ code, reason: 'client disconnected' }, false));
    ws.on('error', () => this.finish({ code: CLOSE_GOING_AWAY, reason: 'socket error' }, false));
    const maxMs = deps.timeouts.maxDurationMs;
    this.expiry = setTimeout(() => {
      const minutes = Math.round(maxMs / 60_000);
      this.enqueue({ kind: 'end', close: closeFrameFor(new EarshotError('stream_expired', `Session expired: maximum session duration (${minutes >= 1 ? `${minutes} min` : `${maxMs / 1000} s`}) reached.`)) });
    }, maxMs);
    this.expiry.unref();
    this.touch();
    this.send({ type: 'Begin', id: this.id, expires_at: Math.floor((this.started + maxMs) / 1000) });
    void this.run();
  }

  /** Closes the session from the server side (shutdown): no Termination. */
  shutdown(): void {
    this.finish({ code: CLOSE_GOING_AWAY, reason: 'Server shutting down' }, true);
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (this.ending || this.ended) return;
    this.touch();
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    try {
      if (isBinary) {
        const pcm = this.decoder.push(bytes);
        if (pcm.length > 0) this.enqueue({ kind: 'audio', pcm });
        return;
      }
      const message = parseClientMessage(bytes.toString('utf8'));
      switch (message.type) {
        case 'Terminate':
          this.enqueue({ kind: 'end', close: { code: CLOSE_NORMAL, reason: '' } });
          break;
        case 'ForceEndpoint':
          this.enqueue({ kind: 'force' });
          break;
        case 'UpdateConfiguration':
          if (message.notApplied.length > 0) {
            this.send({ type: 'Warning', warning_code: WARNING_NOT_APPLIED, warning: `Not applied mid-session: ${message.notApplied.join(', ')}; set them when connecting.` });
          }
          if (Object.keys(message.settings).length > 0) this.enqueue({ kind: 'update', settings: message.settings });
          break;
        case 'KeepAlive':
          break;
      }
    } catch (err) {
      this.finish(closeFrameFor(err), true);
    }
  }

  private enqueue(item: Item): void {
    if (this.ended) return;
    if (item.kind === 'end') {
      if (this.ending) return;
      this.ending = true;
      const tail = this.decoder.flush();
      if (tail.length > 0) this.queue.push({ kind: 'audio', pcm: tail });
    }
    if (item.kind === 'audio') {
      this.queuedMs += msOf(item.pcm);
      if (this.queuedMs > QUEUE_LIMIT_MS) {
        this.finish(closeFrameFor(new EarshotError('stream_overloaded', `Audio arrives faster than it is transcribed: over ${QUEUE_LIMIT_MS / 1000} s queued. Send at real-time pace or wait for the socket to drain.`)), true);
        return;
      }
      if (this.queuedMs > HIGH_WATER_MS && !this.ws.isPaused) this.ws.pause();
    }
    this.queue.push(item);
    this.wake?.();
  }

  private async run(): Promise<void> {
    try {
      await this.setUp();
      while (!this.ended) {
        const item = this.queue.shift();
        if (!item) {
          await new Promise<void>((resolve) => (this.wake = resolve));
          this.wake = null;
          continue;
        }
        await this.handle(item);
      }
    } catch (err) {
      this.finish(closeFrameFor(err), true);
    }
  }

  private async setUp(): Promise<void> {
    const engine = await this.deps.engine;
    const vocabulary = this.settings.keyterms.length > 0 ? { words: this.settings.keyterms, boost: 'default' as const } : undefined;
    const pending = engine.createRecognizer({ vocabulary });
    // A recognizer the session no longer wants (it ended, or gave up waiting) goes straight back.
    void pending.then((r) => this.ended && r.close(), () => {});
    const [recognizer, vad] = await Promise.all([withTimeout(pending, SETUP_TIMEOUT_MS), createVadStream()]);
    if (this.ended) {
      recognizer.close();
      return;
    }
    this.recognizer = recognizer;
    this.transcriber = new StreamTranscriber({
      recognizer,
      vad,
      settings: this.settings,
      format: (words) => punctuateTurn(words, { formatText: true }),
      speakers: this.settings.speakerLabels ? new OnlineSpeakerTracker({ maxSpeakers: this.settings.maxSpeakers }) : undefined,
      emit: (turn) => this.onTurn(turn),
    });
  }

  private async handle(item: Item): Promise<void> {
    const transcriber = this.transcriber!;
    switch (item.kind) {
      case 'audio':
        // Transcribing what the client sent counts as activity: a client may send fast, then wait.
        this.touch();
        this.queuedMs -= msOf(item.pcm);
        if (this.ws.isPaused && this.queuedMs < LOW_WATER_MS) this.ws.resume();
        await transcriber.process(item.pcm);
        break;
      case 'force':
        await transcriber.forceEndpoint();
        break;
      case 'update':
        this.settings = { ...this.settings, ...applySettings(this.settings, item.settings) };
        transcriber.update(this.settings);
        break;
      case 'end':
        await transcriber.finish();
        this.send({
          type: 'Termination',
          audio_duration_seconds: round(this.decoder.durationSeconds),
          session_duration_seconds: round((Date.now() - this.started) / 1000),
        });
        this.finish(item.close, true);
        break;
    }
  }

  private onTurn(turn: TurnMessage): void {
    if (this.deps.keepWords && turn.end_of_turn && turn.turn_is_formatted === this.settings.formatTurns) {
      this.finalTurns.push(turn.words.map((w) => ({ text: w.text, start: w.start, end: w.end, confidence: w.confidence, speaker: w.speaker ?? null })));
    }
    this.send(turn);
  }

  private send(message: ServerMessage): void {
    if (this.ended || this.ws.readyState !== this.ws.OPEN) return;
    if (this.ws.bufferedAmount > SEND_BUFFER_LIMIT) {
      this.finish(closeFrameFor(new EarshotError('stream_overloaded', 'The client is not reading the server\'s messages.')), true);
      return;
    }
    this.ws.send(JSON.stringify(message));
  }

  private touch(): void {
    clearTimeout(this.inactivity);
    const { inactivityMs, maxInactivityMs } = this.deps.timeouts;
    const ms = Math.min(this.settings.inactivityTimeoutMs ?? inactivityMs, maxInactivityMs);
    this.inactivity = setTimeout(() => {
      this.finish(closeFrameFor(new EarshotError('stream_inactive', `Session Timeout: no audio or message for ${ms / 1000} s (inactivity_timeout).`)), true);
    }, ms);
    this.inactivity.unref();
  }

  /** Ends the session once: timers, socket, recognizer, then the owner's bookkeeping. */
  private finish(close: CloseFrame, closeSocket: boolean): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.inactivity);
    clearTimeout(this.expiry);
    this.wake?.();
    this.queue.length = 0;
    if (closeSocket && (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING)) this.ws.close(close.code, close.reason);
    if (this.ws.isPaused) this.ws.resume();
    this.recognizer?.close();
    this.deps.onEnd({
      id: this.id,
      audioSeconds: round(this.decoder.durationSeconds),
      sessionSeconds: round((Date.now() - this.started) / 1000),
      turns: this.transcriber?.turns ?? 0,
      finalTurns: this.deps.keepWords ? this.finalTurns : undefined,
      close,
    });
  }
}

function msOf(pcm: Int16Array): number {
  return (pcm.length * 1000) / ENGINE_SAMPLE_RATE;
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
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
