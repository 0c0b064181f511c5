import { cardinalWords, digitWords, isYearLike, ordinalWords, pluralWords, yearWords } from './number-words.js';

/**
 * Text normalisation for word error rate, applied the same way to reference and hypothesis so
 * that only recognition errors count, not writing conventions. In order:
 *
 * 1. Sphinx-style transcript markup goes: `<s>`, `</s>`, `<sil>` and any other `<tag>`, a
 *    trailing `(utterance-id)` on each line, and `[bracketed]` non-speech notes like `[noise]`.
 * 2. Unicode NFKC, lower case, curly apostrophes made straight, "&" read as "and".
 * 3. Numbers in digits become words: "42" → "forty two" (no "and"), "1,500" → "one thousand
 *    five hundred", years 1100–1999 and 2010–2099 as spoken ("1990" → "nineteen ninety",
 *    "1905" → "nineteen oh five"), "1990s" → "nineteen nineties", "3.14" → "three point one
 *    four", "21st" → "twenty first", "007" → "zero zero seven", "10:30" → "ten thirty",
 *    "50%" → "fifty percent", "$5" → "five dollars". Digits inside a word are split off
 *    ("mp3" → "mp three").
 * 4. Punctuation becomes a space (so "forty-two" matches "forty two"); apostrophes are kept
 *    inside words only.
 * 5. Contractions are expanded rather than left alone, so "don't" and "do not" agree: n't →
 *    "not" (won't → "will not", can't and cannot → "can not"), 're → "are", 've → "have", 'll →
 *    "will", 'm → "am", 'd → "would" (it may mean "had"; both sides read it the same way),
 *    let's → "let us", and 's → "is" only after pronouns and question words (it's, that's,
 *    what's, …), since after a noun it is usually possessive.
 * 5b. Spoken titles written short are spelled out: "mr" → "mister", "mrs" → "missus", "dr" →
 *    "doctor" (engines write "mr", read-speech references say "mister"). "st" is left alone
 *    (saint or street).
 * 6. Filler words (uh, um, hmm, mm, mhm, erm, …) are dropped unless `keepFillers` is set: most
 *    references leave them out and most engines do too, but not all.
 * 7. Runs of spaces collapse to one.
 */
export interface NormalizeOptions {
  keepFillers?: boolean;
}

/**
 * Recorded in eval results (docs/evaluation.md). Bump it with any change that alters normalised
 * text, so WERs computed under different rules are never compared as if they were alike.
 */
export const NORMALIZATION_VERSION = '1';

export function normalizeText(text: string, options: NormalizeOptions = {}): string {
  return normalizeWords(text, options).join(' ');
}

export function normalizeWords(text: string, options: NormalizeOptions = {}): string[] {
  const stripped = text
    .split(/\r?\n/)
    .map((line) => line.replace(/\s*\(\S+\)\s*$/, ''))
    .join(' ')
    .replace(/<[^<>]*>|\[[^[\]]*\]/g, ' ');
  const lowered = stripped.normalize('NFKC').toLowerCase().replace(/[‘’ʼ]/g, "'").replace(/&/g, ' and ');
  const spelled = spellNumbers(lowered);
  const tokens = spelled
    .replace(/[^\p{L}\p{M}\p{N}'\s]/gu, ' ')
    .split(/\s+/)
    .map((t) => t.replace(/^'+|'+$/g, ''))
    .filter((t) => t !== '');
  const expanded = tokens.flatMap(expandContraction).map((t) => TITLES.get(t) ?? t);
  return options.keepFillers ? expanded : expanded.filter((t) => !FILLERS.has(t));
}

const TITLES = new Map([
  ['mr', 'mister'],
  ['mrs', 'missus'],
  ['dr', 'doctor'],
]);

const FILLERS = new Set(['uh', 'um', 'uhm', 'umm', 'hmm', 'hm', 'mm', 'mmm', 'mhm', 'erm']);

function spellNumbers(text: string): string {
  return text
    .replace(/\$(\d[\d,]*(?:\.\d+)?)/g, '$1 dollars')
    .replace(/(\d)\s*%/g, '$1 percent')
    .replace(/\b(\d{1,2}):(\d{2})\b/g, (_, h: string, m: string) => ` ${cardinalWords(h)} ${minuteWords(m)} `)
    .replace(/(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(st|nd|rd|th|s)?/g, (_, whole: string, fraction?: string, suffix?: string) => {
      return ` ${numberWords(whole, fraction, suffix)} `;
    });
}

function numberWords(whole: string, fraction: string | undefined, suffix: string | undefined): string {
  const digits = whole.replace(/,/g, '');
  if (fraction !== undefined) return `${cardinalWords(digits)} point ${digitWords(fraction)}`;
  if (suffix !== undefined && suffix !== 's') return ordinalWords(digits);
  const words =
    !whole.includes(',') && isYearLike(digits)
      ? yearWords(digits)
      : digits.length > 1 && digits.startsWith('0')
        ? digitWords(digits)
        : cardinalWords(digits);
  return suffix === 's' ? pluralWords(words) : words;
}

/** ":00" is not said, ":05" is "oh five". */
function minuteWords(minutes: string): string {
  if (minutes === '00') return '';
  return minutes.startsWith('0') ? `oh ${digitWords(minutes.slice(1))}` : cardinalWords(minutes);
}

const WHOLE_WORD: Record<string, string[]> = {
  "won't": ['will', 'not'],
  "can't": ['can', 'not'],
  cannot: ['can', 'not'],
  "shan't": ['shall', 'not'],
  // Could stand for "is not", "am not" or "have not"; left as it is.
  "ain't": ["ain't"],
  "let's": ['let', 'us'],
};
const SUFFIXES: [string, string][] = [
  ["n't", 'not'],
  ["'re", 'are'],
  ["'ve", 'have'],
  ["'ll", 'will'],
  ["'m", 'am'],
  ["'d", 'would'],
];
const IS_AFTER = new Set(['it', 'that', 'what', 'there', 'here', 'he', 'she', 'who', 'where', 'how', 'when', 'why']);

function expandContraction(token: string): string[] {
  // Own properties only: "constructor" or "__proto__" in a transcript must not reach Object.prototype.
  const whole = Object.hasOwn(WHOLE_WORD, token) ? WHOLE_WORD[token] : undefined;
  if (whole) return whole;
  for (const [suffix, word] of SUFFIXES) {
    if (token.endsWith(suffix) && token.length > suffix.length) return [token.slice(0, -suffix.length), word];
  }
  if (token.endsWith("'s") && IS_AFTER.has(token.slice(0, -2))) return [token.slice(0, -2), 'is'];
  return [token];
}
