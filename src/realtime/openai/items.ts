/**
 * The core's turns → the OpenAI protocol's items (one item per turn): what StreamTranscriber
 * reports (turn boundaries, partial and final Turn messages) becomes `speech_started`,
 * `speech_stopped`, `committed`, transcription `delta`s and `completed`. Deltas are the words that
 * became final since the last delta, so an item's deltas never have to be taken back; `completed`
 * is the formatted final turn (punctuated, cased).
 */
import type { StreamWord, TurnMessage } from '../protocol.js';
import type { TurnBoundary } from '../transcriber.js';
import { logProbOf, newId, type ServerEvent } from './events.js';
import type { TranscriptionConfig } from './session-config.js';

/** Words are searched this far before the VAD onset (transcriber.ts); the default prefix padding. */
const DEFAULT_PREFIX_MS = 300;

export interface ItemSink {
  send(event: ServerEvent): void;
  config(): TranscriptionConfig;
  /** The VAD committed the buffer by itself (speech stopped). */
  autoCommitted(): void;
  /** Each item's final words, for `--store-streams`. */
  finalWords?(words: readonly StreamWord[]): void;
}

interface OpenItem {
  id: string;
  startMs: number;
  /** Words already sent as deltas. */
  sent: number;
}

export class TurnItems {
  private item: OpenItem | null = null;
  /** The item whose final words are being emitted (between `stopped` and its formatted turn). */
  private closing: OpenItem | null = null;
  private previousItemId: string | null = null;

  constructor(private readonly sink: ItemSink) {}

  /** `input_audio_buffer.clear`: the open item is gone. */
  clear(): void {
    this.item = null;
  }

  boundary(event: TurnBoundary): void {
    const td = this.sink.config().turnDetection;
    if (event.type === 'started') {
      this.item = { id: newId('item'), startMs: event.atMs, sent: 0 };
      const pad = td?.type === 'server_vad' ? td.prefix_padding_ms : DEFAULT_PREFIX_MS;
      if (td !== null) this.sink.send({ type: 'input_audio_buffer.speech_started', audio_start_ms: Math.max(0, Math.round(event.atMs - pad)), item_id: this.item.id });
      return;
    }
    const item = this.item ?? { id: newId('item'), startMs: event.atMs, sent: 0 };
    this.item = null;
    if (!event.forced) {
      this.sink.send({ type: 'input_audio_buffer.speech_stopped', audio_end_ms: Math.round(event.atMs), item_id: item.id });
      this.sink.autoCommitted();
    }
    this.sink.send({ type: 'input_audio_buffer.committed', item_id: item.id, previous_item_id: this.previousItemId });
    this.previousItemId = item.id;
    if (event.words === 0) {
      // Speech without a recognised word (a cough, a click): the item is still transcribed, as empty.
      this.complete(item, '', [], event.atMs);
      return;
    }
    this.closing = item;
  }

  turn(turn: TurnMessage): void {
    if (!turn.end_of_turn) {
      const item = this.item;
      if (!item) return;
      const final = turn.words.filter((w) => w.word_is_final).length;
      if (final > item.sent) this.delta(item, turn.words.slice(item.sent, final));
      return;
    }
    const item = this.closing;
    if (!item) return;
    if (!turn.turn_is_formatted) {
      if (turn.words.length > item.sent) this.delta(item, turn.words.slice(item.sent));
      return;
    }
    this.closing = null;
    this.sink.finalWords?.(turn.words);
    this.complete(item, turn.transcript, turn.words, turn.words.at(-1)?.end ?? item.startMs);
  }

  private delta(item: OpenItem, words: StreamWord[]): void {
    const first = item.sent === 0;
    const delta = words.map((w, i) => (first && i === 0 ? w.text : ` ${w.text}`)).join('');
    const event: ServerEvent = { type: 'conversation.item.input_audio_transcription.delta', item_id: item.id, content_index: 0, delta };
    if (this.sink.config().logprobs) event.logprobs = words.map((w, i) => logProbOf(w.text, w.confidence, first && i === 0));
    item.sent += words.length;
    this.sink.send(event);
  }

  private complete(item: OpenItem, transcript: string, words: StreamWord[], endMs: number): void {
    const event: ServerEvent = {
      type: 'conversation.item.input_audio_transcription.completed',
      item_id: item.id,
      content_index: 0,
      transcript,
      usage: { type: 'duration', seconds: Math.max(0, Math.round(endMs - item.startMs) / 1000) },
    };
    if (this.sink.config().logprobs) event.logprobs = words.map((w, i) => logProbOf(w.text, w.confidence, i === 0));
    this.sink.send(event);
  }
}
