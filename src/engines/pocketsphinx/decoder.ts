/**
 * One ps_decoder_t: a loaded model plus the state of one utterance. Not re-entrant: the callers
 * (DecodingStream, via the pool) make sure only one utterance uses it at a time, and the guard
 * here turns a violation into an error instead of memory corruption in native code.
 */
import { EarshotError } from '../../errors.js';
import { captureChannel, type ChannelSnapshot } from './channel.js';
import { callAsync, INSTALL_HINT, loadPocketsphinx, type PocketsphinxLibrary, type Ptr } from './library.js';
import type { PocketsphinxModel } from './model.js';

/** One entry of pocketsphinx's segmentation: a word, filler or silence, in stream frames. */
export interface DecodedSegment {
  token: string;
  startFrame: number;
  /** Inclusive. */
  endFrame: number;
  /** Posterior probability 0..1, or null while the utterance is still open (not computed yet). */
  posterior: number | null;
}

/**
 * The options `pocketsphinx_continuous` ends up with for the Debian model (ps_args() defaults plus
 * -hmm/-lm/-dict), so accuracy matches the reference tool. Extra options come after and win.
 * Without `lm`, ps_init builds no search, and a SearchSetup adds its own.
 */
export function decoderArgs(model: PocketsphinxModel, extra: Record<string, string> = {}, { lm = true } = {}): string[] {
  const args: Record<string, string> = { '-hmm': model.hmm, ...(lm ? { '-lm': model.lm } : {}), '-dict': model.dict, ...extra };
  return Object.entries(args).flat();
}

/**
 * For decoders that take whole utterances (decodeWhole). With the default `-remove_silence yes`
 * the front end drops the frames it hears as silence before search, so every word after a pause
 * inside an utterance would be timed too early by the length of that pause; a streaming decode
 * avoids it by ending the utterance at each pause, a whole-utterance decode cannot. Silence left
 * in is recognised as `<sil>` and costs little search.
 */
export const WHOLE_UTTERANCE_ARGS: Readonly<Record<string, string>> = { '-remove_silence': 'no' };

/**
 * For stream decoders (issue 16): a live session's CPU went three quarters to the first-pass search,
 * which with the defaults keeps up to 30000 HMMs active per frame, and a sixth to the fwdflat second
 * pass at each utterance's end. Capping the active HMMs at 3000, weighting the phone-loop lookahead
 * a little more (4 instead of 3, so fewer words are entered that the next frames already rule out)
 * and leaving the second pass out (the best path and word posteriors still come from the lattice
 * of the first pass) takes a session from about 0.33 to about 0.13 CPU-seconds per second of audio,
 * with no more errors on the LibriVox clips (test/realtime/capacity.test.ts). The sweep behind the
 * choice, and what tighter settings cost in errors, is in docs/streaming.md.
 */
export const STREAM_SEARCH_ARGS: Readonly<Record<string, string>> = { '-maxhmmpf': '3000', '-pl_weight': '4', '-fwdflat': 'no' };

/**
 * Builds and selects the search of a decoder created without one (see vocabulary-search.ts), for
 * instance the default LM interpolated with boosted words. Runs once, before any audio.
 */
export type SearchSetup = (lib: PocketsphinxLibrary, ps: Ptr) => Promise<void>;

export class Decoder {
  private running = false;
  private freed = false;
  private uttOpen = false;

  private constructor(
    private readonly lib: PocketsphinxLibrary,
    private readonly ps: Ptr,
    private readonly logmath: Ptr,
    private readonly channel: ChannelSnapshot | null,
  ) {}

  /** Loads the model (a few hundred ms, ~95 MB) on a worker thread. */
  static async create(model: PocketsphinxModel, extra: Record<string, string> = {}, setup?: SearchSetup): Promise<Decoder> {
    const lib = await loadPocketsphinx();
    const varargs: unknown[] = [];
    for (const arg of decoderArgs(model, extra, { lm: !setup })) varargs.push('const char *', arg);
    varargs.push('const char *', null);
    // cmd_ln_init copies every string, unlike cmd_ln_parse_r which keeps pointers to them.
    const config = lib.cmd_ln_init(null, lib.ps_args(), 1, ...varargs);
    if (!config) {
      throw new EarshotError('engine_not_ready', `pocketsphinx rejected its options (${decoderArgs(model, extra).join(' ')}); check the extra options are valid pocketsphinx arguments.`);
    }
    let ps: Ptr;
    try {
      ps = await callAsync(lib.ps_init_async, config);
    } finally {
      // ps_init keeps its own reference to the config when it succeeds.
      lib.cmd_ln_free_r(config);
    }
    if (!ps) {
      throw new EarshotError(
        'engine_not_ready',
        `pocketsphinx could not load the model in ${model.dir} (ps_init failed): a model file is unreadable or not a pocketsphinx model. Reinstall it with \`${INSTALL_HINT}\` or point the model option at a valid model directory.`,
      );
    }
    if (setup) {
      try {
        await setup(lib, ps);
      } catch (err) {
        lib.ps_free(ps);
        throw err;
      }
    }
    return new Decoder(lib, ps, lib.ps_get_logmath(ps), captureChannel(lib.koffi, lib.ps_get_feat(ps)));
  }

  /** True while a native call runs on a worker thread. */
  get busy(): boolean {
    return this.running;
  }

  get inUtterance(): boolean {
    return this.uttOpen;
  }

