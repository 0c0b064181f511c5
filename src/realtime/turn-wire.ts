/**
 * Turn messages in their wire form. A partial carries every word of the open turn, so building and
 * serialising it afresh each 200 ms would cost more the longer the turn runs (issue 16 item 2).
 * The words committed at pauses cannot change within the turn, so FinalWords turns them into wire
 * words, transcript text and JSON once, as they are committed; a partial then pays only for the
 * open utterance's words (see serialiseServerMessage in protocol.ts for the JSON side).
 */
import type { Word } from '../transcript/model.js';
import { WORDS_JSON, type StreamWord, type TurnMessage } from './protocol.js';

export interface TurnShape {
  final: boolean;
  formatted: boolean;
  confidence: number;
  speaker?: string;
}

export function wireWord(w: Word, final: boolean, speaker?: string): StreamWord {
  const word: StreamWord = {
    start: Math.round(w.start),
    end: Math.round(w.end),
    text: w.text,
    confidence: Math.round(w.confidence * 1e4) / 1e4,
    word_is_final: final,
  };
  if (speaker !== undefined) word.speaker = speaker;
  return word;
}

/** A Turn message over words already in wire form; `transcript` defaults to their texts joined. */
export function turnMessage(order: number, wire: StreamWord[], shape: TurnShape, transcript = wire.map((w) => w.text).join(' ')): TurnMessage {
  const message: TurnMessage = {
    type: 'Turn',
    turn_order: order,
    turn_is_formatted: shape.formatted,
    end_of_turn: shape.final,
    end_of_turn_confidence: shape.confidence,
    transcript,
    words: wire,
    utterance: '',
  };
  if (shape.speaker !== undefined) message.speaker_label = shape.speaker;
  return message;
}

/** The final words of the open turn, kept in wire form, as text and as JSON. */
export class FinalWords {
  private wire: StreamWord[] = [];
  private text = '';
  private json = '';

  get length(): number {
    return this.wire.length;
  }

  add(words: readonly Word[]): void {
    if (words.length === 0) return;
    const wire = words.map((w) => wireWord(w, true));
    this.wire.push(...wire);
    const text = wire.map((w) => w.text).join(' ');
    this.text = this.text ? `${this.text} ${text}` : text;
    const json = JSON.stringify(wire).slice(1, -1);
    this.json = this.json ? `${this.json},${json}` : json;
  }

  clear(): void {
    this.wire = [];
    this.text = '';
    this.json = '';
  }

  /** A partial: these final words, then the open utterance's words (not final). */
  partial(order: number, open: readonly Word[], confidence: number): TurnMessage {
    const openWire = open.map((w) => wireWord(w, false));
    const openText = openWire.map((w) => w.text).join(' ');
    const transcript = this.text && openText ? `${this.text} ${openText}` : this.text || openText;
    const message = turnMessage(order, this.wire.concat(openWire), { final: false, formatted: false, confidence }, transcript);
    if (this.wire.length > 0) message[WORDS_JSON] = { count: this.wire.length, json: this.json };
    return message;
  }
}
