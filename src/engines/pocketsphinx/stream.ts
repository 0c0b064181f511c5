/**
 * The decoding loop of `pocketsphinx_continuous`, over one pooled decoder: audio goes in as short
 * native calls, and whenever pocketsphinx's own voice activity detector hears speech stop, the
 * utterance is ended and its words kept, and a new utterance starts with the next audio.
 *
 * Why split on silence: with the default `-remove_silence yes`, libpocketsphinx 5prealpha shifts
 * *every* word time of an utterance to the latest speech onset inside it (acmod.c sets
 * `utt_start_frame` on each onset), so an utterance must hold exactly one onset for its times to
 * be right. Keeping the default (rather than `-remove_silence no`) keeps results identical to the
 * reference tool.
 */
import { ENGINE_SAMPLE_RATE, type Recognition } from '../engine.js';
import type { Word } from '../../transcript/model.js';
import { streamSlots, type Urgency } from './cpu-slots.js';
import type { Decoder } from './decoder.js';
import { baseWord, isFiller, toWords } from './words.js';

/**
 * 64 ms per native call, whatever the size of the chunks fed. Shorter than the VAD needs to
 * confirm a new onset after declaring silence (10 frames), so an end and a restart of speech never
 * fall within one call unseen; and short enough that each call returns to the event loop quickly.
 */
export const PIECE_SAMPLES = 1024;

const EMPTY: Recognition = { words: [], text: '' };

/**
 * How often, in audio, a partial re-reads the open utterance's segmentation for word times. In
 * between, partials take their words from the running hypothesis (see openWords), so a partial's
 * cost does not grow with the utterance.
 */
export const RETIME_EVERY_MS = 1000;

export function recognition(words: Word[]): Recognition {
  return { words, text: words.map((w) => w.text).join(' ') };
}

/**
 * A piece that starts within this of its deadline shows the stream has worked off the audio that
 * queued while its session was set up (CpuSlots counts its lateness from then on).
 */
const CAUGHT_UP_MS = 100;

export class DecodingStream {
  private committed: Word[] = [];
  private hadSpeech = false;
  private samples = 0;
  /** performance.now() at which this stream's audio clock read 0 (see deadlineOf). */
  private clockOrigin: number | undefined;
  /** Whether a piece has started on time since begin(): until then the pool does not count this stream's lateness. */
  private caughtUp = false;
  private readonly pending = new Int16Array(PIECE_SAMPLES);
  private pendingLength = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private cached: Recognition = EMPTY;
  private dirty = false;
  private failure: unknown = undefined;
  /** The open utterance's words as last segmented, and when (ms of audio). */
  private timed: Word[] = [];
  private timedAtMs = -Infinity;
  private utteranceStartMs = 0;

  constructor(private readonly decoder: Decoder, private readonly offsetMs: number) {}

  /** Starts a fresh stream on the decoder: times restart at offsetMs. */
  begin(): void {
    this.decoder.resetStream();
    this.committed = [];
    this.hadSpeech = false;
    this.samples = 0;
    this.clockOrigin = undefined;
    this.caughtUp = false;
    this.pendingLength = 0;
    this.cached = EMPTY;
    this.dirty = false;
  }

  /**
   * Calls are queued, so a caller that does not await each chunk still decodes them in order.
   * `receivedAt` (performance.now() when the audio arrived) orders this stream's pieces among
   * every stream's in the shared pool.
   */
  feed(pcm: Int16Array, receivedAt = performance.now()): Promise<void> {
    return this.enqueue(() => this.feedNow(pcm, receivedAt));
  }

  /** Ends the open utterance and returns every word since the last finish(). */
  finish(): Promise<Recognition> {
    return this.enqueue(() => this.finishNow());
  }

  /** Ends any open utterance, discarding its words, so the decoder can serve someone else. */
  settle(): Promise<void> {
    return this.enqueue(async () => {
      if (this.decoder.inUtterance) await streamSlots.run('final', () => this.decoder.endUtterance());
    });
  }

  /** Whether the stream hit a native error; its decoder should then be discarded. */
  get failed(): boolean {
    return this.failure !== undefined;
  }

  /**
   * The words so far. Reading the decoder while a native call runs on a worker thread would race
   * with it, so in that case the result of the last quiet moment is returned.
   */
  partial(): Recognition {
    if (this.dirty && !this.decoder.busy && !this.failed) {
      const open = this.decoder.inUtterance ? this.openWords() : [];
      this.cached = recognition([...this.committed, ...open]);
      this.dirty = false;
    }
    return this.cached;
  }

