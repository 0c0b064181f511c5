/**
 * A copy of `pcm` with ±1 LSB of noise added. Digital silence (runs of exact zeros: edited
 * podcasts, synthetic speech, padding) has no energy at all, and its log-energy cepstra are so
 * far from speech that they drag a whole utterance's mean with them; a decode that keeps
 * silence frames (WHOLE_UTTERANCE_ARGS) then loses most words. One bit of noise is inaudible and
 * gives those frames the level of a very quiet room. pocketsphinx's own `-dither` draws from one
 * generator per decoder, so the same audio would decode differently depending on what the
 * decoder heard before; this noise is the same for the same audio.
 */
export function dither(pcm: Int16Array): Int16Array {
  const out = new Int16Array(pcm.length);
  let state = 0x9e3779b9;
  for (let i = 0; i < pcm.length; i++) {
    // xorshift32: cheap and deterministic; only its top bit is used.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    const v = pcm[i] + (state < 0 ? -1 : 1);
    out[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
  }
  return out;
}
