/**
 * Concurrent streaming sessions, per API key and per server (issue 5 item 4). Each session holds a
 * decoder and a share of the CPU for as long as it lasts, so the server admits only as many as it
 * can keep up with (see bench/streaming.ts for what two cores sustain) and says so with the SDK's
 * TooManyStreams close code instead of letting every session fall behind.
 */
import { EarshotError } from '../errors.js';

export interface ConcurrencyOptions {
  /** Sessions at once on this server. */
  maxSessions: number;
  /** Sessions at once per API key (temporary tokens count against the key that made them). */
  maxSessionsPerKey: number;
  /**
   * Sessions with a custom vocabulary (`keyterms_prompt`) at once on this server: each gets a
   * decoder built for its terms, a model of its own in memory (~95 MB), not one of the shared pool.
   */
  maxVocabularySessions: number;
  /**
   * A new session is refused while live decoding runs later than this (ms past the audio's
   * arrival, recent worst): the machine is full, whatever the session count says (a slower host,
   * files transcribed beside the streams, other programs).
   */
  maxLagMs?: number;
  /** How late live decoding runs now (SpeechEngine.liveLagMs); 0 when unknown. */
  liveLagMs?: () => number;
}

export interface SessionSlot {
  /** Gives the slot back; idempotent. */
  release(): void;
}

export class ConcurrencyLimits {
  private total = 0;
  private vocabularySessions = 0;
  private readonly perKey = new Map<string, number>();

  constructor(readonly options: ConcurrencyOptions) {
    for (const [name, value] of Object.entries(options)) {
      if (typeof value === 'function' || value === undefined) continue;
      if (!Number.isInteger(value) || value < 1) throw new EarshotError('config_invalid', `${name} must be a whole number of at least 1, got ${value}.`);
    }
  }

  /** Takes a slot for the key (and a vocabulary slot with `vocabulary`), or throws `stream_too_many_sessions`. */
  acquire(keyId: string, vocabulary = false): SessionSlot {
    const mine = this.perKey.get(keyId) ?? 0;
    if (mine >= this.options.maxSessionsPerKey) {
      throw new EarshotError('stream_too_many_sessions', `Too many concurrent sessions: this key already runs ${mine} (the limit per key is ${this.options.maxSessionsPerKey}).`);
    }
    if (this.total >= this.options.maxSessions) {
      throw new EarshotError('stream_too_many_sessions', `Too many concurrent sessions: the server runs its maximum of ${this.options.maxSessions}; try again shortly.`);
    }
    const lag = this.options.liveLagMs?.() ?? 0;
    if (this.options.maxLagMs !== undefined && lag > this.options.maxLagMs) {
      throw new EarshotError(
        'stream_too_many_sessions',
        `The server is at capacity: live transcription already runs ${Math.round(lag)} ms behind the audio (the limit for admitting a session is ${this.options.maxLagMs} ms); try again shortly.`,
      );
    }
    if (vocabulary && this.vocabularySessions >= this.options.maxVocabularySessions) {
      throw new EarshotError(
        'stream_too_many_sessions',
        `Too many sessions with keyterms_prompt: the server runs its maximum of ${this.options.maxVocabularySessions} (each builds a decoder of its own); connect without keyterms_prompt or try again shortly.`,
      );
    }
    this.total++;
    if (vocabulary) this.vocabularySessions++;
    this.perKey.set(keyId, mine + 1);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.total--;
        if (vocabulary) this.vocabularySessions--;
        const left = (this.perKey.get(keyId) ?? 1) - 1;
        if (left > 0) this.perKey.set(keyId, left);
        else this.perKey.delete(keyId);
      },
    };
  }

  get active(): number {
    return this.total;
  }
}
