/**
 * One session's audio → Turn messages: 16 kHz PCM goes to the VAD and the incremental recognizer
 * side by side; the turn detector decides where turns end; partial turns go out at a steady
 * cadence of audio while a turn is open, and a final one (plus a formatted copy with
 * `format_turns`) when it ends. Knows nothing about sockets: session.ts feeds it and sends what
 * it emits, in order.
 *
 * Finality: the recognizer is asked to finish its utterance at each pause inside a turn
 * (`pauseCommitMs`), so the words before a pause are final (`word_is_final`) and the work of
 * ending an utterance (pocketsphinx's second pass) is done while the silence is still being
 * timed, not after it; when the turn ends only the last few hundred ms remain to finish.
 */
import { VAD_FRAME_MS } from '../audio/vad/silero.js';
import type { VadStream } from '../audio/vad/vad-stream.js';
import { ENGINE_SAMPLE_RATE, type IncrementalRecognizer, type SentenceEndModel } from '../engines/engine.js';
import type { OnlineSpeakerTracker } from '../intelligence/speakers/online-tracker.js';
import type { Word } from '../transcript/model.js';
import type { TurnMessage, TurnSettings } from './protocol.js';
import { endOfTurnConfidence, turnEnds, type TurnEndCues } from './end-of-turn.js';
import { TurnDetector } from './turn-detector.js';
import { FinalWords, turnMessage, wireWord } from './turn-wire.js';

/**
 * How far the recognizer may lag behind the VAD before process() waits for it. Decoding runs
 * beside the turn logic rather than in lockstep with it, so a session whose decoding fell behind
 * keeps a piece waiting in the shared pool at every moment and catches up at once; past this
 * bound the wait pushes back on the session's input (and so on the client).
 */
export const MAX_DECODE_LAG_MS = 1000;

/** Audio between partial turns while a turn is open (the target is ≤ 300 ms). */
export const PARTIAL_EVERY_MS = 200;
/**
 * A pause this long inside a turn finalises the words before it: 200 ms, or half of
 * min_turn_silence when that is shorter, so the commit always lands before the turn can end.
 */
export const PAUSE_COMMIT_MS = 200;

export function pauseCommitMs(settings: TurnSettings): number {
  return Math.min(PAUSE_COMMIT_MS, settings.minTurnSilenceMs / 2);
}
/** Words may start this much before the VAD's speech onset and still belong to the turn. */
const ONSET_PAD_MS = 300;
/** The most the VAD's end of speech may trail the last word's end and still be timed from the word (turnSilenceMs). */
const VAD_RELEASE_MS = 250;
/** Between turns, the recognizer's utterance is ended this often so it never holds minutes of silence. */
const IDLE_FLUSH_MS = 2000;
/** Audio kept per turn for speaker labels: enough to describe a voice, bounded. */
const MAX_TURN_AUDIO_SAMPLES = 30 * ENGINE_SAMPLE_RATE;

export interface TranscriberOptions {
  recognizer: IncrementalRecognizer;
  vad: VadStream;
  /** The engine's language model, for where sentences end (end-of-turn.ts); without it silence alone decides. */
  sentenceEnds?: SentenceEndModel;
  settings: TurnSettings;
  /** Punctuation and casing for `format_turns` (the punctuation stage's punctuateTurn). */
  format: (words: readonly Word[]) => Word[];
  /** Present when `speaker_labels=true`. */
  speakers?: OnlineSpeakerTracker;
  emit(message: TurnMessage): void;
  /**
   * Where turns open and end, for protocols that report voice activity (the OpenAI protocol's
   * speech_started / speech_stopped / committed, src/realtime/openai/). `stopped` comes after the
   * turn's words are known and before its final Turn is emitted; `words` 0 means none is emitted.
   */
  onTurnBoundary?(event: TurnBoundary): void;
}

type LastWords = Omit<TurnEndCues, 'silenceMs'>;

export type TurnBoundary = { type: 'started'; atMs: number } | { type: 'stopped'; atMs: number; forced: boolean; words: number };

export class StreamTranscriber {
  private readonly detector: TurnDetector;
  private settings: TurnSettings;
  /** Engine PCM processed, in ms. */
  private audioMs = 0;
  private turnOpen = false;
  private turnStartMs = 0;
  /** Final words of the open turn (committed at pauses), and the same in wire form for partials. */
  private turnWords: Word[] = [];
  private readonly finalWire = new FinalWords();
  /** Words committed at the latest pause, reported as `utterance` on the next partial. */
  private utterance: Word[] = [];
  private committedThisPause = false;
  private lastPartialMs = -Infinity;
  private lastFlushMs = 0;
  private turnOrder = 0;
  private turnAudio: Int16Array[] = [];
  private turnAudioSamples = 0;
  /** Audio given to the recognizer and not yet decoded, and the promise of the last chunk's decode. */
  private undecodedMs = 0;
  private decoded: Promise<void> = Promise.resolve();
  private decodeFailure: unknown = undefined;

