import { readFileSync } from 'node:fs';
import { EarshotError } from '../../errors.js';
import type { Transcript, Word } from '../../transcript/model.js';

/** What `language_detection` reports: AssemblyAI's `language_code` and `language_confidence`. */
export interface DetectedLanguage {
  code: string;
  /** 0..1; null when there was no speech to judge. */
  confidence: number | null;
}

/**
 * The language of a transcript, from what its engine can tell (issue 14: "answered honestly").
 *
 * - An engine that identifies languages (a multilingual whisper model: whisper.cpp's language
 *   identification runs on each utterance) labels its segments; the language is the one most words
 *   were heard in, and the confidence the share of words in segments identified as it. The
 *   binding returns whisper's choice but not its probabilities, so this measures agreement across
 *   the file, not whisper's own certainty.
 * - Otherwise the models are English-only (pocketsphinx's en-us, whisper's `.en`): the answer is
 *   "en", and the confidence is how well English explains the audio: the mean over words of the
 *   engine's confidence in the word if it is an English word (Debian's wamerican list), else 0.
 *   pocketsphinx only ever writes words of its English dictionary, so for it this is the mean
 *   acoustic posterior, which falls when the speech is not English; whisper `.en` reports no word
 *   confidences (1), so for it this is the share of its words that are English words.
 */
export function detectLanguage(transcript: Pick<Transcript, 'words' | 'segments'>, dictionary: ReadonlySet<string> = englishWords()): DetectedLanguage {
  const identified = wordsPerIdentifiedLanguage(transcript);
  if (identified.size > 0) {
    const total = [...identified.values()].reduce((a, b) => a + b, 0);
    const [code, count] = [...identified.entries()].sort((a, b) => b[1] - a[1])[0];
    return { code, confidence: total === 0 ? null : round(count / total) };
  }
  const judged = transcript.words.map(wordKey).filter((key): key is string => key !== null);
  if (judged.length === 0) return { code: 'en', confidence: null };
  let evidence = 0;
  transcript.words.forEach((word) => {
    const key = wordKey(word);
    if (key !== null && dictionary.has(key)) evidence += Math.min(1, Math.max(0, word.confidence));
  });
  return { code: 'en', confidence: round(evidence / judged.length) };
}

function wordsPerIdentifiedLanguage(transcript: Pick<Transcript, 'segments'>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const segment of transcript.segments) {
    if (segment.language) counts.set(segment.language, (counts.get(segment.language) ?? 0) + segment.words.length);
  }
  return counts;
}

/** The word as the word list spells it; null for numbers and symbols, which belong to no language. */
function wordKey(word: Word): string | null {
  const key = word.text.toLowerCase().replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '').replace(/’/g, "'");
  return key !== '' && !/\d/.test(key) ? key : null;
}

/** Debian's wamerican word list; /usr/share/dict/words is its usual alias. */
export const ENGLISH_WORD_LISTS = ['/usr/share/dict/american-english', '/usr/share/dict/words'];
let cached: Set<string> | undefined;

export function englishWords(): ReadonlySet<string> {
  if (cached) return cached;
  for (const path of ENGLISH_WORD_LISTS) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      continue;
    }
    cached = new Set(text.split('\n').map((w) => w.trim().toLowerCase()).filter(Boolean));
    return cached;
  }
  throw new EarshotError(
    'engine_not_ready',
    `language_detection with English-only models needs an English word list at ${ENGLISH_WORD_LISTS.join(' or ')}; install it (Debian: apt-get install wamerican) or leave language_detection unset.`,
  );
}

function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
