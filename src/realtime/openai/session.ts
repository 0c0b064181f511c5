/**
 * One OpenAI Realtime transcription session on an accepted WebSocket, on the same core as a v3
 * session (../session.ts): the engine's recognizer, the Silero VAD and the turn detector through
 * StreamTranscriber, with the same queue bounds and timers. Only the wire differs:
 * - `session.created` goes out at once; `session.update` / `transcription_session.update` answer
 *   `session.updated` / `transcription_session.updated` or an `error` event;
 * - `input_audio_buffer.append` is queued audio; `commit` ends the item now (v3's ForceEndpoint),
 *   `clear` drops it;
 * - each turn is an item (items.ts): `speech_started` when it opens (server VAD), `speech_stopped`
 *   and `committed` when it ends, transcription `delta`s as its words become final, `completed`.
 */
import type { RawData, WebSocket } from 'ws';
import { createVadStream } from '../../audio/vad/vad-stream.js';
import { ENGINE_SAMPLE_RATE, type IncrementalRecognizer, type SpeechEngine } from '../../engines/engine.js';
import { EarshotError } from '../../errors.js';
import { punctuateTurn } from '../../intelligence/punctuation/punctuate.js';
import type { Word } from '../../transcript/model.js';
import { CLOSE_GOING_AWAY, type CloseFrame } from '../close-codes.js';
import { HIGH_WATER_MS, LOW_WATER_MS, QUEUE_LIMIT_MS, type SessionDeps } from '../session.js';
import { StreamTranscriber } from '../transcriber.js';
import { AppendDecoder } from './audio.js';
import { closeFor, errorBodyFor } from './errors.js';
import { newId, RealtimeEventError, type ServerEvent } from './events.js';
import { TurnItems } from './items.js';
import { applySessionUpdate, renderSession, turnSettingsOf, type ConfigShape, type TranscriptionConfig } from './session-config.js';

/** OpenAI refuses to commit less than this much audio (`input_audio_buffer_commit_empty`). */
const MIN_COMMIT_MS = 100;
const SEND_BUFFER_LIMIT = 4 * 1024 * 1024;

export interface OpenAiSessionDeps extends SessionDeps {
  /** Transcription model names accepted in the session configuration. */
  models: readonly string[];
}

type Item = { kind: 'audio'; pcm: Int16Array } | { kind: 'commit' } | { kind: 'clear' } | { kind: 'update'; config: TranscriptionConfig };

export class OpenAiTranscriptionSession {
  readonly id = newId('sess');
  private readonly started = Date.now();
  private config: TranscriptionConfig;
  private shape: ConfigShape = 'ga';
  private decoder: AppendDecoder;
  private readonly queue: Item[] = [];
  private queuedMs = 0;
  /** Audio appended since the last commit or clear, ms (at the client's rate). */
  private bufferedMs = 0;
  private wake: (() => void) | null = null;
  private recognizer?: IncrementalRecognizer;
  private transcriber?: StreamTranscriber;
  private readonly items: TurnItems;
  private inactivity?: NodeJS.Timeout;
  private readonly expiry: NodeJS.Timeout;
  private ended = false;
  private readonly finalTurns: Word[][] = [];

  constructor(
    private readonly ws: WebSocket,
    initial: TranscriptionConfig,
    private readonly deps: OpenAiSessionDeps,
  ) {
    this.config = initial;
    this.decoder = new AppendDecoder(initial.format);
    this.items = new TurnItems({
      send: (event) => this.send(event),
      config: () => this.config,
      autoCommitted: () => this.markCommitted(),
      finalWords: deps.keepWords ? (words) => this.finalTurns.push(words.map((w) => ({ text: w.text, start: w.start, end: w.end, confidence: w.confidence, speaker: null }))) : undefined,
    });
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    ws.on('close', (code) => this.finish({ code, reason: 'client disconnected' }, false));
    ws.on('error', () => this.finish({ code: CLOSE_GOING_AWAY, reason: 'socket error' }, false));
    const maxMs = deps.timeouts.maxDurationMs;
    this.expiry = setTimeout(() => this.fail(new EarshotError('stream_expired', `Your session hit the maximum duration of ${maxMs / 1000} s.`)), maxMs);
    this.expiry.unref();
    this.touch();
    this.send({ type: 'session.created', session: renderSession(this.config, 'ga', { id: this.id, expiresAt: Math.floor((this.started + maxMs) / 1000) }) });
    void this.run();
  }

  /** Closes the session from the server side (shutdown). */
  shutdown(): void {
    this.finish({ code: CLOSE_GOING_AWAY, reason: 'Server shutting down' }, true);
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (this.ended) return;
    this.touch();
    let eventId: string | null = null;
    try {
      if (isBinary) throw new RealtimeEventError('invalid_value', 'Binary frames are not part of this protocol: send audio as input_audio_buffer.append events (base64).');
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
      let event: Record<string, unknown>;
      try {
        event = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
      } catch {
        throw new RealtimeEventError('invalid_json', 'The event is not valid JSON.');
      }
      if (typeof event !== 'object' || event === null || Array.isArray(event)) throw new RealtimeEventError('invalid_json', 'An event is a JSON object with a "type".');
      if (typeof event.event_id === 'string') eventId = event.event_id;
      this.onEvent(event);
    } catch (err) {
      if (err instanceof RealtimeEventError) this.send({ type: 'error', error: err.body(eventId) });
      else this.fail(err);
    }
  }

