/**
 * koffi bindings to the system libpocketsphinx (Debian `libpocketsphinx3`, 5prealpha API), loaded
 * once per process on first use. Signatures follow /usr/include/pocketsphinx/{pocketsphinx,
 * ps_search}.h and sphinxbase/{cmd_ln,logmath,err,ngram_model}.h. Handles are plain `void *`
 * (BigInt in koffi 3) rather than named opaque types, because koffi type names are process-global
 * and would clash if this module were ever evaluated twice (tsx, tests).
 */
import type { LibraryHandle } from 'koffi';
import { EarshotError } from '../../errors.js';

export type Koffi = (typeof import('koffi'))['default'];

export const INSTALL_HINT = 'apt-get install libpocketsphinx3 pocketsphinx-en-us';

/** sphinxbase's ngram_file_type_t, for ngram_model_read. */
export const NGRAM_AUTO = 0;
export const NGRAM_ARPA = 1;

/** A native pointer as koffi 3 returns it; null for NULL. */
export type Ptr = bigint | null;

type AsyncFn<A extends unknown[], R> = (...args: [...A, (err: unknown, res: R) => void]) => void;

export interface PocketsphinxLibrary {
  /** The FFI module itself, for the struct access in channel.ts. */
  koffi: Koffi;
  /** The `arg_t` table describing every decoder option. */
  ps_args(): Ptr;
  /** Variadic: name/value string pairs, NULL-terminated. The strings are copied. */
  cmd_ln_init(...args: unknown[]): Ptr;
  cmd_ln_free_r(config: Ptr): number;
  ps_init(config: Ptr): Ptr;
  ps_init_async: AsyncFn<[Ptr], Ptr>;
  ps_free(ps: Ptr): number;
  ps_start_stream(ps: Ptr): number;
  ps_start_utt(ps: Ptr): number;
  ps_process_raw_async: AsyncFn<[Ptr, Int16Array, number, number, number], number>;
  ps_end_utt_async: AsyncFn<[Ptr], number>;
  ps_get_hyp(ps: Ptr, outScore: null): string | null;
  ps_get_in_speech(ps: Ptr): number;
  ps_seg_iter(ps: Ptr): Ptr;
  ps_seg_iter_async: AsyncFn<[Ptr], Ptr>;
  ps_seg_next(seg: Ptr): Ptr;
  ps_seg_word(seg: Ptr): string | null;
  ps_seg_frames(seg: Ptr, outSf: number[], outEf: number[]): void;
  ps_seg_prob(seg: Ptr, outAscr: null, outLscr: null, outLback: null): number;
  ps_seg_free(seg: Ptr): void;
  ps_get_logmath(ps: Ptr): Ptr;
  ps_get_feat(ps: Ptr): Ptr;
  logmath_exp(lmath: Ptr, logp: number): number;
  // Run-time vocabulary (issue #8): dictionary additions and an interpolated language model.
  ps_get_config(ps: Ptr): Ptr;
  /** Returns the new word's id, or < 0 (the word exists, or a phone is unknown). */
  ps_add_word(ps: Ptr, word: string, phones: string, update: number): number;
  /** The word's phones, or NULL; the string is the caller's to free with ckd_free. */
  ps_lookup_word(ps: Ptr, word: string): Ptr;
  ps_set_lm(ps: Ptr, name: string, lm: Ptr): number;
  ps_set_search(ps: Ptr, name: string): number;
  ps_get_search(ps: Ptr): string | null;
  /** Reads an LM file (ARPA or binary) on a worker thread. */
  ngram_model_read_async: AsyncFn<[Ptr, string, number, Ptr], Ptr>;
  /** Interpolates `models` with `weights` (NULL weights: no interpolation); owns the models after. */
  ngram_model_set_init(config: Ptr, models: Ptr[], names: string[], weights: number[] | null, n: number): Ptr;
  ngram_model_free(lm: Ptr): number;
  /** log P(words[0] | words[1], words[2], …), history most recent first, in the logmath's base. */
  ngram_prob(lm: Ptr, words: string[], n: number): number;
  logmath_init(base: number, shift: number, useTable: number): Ptr;
  logmath_log_to_log10(lmath: Ptr, logp: number): number;
  ckd_free(ptr: Ptr): void;
}

let loaded: PocketsphinxLibrary | undefined;

/**
 * Loads koffi and libpocketsphinx and binds the functions Earshot uses. Throws `engine_not_ready`
 * naming the apt package when the shared library (or one of its symbols) is missing. koffi itself
 * is imported here rather than at module load, so a machine without it can still run the other
 * engines. A failure is not cached: installing the package fixes a running server.
 */