  constructor(private readonly options: TranscriberOptions) {
    this.settings = options.settings;
    this.detector = new TurnDetector(options.settings);
  }

  update(settings: TurnSettings): void {
    this.settings = settings;
    this.detector.update(settings);
  }

  /** Milliseconds of audio processed. */
  get processedMs(): number {
    return this.audioMs;
  }

  /** Turns ended with words so far. */
  get turns(): number {
    return this.turnOrder;
  }

  /** `receivedAt`: performance.now() when the chunk arrived, which orders decoding across sessions. */
  async process(pcm: Int16Array, receivedAt = performance.now()): Promise<void> {
    const { recognizer, vad } = this.options;
    this.decode(pcm, receivedAt);
    const probabilities = await vad.push(pcm);
    this.audioMs += (pcm.length * 1000) / ENGINE_SAMPLE_RATE;
    if (this.undecodedMs > MAX_DECODE_LAG_MS) await this.decodeCaughtUp();
    for (const p of probabilities) {
      const event = this.detector.frame(p);
      if (event === 'speech-start') this.committedThisPause = false;
      // Speech opens a turn, including speech that goes on after a ForceEndpoint cut the last one.
      if (event !== 'silence' && !this.turnOpen) {
        this.openTurn(event === 'speech-start' ? this.detector.speechStartMs : this.detector.nowMs - VAD_FRAME_MS);
        this.options.onTurnBoundary?.({ type: 'started', atMs: this.turnStartMs });
      }
      if (!this.turnOpen || this.detector.speaking) continue;
      const silence = this.turnSilenceMs();
      // The turn may end now, and whether it does depends on its last word: decode up to here.
      if (silence >= Math.min(this.settings.minTurnSilenceMs, this.settings.maxTurnSilenceMs)) await this.decodeCaughtUp();
      const confidence = this.confidence(this.lastWords());
      if (turnEnds(confidence, silence, this.settings)) {
        await this.endTurn(confidence, false);
      } else if (!this.committedThisPause && this.detector.silenceMs >= pauseCommitMs(this.settings)) {
        this.committedThisPause = true;
        await this.commit();
        // The words just made final go out at once, as the partial's `utterance`, not up to 200 ms later.
        if (this.settings.partialTurns && this.utterance.length > 0) this.emitPartial();
      }
    }
    if (this.turnOpen) {
      this.keepAudio(pcm);
      if (this.settings.partialTurns && this.audioMs - this.lastPartialMs >= PARTIAL_EVERY_MS) this.emitPartial();
    } else if (this.audioMs - this.lastFlushMs >= IDLE_FLUSH_MS) {
      // Nothing the VAD called speech: whatever the engine made of it is noise.
      await recognizer.finish();
      this.lastFlushMs = this.audioMs;
    }
  }

  /** `ForceEndpoint`: ends the turn now, with whatever words the engine has. */
  async forceEndpoint(): Promise<void> {
    await this.decodeCaughtUp();
    if (!this.turnOpen) this.openTurn(this.lastFlushMs);
    await this.endTurn(this.confidence(this.lastWords()), true);
  }

  /**
   * Drops the open turn without reporting it (the OpenAI protocol's `input_audio_buffer.clear`):
   * the recognizer's utterance is ended and its words discarded.
   */
  async discard(): Promise<void> {
    await this.options.recognizer.finish();
    this.lastFlushMs = this.audioMs;
    this.turnOpen = false;
    this.turnWords = [];
    this.finalWire.clear();
    this.utterance = [];
    this.turnAudio = [];
    this.turnAudioSamples = 0;
  }

  /** End of the stream: the last turn ends with the audio. */
  async finish(): Promise<void> {
    const tail = await this.options.vad.flush();
    for (const p of tail) this.detector.frame(p);
    await this.decodeCaughtUp();
    if (this.turnOpen) await this.endTurn(this.confidence(this.lastWords()), true);
  }

  /** Hands the chunk to the recognizer without waiting for it (see MAX_DECODE_LAG_MS). */
  private decode(pcm: Int16Array, receivedAt: number): void {
    if (this.decodeFailure !== undefined) throw this.decodeFailure;
    const ms = (pcm.length * 1000) / ENGINE_SAMPLE_RATE;
    this.undecodedMs += ms;
    this.decoded = this.options.recognizer.accept(pcm, receivedAt).then(
      () => {
        this.undecodedMs -= ms;
      },
      (err: unknown) => {
        this.undecodedMs -= ms;
        this.decodeFailure ??= err;
      },
    );
  }

  /** Waits until every chunk given to the recognizer is decoded; a failed decode fails here. */
  private async decodeCaughtUp(): Promise<void> {
    await this.decoded;
    if (this.decodeFailure !== undefined) throw this.decodeFailure;
  }