  /**
   * The open utterance's words: the running hypothesis, each word timed as in the last
   * segmentation while it still reads the same; words since then share the audio after the last
   * timed word evenly until the next segmentation (every RETIME_EVERY_MS). Times in partials are
   * provisional either way: a final's words are timed from the lattice.
   */
  private openWords(): Word[] {
    const timing = this.timing();
    if (timing.maxMs - this.timedAtMs >= RETIME_EVERY_MS) {
      this.timed = toWords(this.decoder.segments(), timing);
      this.timedAtMs = timing.maxMs;
      return this.timed;
    }
    const texts = this.decoder.hypothesis().split(' ').filter((t) => t && !isFiller(t)).map(baseWord);
    let kept = 0;
    while (kept < texts.length && this.timed[kept]?.text === texts[kept]) kept++;
    const words = this.timed.slice(0, kept);
    const from = words.at(-1)?.end ?? this.utteranceStartMs;
    const to = Math.max(from, timing.offsetMs + timing.maxMs);
    const step = (to - from) / Math.max(1, texts.length - kept);
    for (let i = kept; i < texts.length; i++) {
      const start = from + (i - kept) * step;
      words.push({ text: texts[i], start, end: start + step, confidence: 0 });
    }
    return words;
  }

  private async feedNow(pcm: Int16Array, receivedAt: number): Promise<void> {
    let input = pcm;
    if (this.pendingLength > 0) {
      const take = Math.min(PIECE_SAMPLES - this.pendingLength, input.length);
      this.pending.set(input.subarray(0, take), this.pendingLength);
      this.pendingLength += take;
      input = input.subarray(take);
      if (this.pendingLength < PIECE_SAMPLES) return;
      await this.decodePiece(this.pending, receivedAt);
      this.pendingLength = 0;
    }
    const whole = input.length - (input.length % PIECE_SAMPLES);
    for (let i = 0; i < whole; i += PIECE_SAMPLES) await this.decodePiece(input.subarray(i, i + PIECE_SAMPLES), receivedAt);
    // Kept for the next call, so the decoder sees the same pieces however the caller chunks audio.
    this.pending.set(input.subarray(whole));
    this.pendingLength = input.length - whole;
  }

  private async decodePiece(piece: Int16Array, receivedAt: number, urgency: Urgency = 'piece'): Promise<void> {
    if (!this.decoder.inUtterance) {
      this.decoder.startUtterance();
      this.timed = [];
      this.timedAtMs = -Infinity;
      this.utteranceStartMs = this.offsetMs + (this.samples * 1000) / ENGINE_SAMPLE_RATE;
    }
    const deadline = this.deadlineOf(piece, receivedAt);
    const task = () => {
      if (performance.now() - deadline < CAUGHT_UP_MS) this.caughtUp = true;
      return this.decoder.process(piece);
    };
    await streamSlots.run(urgency, task, deadline, this.caughtUp);
    this.samples += piece.length;
    this.dirty = true;
    if (this.decoder.inSpeech()) this.hadSpeech = true;
    else if (this.hadSpeech) await this.closeUtterance();
  }

  /**
   * When the piece's audio could have arrived at the earliest: when it did, or, for a client that
   * sends faster than real time, when a real-time client would have sent it. So a fast sender's
   * backlog waits behind real-time sessions in the shared pool instead of going first as the
   * oldest audio; a real-time session that fell behind goes first.
   */
  private deadlineOf(piece: Int16Array, receivedAt: number): number {
    const endMs = ((this.samples + piece.length) * 1000) / ENGINE_SAMPLE_RATE;
    this.clockOrigin ??= receivedAt - endMs;
    return Math.max(receivedAt, this.clockOrigin + endMs);
  }

  private async finishNow(): Promise<Recognition> {
    if (this.pendingLength > 0) {
      // The last few ms before an utterance end: a final waits for them, as for the end itself.
      await this.decodePiece(this.pending.subarray(0, this.pendingLength), performance.now(), 'final');
      this.pendingLength = 0;
    }
    if (this.decoder.inUtterance) await this.closeUtterance();
    const result = recognition(this.committed);
    this.committed = [];
    this.cached = EMPTY;
    this.dirty = false;
    return result;
  }

  private async closeUtterance(): Promise<void> {
    // One slot for the end and its lattice: the final turn waits for both.
    const segments = await streamSlots.run('final', async () => {
      await this.decoder.endUtterance();
      return this.decoder.finalSegments();
    });
    this.hadSpeech = false;
    this.committed.push(...toWords(segments, this.timing()));
    this.dirty = true;
  }

  private timing() {
    return { offsetMs: this.offsetMs, maxMs: (this.samples * 1000) / ENGINE_SAMPLE_RATE };
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(() => {
      if (this.failed) throw this.failure;
      return task();
    });
    this.queue = run.catch((err: unknown) => {
      this.failure ??= err;
    });
    return run;
  }
}
