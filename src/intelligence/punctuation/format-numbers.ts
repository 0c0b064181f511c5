import {
  DIGIT_WORDS,
  formatCardinal,
  isNumberWord,
  ordinalSuffix,
  readCardinal,
  readDigitRun,
  readOrdinal,
  readYear,
  type SpokenNumber,
} from './spoken-numbers.js';
import type { Token } from './tokens.js';

/**
 * Inverse text normalisation for `format_text` (issue 7 item 1): spelled numbers become digits
 * where a reader expects them, and stay words where style guides keep them. The rules, in order:
 *
 * 1. Three or more digits spoken one by one become a digit string ("four one five" → "415");
 *    ten of them are written as a phone number ("415-555-1212"), seven as "555-1212".
 * 2. A year said in halves: "nineteen ninety" → "1990", "twenty twenty four" → "2024",
 *    "nineteen oh five" → "1905". The first half must be 11–20 and the second 10–99 (or "oh" and
 *    a digit), so "twenty five" is 25, not a year.
 * 3. Cardinals: "twenty five" → "25", "three hundred and five" → "305", "twelve thousand five
 *    hundred" → "12,500". A lone zero–nine stays a word ("one of them", "two people"), unless a
 *    unit follows: "five percent" → "5%", "five dollars" → "$5", or a decimal: "three point five"
 *    → "3.5".
 * 4. Ordinals from "tenth" up become "10th", "twenty first" → "21st"; below ten they stay words
 *    ("the third time") except next to a month: "march third" → "march 3rd", "third of may".
 *
 * Numbers never join across a VAD segment end, and the merged token keeps the first word's start
 * and the last word's end, so word timings still cover the audio.
 */
export function formatNumbers(tokens: readonly Token[]): Token[] {
  const out: Token[] = [];
  let runStart = 0;
  // Parse within runs that end at a segment break: a number never spans two VAD segments.
  tokens.forEach((token, i) => {
    if (token.breakAfter || i === tokens.length - 1) {
      out.push(...formatRun(tokens.slice(runStart, i + 1)));
      runStart = i + 1;
    }
  });
  return out;
}

const MONTHS = new Set([
  'january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december',
]);

function formatRun(run: readonly Token[]): Token[] {
  const cores = run.map((t) => t.core);
  const out: Token[] = [];
  let i = 0;
  while (i < run.length) {
    const found = isNumberWord(cores[i]) || cores[i] === 'a' ? formatAt(cores, i) : null;
    if (!found) {
      out.push(run[i]);
      i++;
      continue;
    }
    out.push(merge(run.slice(i, found.end), found.text));
    i = found.end;
  }
  return out;
}

/** The formatted text of the number starting at token i, or null to leave the words as they are. */
function formatAt(cores: readonly string[], i: number): { text: string; end: number } | null {
  const run = readDigitRun(cores, i);
  if (run) return { text: digitString(run.digits), end: run.end };

  const year = readYear(cores, i);
  if (year) return { text: String(year.value), end: year.end };

  const ordinal = readOrdinal(cores, i);
  if (ordinal) {
    const nearMonth = MONTHS.has(cores[i - 1] ?? '') || (cores[ordinal.end] === 'of' && MONTHS.has(cores[ordinal.end + 1] ?? ''));
    return ordinal.value >= 10 || nearMonth ? { text: ordinalSuffix(ordinal.value), end: ordinal.end } : null;
  }

  const cardinal = readCardinal(cores, i);
  if (!cardinal) return null;
  // "a hundred" or "a thousand" are numbers; a bare "a" never is (readCardinal needs a scale after it).
  return withUnit(cores, cardinal);
}

function withUnit(cores: readonly string[], n: SpokenNumber): { text: string; end: number } | null {
  let text = formatCardinal(n.value);
  let end = n.end;
  const multiword = n.end - n.start > 1;
  // "three point one four": a decimal point followed by digits spoken one by one.
  if (cores[end] === 'point' && cores[end + 1] !== undefined && cores[end + 1] in DIGIT_WORDS) {
    let decimals = '';
    let j = end + 1;
    while (cores[j] !== undefined && cores[j] in DIGIT_WORDS) decimals += String(DIGIT_WORDS[cores[j++]]);
    text = `${text}.${decimals}`;
    end = j;
  }
  const unit = cores[end];
  if (unit === 'percent') return { text: `${text}%`, end: end + 1 };
  if (unit === 'dollars' || unit === 'dollar' || unit === 'bucks') return { text: `$${text}`, end: end + 1 };
  if (!multiword && n.value < 10 && end === n.end) return null;
  return { text, end };
}

function digitString(digits: string): string {
  if (digits.length === 10) return `${digits.slice(0, 3)}-${digits.slice(3, 6)}-${digits.slice(6)}`;
  if (digits.length === 11 && digits[0] === '1') return `1-${digits.slice(1, 4)}-${digits.slice(4, 7)}-${digits.slice(7)}`;
  if (digits.length === 7) return `${digits.slice(0, 3)}-${digits.slice(3)}`;
  return digits;
}

function merge(tokens: readonly Token[], text: string): Token {
  const last = tokens[tokens.length - 1];
  return {
    text,
    core: text.toLowerCase(),
    words: tokens.flatMap((t) => t.words),
    segment: tokens[0].segment,
    breakAfter: last.breakAfter,
  };
}
