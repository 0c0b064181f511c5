/**
 * One v3 streaming session on an accepted WebSocket: the mirror image of the SDK's
 * StreamingTranscriber, on the shared real-time core (session-core.ts: queue, back-pressure,
 * limits, transcriber). `Begin` goes out as soon as the session is accepted (the SDK's connect()
 * waits for it, 1 s by default), while the recognizer and VAD are still being set up; audio that
 * arrives meanwhile waits in the queue. Binary frames are audio, text frames are the JSON
 * messages of protocol.ts, handled in order with the audio around them. `Terminate` drains the
 * queue, ends the last turn, sends `Termination` and closes with 1000; every failure closes with
 * its code from close-codes.ts.
 */
import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import { EarshotError } from '../errors.js';
import { OnlineSpeakerTracker } from '../intelligence/speakers/online-tracker.js';
import { StreamAudioDecoder } from './audio-input.js';
import { CLOSE_NORMAL, closeFrameFor, type CloseFrame } from './close-codes.js';
import { applySettings, parseClientMessage, serialiseServerMessage, WARNING_NOT_APPLIED, type ServerMessage, type StreamOptions, type TurnMessage } from './protocol.js';
import { SessionCore, type SessionDeps } from './session-core.js';
import type { StreamTranscriber } from './transcriber.js';

type Command = { kind: 'force' } | { kind: 'update'; settings: Record<string, string> } | { kind: 'end'; close: CloseFrame };

export class StreamSession {
  readonly id = randomUUID();
  private readonly decoder: StreamAudioDecoder;
  private settings: StreamOptions;
  private ending = false;
  private readonly core: SessionCore<Command>;

  constructor(ws: WebSocket, options: StreamOptions, deps: SessionDeps) {
    this.settings = options;
    this.decoder = new StreamAudioDecoder(options.encoding, options.sampleRate);
    this.core = new SessionCore<Command>(this.id, ws, deps, {
      onFrame: (bytes, isBinary) => this.onFrame(bytes, isBinary),
      run: (command, transcriber) => this.run(command, transcriber),
      recognizerOptions: () => ({ vocabulary: this.settings.keyterms.length > 0 ? { words: this.settings.keyterms, boost: 'default' } : undefined }),
      transcriberOptions: () => ({
        settings: this.settings,
        speakers: this.settings.speakerLabels ? new OnlineSpeakerTracker({ maxSpeakers: this.settings.maxSpeakers }) : undefined,
        emit: (turn) => this.onTurn(turn),
      }),
      inactivityMs: () => Math.min(this.settings.inactivityTimeoutMs ?? deps.timeouts.inactivityMs, deps.timeouts.maxInactivityMs),
      inactivityMessage: (ms) => `Session Timeout: no audio or message for ${ms / 1000} s (inactivity_timeout).`,
      onExpired: (maxMs) => {
        const minutes = Math.round(maxMs / 60_000);
        this.end(closeFrameFor(new EarshotError('stream_expired', `Session expired: maximum session duration (${minutes >= 1 ? `${minutes} min` : `${maxMs / 1000} s`}) reached.`)));
      },
      closeFor: closeFrameFor,
      audioSeconds: () => round(this.decoder.durationSeconds),
    });
    this.send({ type: 'Begin', id: this.id, expires_at: this.core.expiresAt });
  }

  /** Closes the session from the server side (shutdown): no Termination. */
  shutdown(): void {
    this.core.shutdown();
  }

  private onFrame(bytes: Buffer, isBinary: boolean): void {
    if (this.ending) return;
    if (isBinary) {
      this.core.audio(this.decoder.push(bytes));
      return;
    }
    const message = parseClientMessage(bytes.toString('utf8'));
    switch (message.type) {
      case 'Terminate':
        this.end({ code: CLOSE_NORMAL, reason: '' });
        break;
      case 'ForceEndpoint':
        this.core.command({ kind: 'force' });
        break;
      case 'UpdateConfiguration':
        if (message.notApplied.length > 0) {
          this.send({ type: 'Warning', warning_code: WARNING_NOT_APPLIED, warning: `Not applied mid-session: ${message.notApplied.join(', ')}; set them when connecting.` });
        }
        if (Object.keys(message.settings).length > 0) this.core.command({ kind: 'update', settings: message.settings });
        break;
      case 'KeepAlive':
        break;
    }
  }

  /** Ends after the queued audio: the last turn, `Termination`, then `close`. */
  private end(close: CloseFrame): void {
    if (this.ending || this.core.ended) return;
    this.ending = true;
    this.core.audio(this.decoder.flush());
    this.core.command({ kind: 'end', close });
  }

  private async run(command: Command, transcriber: StreamTranscriber): Promise<void> {
    switch (command.kind) {
      case 'force':
        await transcriber.forceEndpoint();
        break;
      case 'update':
        this.settings = { ...this.settings, ...applySettings(this.settings, command.settings) };
        transcriber.update(this.settings);
        break;
      case 'end':
        await transcriber.finish();
        this.send({
          type: 'Termination',
          audio_duration_seconds: round(this.decoder.durationSeconds),
          session_duration_seconds: this.core.sessionSeconds,
        });
        this.core.end(command.close, true);
        break;
    }
  }

  private onTurn(turn: TurnMessage): void {
    if (this.core.keepsTurns && turn.end_of_turn && turn.turn_is_formatted === this.settings.formatTurns) {
      this.core.keepFinalTurn(turn.words.map((w) => ({ text: w.text, start: w.start, end: w.end, confidence: w.confidence, speaker: w.speaker ?? null })));
    }
    this.send(turn);
  }

  private send(message: ServerMessage): void {
    this.core.send(serialiseServerMessage(message));
  }
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