  /**
   * Starts a new stream: frame numbers restart at 0 and noise, VAD and CMN state return to what
   * they were after loading, so the result does not depend on earlier jobs.
   */
  resetStream(): void {
    this.check('reset');
    if (this.uttOpen) throw new EarshotError('internal', 'pocketsphinx decoder reset while an utterance is open.');
    this.channel?.restore();
    this.expectOk(this.lib.ps_start_stream(this.ps), 'ps_start_stream');
  }

  startUtterance(): void {
    this.check('start');
    this.expectOk(this.lib.ps_start_utt(this.ps), 'ps_start_utt');
    this.uttOpen = true;
  }

  /** Decodes samples on a koffi worker thread; keep chunks short so each call is brief. */
  async process(pcm: Int16Array): Promise<void> {
    this.check('process');
    this.running = true;
    try {
      const frames = await callAsync(this.lib.ps_process_raw_async, this.ps, pcm, pcm.length, 0, 0);
      this.expectOk(frames, 'ps_process_raw');
    } finally {
      this.running = false;
    }
  }

  /**
   * Decodes `pcm` as one complete utterance in a single native call (on a worker thread) and
   * returns its final segmentation. Fed whole, sphinxbase normalises the cepstra with the
   * utterance's own mean when the model asks for batch CMN, as the en-us model does; fed in
   * pieces it can only start from the model's stored mean, which suits few microphones.
   * Use a decoder made with WHOLE_UTTERANCE_ARGS, or word times shift (see that constant).
   */
  async decodeWhole(pcm: Int16Array): Promise<DecodedSegment[]> {
    this.resetStream();
    this.startUtterance();
    this.running = true;
    try {
      const frames = await callAsync(this.lib.ps_process_raw_async, this.ps, pcm, pcm.length, 0, 1);
      this.expectOk(frames, 'ps_process_raw');
    } finally {
      // On failure the utterance stays open: the pool frees a decoder released as unhealthy.
      this.running = false;
    }
    await this.endUtterance();
    return this.finalSegments();
  }

  /** Whether pocketsphinx's voice activity detector currently hears speech. */
  inSpeech(): boolean {
    this.check('inSpeech');
    return this.lib.ps_get_in_speech(this.ps) !== 0;
  }

  /** Ends the utterance; the second (fwdflat) pass runs here, so it is off the main thread too. */
  async endUtterance(): Promise<void> {
    this.check('end');
    this.running = true;
    try {
      const rv = await callAsync(this.lib.ps_end_utt_async, this.ps);
      this.expectOk(rv, 'ps_end_utt');
    } finally {
      this.running = false;
      this.uttOpen = false;
    }
  }

  /**
   * The running hypothesis of the open utterance, as text: one native call whose cost hardly
   * grows with the utterance (about 3 µs at 20 s), unlike segments() (about 1 µs per word).
   */
  hypothesis(): string {
    this.check('hypothesis');
    return this.lib.ps_get_hyp(this.ps, null) ?? '';
  }

  /**
   * The first-pass segmentation of the open utterance: cheap (a backtrace), so it runs on the
   * main thread, but without posteriors.
   */
  segments(): DecodedSegment[] {
    this.check('segments');
    return this.walk(this.lib.ps_seg_iter(this.ps), false);
  }

  /**
   * The segmentation of the ended utterance, from the word lattice (bestpath is on by default),
   * which is what makes posteriors real. ps_seg_iter runs the bestpath search and the posterior
   * computation (tens of ms for a long utterance), so it runs on a worker thread.
   */
  async finalSegments(): Promise<DecodedSegment[]> {
    this.check('finalSegments');
    if (this.uttOpen) throw new EarshotError('internal', 'pocketsphinx final segments asked for while the utterance is open.');
    this.running = true;
    let first: Ptr;
    try {
      first = await callAsync(this.lib.ps_seg_iter_async, this.ps);
    } finally {
      this.running = false;
    }
    return this.walk(first, true);
  }

  private walk(first: Ptr, final: boolean): DecodedSegment[] {
    const out: DecodedSegment[] = [];
    const sf = [0];
    const ef = [0];
    // Iterating to the end frees the iterator (ps_seg_next returns NULL after freeing it).
    for (let seg = first; seg; seg = this.lib.ps_seg_next(seg)) {
      const token = this.lib.ps_seg_word(seg);
      this.lib.ps_seg_frames(seg, sf, ef);
      let posterior: number | null = null;
      if (final) {
        const p = this.lib.logmath_exp(this.logmath, this.lib.ps_seg_prob(seg, null, null, null));
        posterior = Number.isFinite(p) ? Math.min(1, Math.max(0, p)) : 0;
      }
      if (token) out.push({ token, startFrame: sf[0], endFrame: ef[0], posterior });
    }
    return out;
  }

  /** Frees the native decoder; later calls throw. Idempotent. */
  free(): void {
    if (this.freed) return;
    if (this.running) throw new EarshotError('internal', 'pocketsphinx decoder freed while a native call is running.');
    this.freed = true;
    this.lib.ps_free(this.ps);
  }

  private check(what: string): void {
    if (this.freed) throw new EarshotError('internal', `pocketsphinx decoder used after free (${what}).`);
    if (this.running) throw new EarshotError('internal', `pocketsphinx decoder used concurrently (${what}); one utterance at a time.`);
  }

  private expectOk(rv: number, fn: string): void {
    if (rv < 0) {
      throw new EarshotError('engine_failed', `pocketsphinx ${fn} failed (returned ${rv}); retry the request, and report it if it persists.`);
    }
  }
}