  private openTurn(startMs: number): void {
    this.turnOpen = true;
    this.turnStartMs = startMs;
    this.turnWords = [];
    this.finalWire.clear();
    this.utterance = [];
    this.lastPartialMs = -Infinity;
    this.turnAudio = [];
    this.turnAudioSamples = 0;
  }

  /** Finishes the recognizer's utterance: its words become final words of the turn. */
  private async commit(): Promise<void> {
    const { words } = await this.options.recognizer.finish();
    this.lastFlushMs = this.audioMs;
    const mine = words.filter((w) => w.end > this.turnStartMs - ONSET_PAD_MS);
    this.turnWords.push(...mine);
    this.finalWire.add(mine);
    if (mine.length > 0) this.utterance = mine;
  }

  private async endTurn(confidence: number, forced: boolean): Promise<void> {
    await this.commit();
    const words = this.turnWords;
    const audio = this.turnAudio;
    this.turnOpen = false;
    this.turnWords = [];
    this.finalWire.clear();
    this.turnAudio = [];
    this.options.onTurnBoundary?.({ type: 'stopped', atMs: this.detector.nowMs, forced, words: words.length });
    // A cough or a click: the VAD heard something, the engine no word. No turn to report.
    if (words.length === 0) return;
    const speaker = this.options.speakers ? this.speakerOf(audio) : undefined;
    const final = turnMessage(this.turnOrder, words.map((w) => wireWord(w, true, speaker)), { final: true, formatted: false, confidence, speaker });
    final.utterance = final.transcript;
    this.options.emit(final);
    if (this.settings.formatTurns) {
      const formatted = turnMessage(this.turnOrder, this.options.format(words).map((w) => wireWord(w, true, speaker)), { final: true, formatted: true, confidence, speaker });
      formatted.utterance = formatted.transcript;
      this.options.emit(formatted);
    }
    this.turnOrder++;
  }

  private emitPartial(): void {
    const open = this.options.recognizer.partial().words.filter((w) => w.end > this.turnStartMs - ONSET_PAD_MS);
    if (this.finalWire.length + open.length === 0) return;
    const message = this.finalWire.partial(this.turnOrder, open, this.confidence(this.lastWords(open)));
    if (this.utterance.length > 0) {
      message.utterance = this.utterance.map((w) => w.text).join(' ');
      this.utterance = [];
    }
    this.lastPartialMs = this.audioMs;
    this.options.emit(message);
  }

  /**
   * The silence that min_turn_silence and max_turn_silence are held against: since the turn's last
   * word ended, once its words are final (committed at the pause, with lattice times), and until
   * then since the VAD's end of speech. Silero's probability falls some 100–200 ms after the last
   * phone, so timed by the VAD alone a 400 ms setting waited for about 550 ms of real silence; never
   * more than VAD_RELEASE_MS is taken off, so a word end from an earlier stretch of speech cannot
   * end a turn early.
   */
  private turnSilenceMs(): number {
    const vad = this.detector.silenceMs;
    const lastEnd = this.turnWords.at(-1)?.end;
    if (vad === 0 || !Number.isFinite(vad) || lastEnd === undefined || this.options.recognizer.partial().words.length > 0) return vad;
    return Math.min(vad + VAD_RELEASE_MS, Math.max(vad, this.detector.nowMs - lastEnd));
  }

  /** `end_of_turn_confidence` now, after the turn's last word (over the VAD's silence, as it is fitted). */
  private confidence(last: LastWords): number {
    return endOfTurnConfidence({ ...last, silenceMs: this.detector.silenceMs }, this.options.sentenceEnds);
  }

  /** The turn's last two words so far; the open utterance's have no posteriors estimated yet. */
  private lastWords(open: readonly Word[] = this.options.recognizer.partial().words): LastWords {
    const finals = this.turnWords.slice(-2).map((w) => ({ text: w.text, confidence: w.confidence }));
    return { lastWords: [...finals, ...open.slice(-2).map((w) => ({ text: w.text }))].slice(-2) };
  }

  private keepAudio(pcm: Int16Array): void {
    if (!this.options.speakers || this.turnAudioSamples >= MAX_TURN_AUDIO_SAMPLES) return;
    this.turnAudio.push(pcm.slice());
    this.turnAudioSamples += pcm.length;
  }

  private speakerOf(chunks: Int16Array[]): string {
    const pcm = new Int16Array(chunks.reduce((n, c) => n + c.length, 0));
    let offset = 0;
    for (const c of chunks) {
      pcm.set(c, offset);
      offset += c.length;
    }
    // Too little speech to describe a voice: AssemblyAI labels such turns UNKNOWN too.
    return this.options.speakers!.assign(pcm)?.speaker ?? 'UNKNOWN';
  }
}