  private onEvent(event: Record<string, unknown>): void {
    switch (event.type) {
      case 'input_audio_buffer.append': {
        const pcm = this.decoder.push(event.audio);
        this.bufferedMs = this.decoder.receivedMs - this.committedAtMs;
        if (pcm.length > 0) this.enqueue({ kind: 'audio', pcm });
        return;
      }
      case 'input_audio_buffer.commit':
        if (this.bufferedMs < MIN_COMMIT_MS) {
          throw new RealtimeEventError(
            'input_audio_buffer_commit_empty',
            `Error committing input audio buffer: buffer too small. Expected at least ${MIN_COMMIT_MS}ms of audio, but buffer only has ${this.bufferedMs.toFixed(2)}ms of audio.`,
          );
        }
        this.markCommitted();
        this.enqueue({ kind: 'commit' });
        return;
      case 'input_audio_buffer.clear':
        this.markCommitted();
        this.enqueue({ kind: 'clear' });
        return;
      case 'session.update':
      case 'transcription_session.update': {
        const shape: ConfigShape = event.type === 'session.update' ? 'ga' : 'beta';
        const config = applySessionUpdate(this.config, event.session, shape, this.deps.models);
        if (config.format !== this.config.format) {
          const tail = this.decoder.flush();
          if (tail.length > 0) this.enqueue({ kind: 'audio', pcm: tail });
          this.decoder = new AppendDecoder(config.format);
          this.committedAtMs = 0;
          this.bufferedMs = 0;
        }
        this.config = config;
        this.shape = shape;
        this.enqueue({ kind: 'update', config });
        this.send({ type: shape === 'ga' ? 'session.updated' : 'transcription_session.updated', session: renderSession(config, shape, { id: this.id }) });
        return;
      }
      default:
        throw new RealtimeEventError(
          'invalid_value',
          typeof event.type === 'string'
            ? `The event "${event.type}" is not supported in a transcription session: use session.update, input_audio_buffer.append, input_audio_buffer.commit or input_audio_buffer.clear.`
            : 'The event has no "type".',
          'type',
        );
    }
  }

  /** `decoder.receivedMs` at the last commit or clear (or automatic commit). */
  private committedAtMs = 0;

  private markCommitted(): void {
    this.committedAtMs = this.decoder.receivedMs;
    this.bufferedMs = 0;
  }

  private enqueue(item: Item): void {
    if (this.ended) return;
    if (item.kind === 'audio') {
      this.queuedMs += msOf(item.pcm);
      if (this.queuedMs > QUEUE_LIMIT_MS) {
        this.fail(new EarshotError('stream_overloaded', `Audio arrives faster than it is transcribed: over ${QUEUE_LIMIT_MS / 1000} s queued. Send at real-time pace.`));
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
      this.fail(err);
    }
  }

  private async setUp(): Promise<void> {
    const engine: SpeechEngine = await this.deps.engine;
    const pending = engine.createRecognizer({});
    void pending.then((r) => this.ended && r.close(), () => {});
    const [recognizer, vad] = await Promise.all([pending, createVadStream()]);
    if (this.ended) {
      recognizer.close();
      return;
    }
    this.recognizer = recognizer;
    this.transcriber = new StreamTranscriber({
      recognizer,
      vad,
      settings: turnSettingsOf(this.config),
      format: (words) => punctuateTurn(words, { formatText: true }),
      emit: (turn) => this.items.turn(turn),
      onTurnBoundary: (event) => this.items.boundary(event),
    });
  }

  private async handle(item: Item): Promise<void> {
    const transcriber = this.transcriber!;
    switch (item.kind) {
      case 'audio':
        this.touch();
        this.queuedMs -= msOf(item.pcm);
        if (this.ws.isPaused && this.queuedMs < LOW_WATER_MS) this.ws.resume();
        await transcriber.process(item.pcm);
        break;
      case 'commit':
        await transcriber.forceEndpoint();
        break;
      case 'clear':
        await transcriber.discard();
        this.items.clear();
        this.send({ type: 'input_audio_buffer.cleared' });
        break;
      case 'update':
        transcriber.update(turnSettingsOf(item.config));
        break;
    }
  }

  private send(event: ServerEvent): void {
    if (this.ended || this.ws.readyState !== this.ws.OPEN) return;
    if (this.ws.bufferedAmount > SEND_BUFFER_LIMIT) {
      this.finish({ code: 1008, reason: "The client is not reading the server's events." }, true);
      return;
    }
    this.ws.send(JSON.stringify({ event_id: newId('event'), ...event }));
  }

  private touch(): void {
    clearTimeout(this.inactivity);
    const ms = this.deps.timeouts.inactivityMs;
    this.inactivity = setTimeout(() => this.fail(new EarshotError('stream_inactive', `Session timeout: no audio or event for ${ms / 1000} s.`)), ms);
    this.inactivity.unref();
  }

  /** A failure that ends the session: an `error` event, then the close. */
  private fail(err: unknown): void {
    if (this.ended) return;
    this.send({ type: 'error', error: errorBodyFor(err) });
    this.finish(closeFor(err), true);
  }

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
      audioSeconds: Math.round(this.decoder.receivedMs) / 1000,
      sessionSeconds: Math.round(Date.now() - this.started) / 1000,
      turns: this.transcriber?.turns ?? 0,
      finalTurns: this.deps.keepWords ? this.finalTurns : undefined,
      close,
    });
  }
}

function msOf(pcm: Int16Array): number {
  return (pcm.length * 1000) / ENGINE_SAMPLE_RATE;
}
