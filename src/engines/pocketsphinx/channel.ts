/**
 * Snapshot and restore of a decoder's live cepstral-mean-normalisation (CMN) state.
 *
 * Why: pocketsphinx 5prealpha adapts its CMN mean after every utterance and keeps it for the life
 * of the decoder; ps_start_stream() resets the front end's noise and VAD state but not CMN. A
 * pooled decoder would then transcribe the same audio differently depending on which job ran
 * before it. Restoring the state captured right after ps_init makes each use decode as a freshly
 * loaded decoder does (and as `pocketsphinx_continuous` does on one file).
 *
 * The CMN *type* is part of that state: the en-us model asks for batch CMN (its feat.params), and
 * sphinxbase silently switches a decoder to live CMN, for good, the first time it is fed audio in
 * pieces. Restoring it lets a whole-utterance decode (utterance.ts) normalise with the utterance's
 * own mean again, whatever the decoder did before.
 *
 * There is no API for this, so the public structs from sphinxbase/feat.h (`feat_t`, up to
 * `cmn_struct`) and sphinxbase/cmn.h (`cmn_t`) are read and written through koffi. The layout is
 * checked against known values at capture time; when it does not match (another sphinxbase build,
 * fixed-point mfcc_t), capture returns null and decoding simply keeps the library's behaviour.
 */
import type { Koffi, Ptr } from './library.js';

// Anonymous structs: koffi type names are process-wide, so named ones could clash.
const structs = (koffi: Koffi) => ({
  FeatHead: koffi.struct({
    refcount: 'int',
    name: 'char *',
    cepsize: 'int32_t',
    n_stream: 'int32_t',
    stream_len: 'void *',
    window_size: 'int32_t',
    n_sv: 'int32_t',
    sv_len: 'void *',
    subvecs: 'void *',
    sv_buf: 'void *',
    sv_dim: 'int32_t',
    cmn: 'int',
    varnorm: 'int32_t',
    agc: 'int',
    compute_feat: 'void *',
    cmn_struct: 'void *',
  }),
  Cmn: koffi.struct({
    cmn_mean: 'void *',
    cmn_var: 'void *',
    sum: 'void *',
    nframe: 'int32_t',
    veclen: 'int32_t',
  }),
});

let types: ReturnType<typeof structs> | undefined;

interface FeatHeadValue {
  cepsize: number;
  cmn: number;
  cmn_struct: Ptr;
}

interface CmnValue {
  cmn_mean: Ptr;
  sum: Ptr;
  nframe: number;
  veclen: number;
}

export interface ChannelSnapshot {
  restore(): void;
}

/** Captures the CMN state of a decoder's `feat_t` (from ps_get_feat), or null if unusable. */
export function captureChannel(koffi: Koffi, feat: Ptr): ChannelSnapshot | null {
  if (!feat) return null;
  types ??= structs(koffi);
  const { FeatHead, Cmn } = types;
  const head = koffi.decode(feat, FeatHead) as FeatHeadValue;
  // sphinxbase's cmn_type_e: 0 none, 1 batch, 2 live; anything else means the layout is not ours.
  if (!head.cmn_struct || (head.cmn !== 1 && head.cmn !== 2)) return null;
  const cmnPtr = head.cmn_struct;
  const cmn = koffi.decode(cmnPtr, Cmn) as CmnValue;
  // A fresh feat_t has one CMN value per cepstral coefficient and no frames accumulated yet.
  if (cmn.veclen !== head.cepsize || cmn.veclen < 1 || cmn.veclen > 64 || cmn.nframe !== 0) return null;
  if (!cmn.cmn_mean || !cmn.sum) return null;
  const mean = Float32Array.from(koffi.decode(cmn.cmn_mean, 'float', cmn.veclen) as ArrayLike<number>);
  const sum = Float32Array.from(koffi.decode(cmn.sum, 'float', cmn.veclen) as ArrayLike<number>);
  if (![...mean, ...sum].every(Number.isFinite)) return null;

  const nframeOffset = koffi.offsetof(Cmn, 'nframe');
  const typeOffset = koffi.offsetof(FeatHead, 'cmn');
  const type = head.cmn;
  const meanPtr = cmn.cmn_mean;
  const sumPtr = cmn.sum;
  return {
    restore() {
      koffi.encode(meanPtr, 'float', mean, mean.length);
      koffi.encode(sumPtr, 'float', sum, sum.length);
      koffi.encode(cmnPtr, nframeOffset, 'int32_t', 0);
      koffi.encode(feat, typeOffset, 'int', type);
    },
  };
}
