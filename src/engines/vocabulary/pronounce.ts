/**
 * ARPAbet pronunciations for words a CMU-style dictionary lacks: espeak-ng's phonemes mapped by
 * arpabet.ts. One espeak-ng process for the whole list.
 */
import { toArpabet } from './arpabet.js';
import { espeakMnemonics, EspeakMissingError, type EspeakOptions } from './espeak.js';

export interface Pronunciations {
  /** word → space-separated ARPAbet phones, e.g. `grafana` → `G R AE F AA N AH`. */
  phones: Map<string, string>;
  /** Words that got no pronunciation, with why. */
  failed: { word: string; reason: string }[];
}

export async function arpabetPronunciations(words: readonly string[], options: EspeakOptions = {}): Promise<Pronunciations> {
  const result: Pronunciations = { phones: new Map(), failed: [] };
  if (words.length === 0) return result;
  let mnemonics: string[];
  try {
    mnemonics = await espeakMnemonics(words, options);
  } catch (error) {
    const reason = error instanceof EspeakMissingError ? error.message : `espeak-ng failed: ${(error as Error).message}`;
    for (const word of words) result.failed.push({ word, reason });
    return result;
  }
  words.forEach((word, i) => {
    const { phones, unknown } = toArpabet(mnemonics[i] ?? '');
    if (phones.length === 0) {
      result.failed.push({ word, reason: `espeak-ng gave no usable phonemes (${mnemonics[i] || 'nothing'}${unknown.length ? `; unknown: ${unknown.join(' ')}` : ''})` });
    } else {
      result.phones.set(word, phones.join(' '));
    }
  });
  return result;
}