export async function loadPocketsphinx(): Promise<PocketsphinxLibrary> {
  if (loaded) return loaded;
  let koffi: Koffi;
  try {
    koffi = (await import('koffi')).default;
  } catch (err) {
    throw new EarshotError(
      'engine_not_ready',
      `The koffi FFI module, which loads libpocketsphinx, is missing or has no build for this platform: ${(err as Error).message}. Reinstall the dependencies with \`npm ci\`.`,
      { cause: err },
    );
  }
  if (loaded) return loaded;
  let ps: LibraryHandle;
  let sb: LibraryHandle;
  try {
    // sphinxbase first: libpocketsphinx links against it, and logging lives there.
    sb = koffi.load('libsphinxbase.so.3');
    ps = koffi.load('libpocketsphinx.so.3');
  } catch (err) {
    throw new EarshotError(
      'engine_not_ready',
      `The pocketsphinx library (libpocketsphinx.so.3) could not be loaded: ${(err as Error).message}. Install it with \`${INSTALL_HINT}\`.`,
      { cause: err },
    );
  }
  try {
    const processRaw = ps.func('int ps_process_raw(void *ps, const int16_t *data, size_t n_samples, int no_search, int full_utt)');
    const endUtt = ps.func('int ps_end_utt(void *ps)');
    const init = ps.func('void *ps_init(void *config)');
    const segIter = ps.func('void *ps_seg_iter(void *ps)');
    const lmRead = sb.func('void *ngram_model_read(void *config, const char *path, int type, void *lmath)');
    const lib: PocketsphinxLibrary = {
      koffi,
      ps_args: ps.func('void *ps_args()'),
      cmd_ln_init: sb.func('void *cmd_ln_init(void *inout, void *defn, int32_t strict, ...)'),
      cmd_ln_free_r: sb.func('int cmd_ln_free_r(void *config)'),
      ps_init: init,
      ps_init_async: (...a) => init.async(...a),
      ps_free: ps.func('int ps_free(void *ps)'),
      ps_start_stream: ps.func('int ps_start_stream(void *ps)'),
      ps_start_utt: ps.func('int ps_start_utt(void *ps)'),
      ps_process_raw_async: (...a) => processRaw.async(...a),
      ps_end_utt_async: (...a) => endUtt.async(...a),
      ps_get_hyp: ps.func('const char *ps_get_hyp(void *ps, _Out_ int32_t *out_best_score)'),
      ps_get_in_speech: ps.func('uint8_t ps_get_in_speech(void *ps)'),
      ps_seg_iter: segIter,
      ps_seg_iter_async: (...a) => segIter.async(...a),
      ps_seg_next: ps.func('void *ps_seg_next(void *seg)'),
      ps_seg_word: ps.func('const char *ps_seg_word(void *seg)'),
      ps_seg_frames: ps.func('void ps_seg_frames(void *seg, _Out_ int *out_sf, _Out_ int *out_ef)'),
      ps_seg_prob: ps.func('int32_t ps_seg_prob(void *seg, _Out_ int32_t *ascr, _Out_ int32_t *lscr, _Out_ int32_t *lback)'),
      ps_seg_free: ps.func('void ps_seg_free(void *seg)'),
      ps_get_logmath: ps.func('void *ps_get_logmath(void *ps)'),
      ps_get_feat: ps.func('void *ps_get_feat(void *ps)'),
      logmath_exp: sb.func('double logmath_exp(void *lmath, int logb_p)'),
      ps_get_config: ps.func('void *ps_get_config(void *ps)'),
      ps_add_word: ps.func('int ps_add_word(void *ps, const char *word, const char *phones, int update)'),
      ps_lookup_word: ps.func('void *ps_lookup_word(void *ps, const char *word)'),
      ps_set_lm: ps.func('int ps_set_lm(void *ps, const char *name, void *lm)'),
      ps_set_search: ps.func('int ps_set_search(void *ps, const char *name)'),
      ps_get_search: ps.func('const char *ps_get_search(void *ps)'),
      ngram_model_read_async: (...a) => lmRead.async(...a),
      ngram_model_set_init: sb.func('void *ngram_model_set_init(void *config, void **models, const char **names, const float *weights, int32_t n)'),
      ngram_model_free: sb.func('int ngram_model_free(void *lm)'),
      ngram_prob: sb.func('int32_t ngram_prob(void *lm, const char **words, int32_t n)'),
      logmath_init: sb.func('void *logmath_init(double base, int shift, int use_table)'),
      logmath_log_to_log10: sb.func('double logmath_log_to_log10(void *lmath, int logb_x)'),
      ckd_free: sb.func('void ckd_free(void *ptr)'),
    };
    // pocketsphinx logs every option and model statistic to stderr by default; a process-wide
    // NULL log stream silences it (model problems are checked and reported by us instead).
    sb.func('void err_set_logfp(void *stream)')(null);
    loaded = lib;
    return lib;
  } catch (err) {
    throw new EarshotError(
      'engine_not_ready',
      `The installed libpocketsphinx lacks a function Earshot needs (${(err as Error).message}); it expects the 5prealpha API. Reinstall it with \`${INSTALL_HINT}\`.`,
      { cause: err },
    );
  }
}

/** Promise wrapper over a koffi `.async` call, which runs the native function on a worker thread. */
export function callAsync<A extends unknown[], R>(fn: AsyncFn<A, R>, ...args: A): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    fn(...args, (err: unknown, res: R) => (err ? reject(err) : resolve(res)));
  });
}
