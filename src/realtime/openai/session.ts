/**
 * One OpenAI Realtime transcription session on an accepted WebSocket, on the same core as a v3
 * session (../session-core.ts): the engine's recognizer, the Silero VAD and the turn detector
 * through StreamTranscriber, with the same queue bounds and timers. Only the wire differs:
 * - `session.created` goes out at once; `session.update` / `transcription_session.update` answer
 *   `session.updated` / `transcription_session.updated` or an `error` event;
 * - `input_audio_buffer.append` is queued audio; `commit` ends the item now (v3's ForceEndpoint),
 *   `clear` drops it;
 * - each turn is an item (items.ts): `speech_started` when it opens (server VAD), `speech_stopped`
 *   and `committed` when it ends, transcription `delta`s as its words become final, `completed`.
 * Failures that end the session send an `error` event, then close (errors.ts).
 */
import type { WebSocket } from 'ws';
import { EarshotError } from '../../errors.js';
import { SessionCore, type SessionDeps } from '../session-core.js';
import type { StreamTranscriber } from '../transcriber.js';
import { AppendDecoder } from './audio.js';
import { closeFor, errorBodyFor } from './errors.js';
import { newId, RealtimeEventError, type ServerEvent } from './events.js';
import { TurnItems } from './items.js';
import { applySessionUpdate, renderSession, turnSettingsOf, type ConfigShape, type TranscriptionConfig } from './session-config.js';

/** OpenAI refuses to commit less than this much audio (`input_audio_buffer_commit_empty`). */
const MIN_COMMIT_MS = 100;

export interface OpenAiSessionDeps extends SessionDeps {
  /** Transcription model names accepted in the session configuration. */
  models: readonly string[];
}

type Command = { kind: 'commit' } | { kind: 'clear' } | { kind: 'update'; config: TranscriptionConfig };

export class OpenAiTranscriptionSession {
  readonly id = newId('sess');
  private config: TranscriptionConfig;
  private decoder: AppendDecoder;
  /** Audio appended since the last commit or clear, ms (at the client's rate). */
  private bufferedMs = 0;
  /** `decoder.receivedMs` at the last commit or clear (or automatic commit). */
  private committedAtMs = 0;
  private readonly items: TurnItems;
  private readonly core: SessionCore<Command>;

  constructor(
    ws: WebSocket,
    initial: TranscriptionConfig,
    private readonly deps: OpenAiSessionDeps,
  ) {
    this.config = initial;
    this.decoder = new AppendDecoder(initial.format);
    this.items = new TurnItems({
      send: (event) => this.send(event),
      config: () => this.config,
      autoCommitted: () => this.markCommitted(),
      finalWords: deps.keepWords ? (words) => this.core.keepFinalTurn(words.map((w) => ({ text: w.text, start: w.start, end: w.end, confidence: w.confidence, speaker: null }))) : undefined,
    });
    this.core = new SessionCore<Command>(this.id, ws, deps, {
      onFrame: (bytes, isBinary) => this.onFrame(bytes, isBinary),
      run: (command, transcriber) => this.run(command, transcriber),
      recognizerOptions: () => ({}),
      transcriberOptions: () => ({
        settings: turnSettingsOf(this.config),
        emit: (turn) => this.items.turn(turn),
        onTurnBoundary: (event) => this.items.boundary(event),
      }),
      inactivityMs: () => deps.timeouts.inactivityMs,
      inactivityMessage: (ms) => `Session timeout: no audio or event for ${ms / 1000} s.`,
      onExpired: (maxMs) => this.core.fail(new EarshotError('stream_expired', `Your session hit the maximum duration of ${maxMs / 1000} s.`)),
      closeFor,
      announceFailure: (err) => this.send({ type: 'error', error: errorBodyFor(err) }),
      audioSeconds: () => Math.round(this.decoder.receivedMs) / 1000,
    });
    this.send({ type: 'session.created', session: renderSession(this.config, 'ga', { id: this.id, expiresAt: this.core.expiresAt }) });
  }

  /** Closes the session from the server side (shutdown). */
  shutdown(): void {
    this.core.shutdown();
  }

  private onFrame(bytes: Buffer, isBinary: boolean): void {
    let eventId: string | null = null;
    try {
      if (isBinary) throw new RealtimeEventError('invalid_value', 'Binary frames are not part of this protocol: send audio as input_audio_buffer.append events (base64).');
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
      // A bad event is answered and the session goes on; anything else ends it.
      if (err instanceof RealtimeEventError) this.send({ type: 'error', error: err.body(eventId) });
      else throw err;
    }
  }

  private onEvent(event: Record<string, unknown>): void {
    switch (event.type) {
      case 'input_audio_buffer.append': {
        const pcm = this.decoder.push(event.audio);
        this.bufferedMs = this.decoder.receivedMs - this.committedAtMs;
        this.core.audio(pcm);
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
        this.core.command({ kind: 'commit' });
        return;
      case 'input_audio_buffer.clear':
        this.markCommitted();
        this.core.command({ kind: 'clear' });
        return;
      case 'session.update':
      case 'transcription_session.update': {
        const shape: ConfigShape = event.type === 'session.update' ? 'ga' : 'beta';
        const config = applySessionUpdate(this.config, event.session, shape, this.deps.models);
        if (config.format !== this.config.format) {
          this.core.audio(this.decoder.flush());
          this.decoder = new AppendDecoder(config.format);
          this.committedAtMs = 0;
          this.bufferedMs = 0;
        }
        this.config = config;
        this.core.command({ kind: 'update', config });
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

  private markCommitted(): void {
    this.committedAtMs = this.decoder.receivedMs;
    this.bufferedMs = 0;
  }

  private async run(command: Command, transcriber: StreamTranscriber): Promise<void> {
    switch (command.kind) {
      case 'commit':
        await transcriber.forceEndpoint();
        break;
      case 'clear':
        await transcriber.discard();
        this.items.clear();
        this.send({ type: 'input_audio_buffer.cleared' });
        break;
      case 'update':
        transcriber.update(turnSettingsOf(command.config));
        break;
    }
  }

  private send(event: ServerEvent): void {
    this.core.send(JSON.stringify({ event_id: newId('event'), ...event }));
  }
}
