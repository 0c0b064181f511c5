/**
 * Reading numbers spoken as words ("twenty five", "nineteen ninety", "four one five …") from a
 * token list. Shared by text formatting (issue 7 item 1, `format_text`) and PII detection (item 7),
 * which both need the value and how many tokens it took. Tokens are lowercase word cores without
 * punctuation; the caller strips those.
 */

export const DIGIT_WORDS: Readonly<Record<string, number>> = {
  zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9,
};
const TEENS: Readonly<Record<string, number>> = {
  ten: 10, eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18, nineteen: 19,
};
const TENS: Readonly<Record<string, number>> = {
  twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90,
};
const SCALES: Readonly<Record<string, number>> = { thousand: 1e3, million: 1e6, billion: 1e9 };

const ORDINAL_ONES: Readonly<Record<string, number>> = {
  first: 1, second: 2, third: 3, fourth: 4, fifth: 5, sixth: 6, seventh: 7, eighth: 8, ninth: 9,
};
const ORDINAL_TEENS: Readonly<Record<string, number>> = {
  tenth: 10, eleventh: 11, twelfth: 12, thirteenth: 13, fourteenth: 14, fifteenth: 15, sixteenth: 16, seventeenth: 17,
  eighteenth: 18, nineteenth: 19,
};
const ORDINAL_TENS: Readonly<Record<string, number>> = {
  twentieth: 20, thirtieth: 30, fortieth: 40, fiftieth: 50, sixtieth: 60, seventieth: 70, eightieth: 80, ninetieth: 90,
};

/** A number read from tokens[start..end) (end exclusive). */
export interface SpokenNumber {
  start: number;
  end: number;
  value: number;
  kind: 'cardinal' | 'year' | 'ordinal';
}

/** Any token that can be part of a spoken number; cheap pre-check before parsing. */
export function isNumberWord(token: string): boolean {
  return token in DIGIT_WORDS || token in TEENS || token in TENS || token in SCALES || token === 'hundred' ||
    token in ORDINAL_ONES || token in ORDINAL_TEENS || token in ORDINAL_TENS;
}

/** 0–99 from one or two tokens: "seven", "fifteen", "forty", "forty two". */
function belowHundred(tokens: readonly string[], i: number): { value: number; end: number } | null {
  const t = tokens[i];
  if (t === undefined) return null;
  if (t in TENS) {
    const next = tokens[i + 1];
    if (next !== undefined && next in DIGIT_WORDS && DIGIT_WORDS[next] > 0) return { value: TENS[t] + DIGIT_WORDS[next], end: i + 2 };
    return { value: TENS[t], end: i + 1 };
  }
  if (t in TEENS) return { value: TEENS[t], end: i + 1 };
  if (t in DIGIT_WORDS) return { value: DIGIT_WORDS[t], end: i + 1 };
  return null;
}

/** 1–999: "three hundred and five", "twelve hundred" (1200), or a plain 0–99. */
function belowThousand(tokens: readonly string[], i: number): { value: number; end: number } | null {
  // "a hundred" reads as 100; "a" alone is never a number.
  const lead = tokens[i] === 'a' && tokens[i + 1] === 'hundred' ? { value: 1, end: i + 1 } : belowHundred(tokens, i);
  if (!lead) return null;
  if (tokens[lead.end] !== 'hundred' || lead.value === 0) return lead;
  let value = lead.value * 100;
  let end = lead.end + 1;
  const afterAnd = tokens[end] === 'and' ? end + 1 : end;
  const rest = belowHundred(tokens, afterAnd);
  if (rest && rest.value > 0) {
    value += rest.value;
    end = rest.end;
  }
  return { value, end };
}

/**
 * A cardinal from tokens[i]: groups below a thousand joined by decreasing scales, with "and"
 * allowed before the last group ("two thousand and five"). Stops where the grammar stops, so
 * "five six" reads as 5 and leaves "six" for the next call.
 */
export function readCardinal(tokens: readonly string[], i: number): SpokenNumber | null {
  const aLead = tokens[i] === 'a' && tokens[i + 1] !== undefined && tokens[i + 1] in SCALES;
  const first = aLead ? { value: 1, end: i + 1 } : belowThousand(tokens, i);
  if (!first) return null;
  let total = 0;
  let group = first;
  let lastScale = Infinity;
  for (;;) {
    const scaleWord = tokens[group.end];
    const scale = scaleWord === undefined ? undefined : SCALES[scaleWord];
    if (scale === undefined || scale >= lastScale || group.value === 0) {
      return { start: i, end: group.end, value: total + group.value, kind: 'cardinal' };
    }
    total += group.value * scale;
    lastScale = scale;
    let next = group.end + 1;
    if (tokens[next] === 'and') next++;
    const following = belowThousand(tokens, next);
    if (!following || following.value === 0) return { start: i, end: group.end + 1, value: total, kind: 'cardinal' };
    group = following;
  }
}

/**
 * A year said in two halves: "nineteen ninety" (1990), "nineteen oh five" (1905), "twenty twenty
 * four" (2024). The first half is 11–20 as one word and the second 10–99 or "oh" + digit, so
 * "twenty five" stays 25.
 */
export function readYear(tokens: readonly string[], i: number): SpokenNumber | null {
  const t = tokens[i];
  const high = t === 'twenty' ? 20 : t !== undefined && t in TEENS && TEENS[t] >= 11 ? TEENS[t] : null;
  if (high === null) return null;
  const next = tokens[i + 1];
  if (next === 'oh' || next === 'o') {
    const digit = tokens[i + 2];
    if (digit !== undefined && digit in DIGIT_WORDS && DIGIT_WORDS[digit] > 0) {
      return { start: i, end: i + 3, value: high * 100 + DIGIT_WORDS[digit], kind: 'year' };
    }
    return null;
  }
  const low = belowHundred(tokens, i + 1);
  if (!low || low.value < 10) return null;
  return { start: i, end: low.end, value: high * 100 + low.value, kind: 'year' };
}

/** "third" → 3, "twenty first" → 21, "one hundredth" → 100. */
export function readOrdinal(tokens: readonly string[], i: number): SpokenNumber | null {
  const t = tokens[i];
  if (t === undefined) return null;
  if (t in ORDINAL_ONES) return { start: i, end: i + 1, value: ORDINAL_ONES[t], kind: 'ordinal' };
  if (t in ORDINAL_TEENS) return { start: i, end: i + 1, value: ORDINAL_TEENS[t], kind: 'ordinal' };
  if (t in ORDINAL_TENS) return { start: i, end: i + 1, value: ORDINAL_TENS[t], kind: 'ordinal' };
  if (t in TENS) {
    const next = tokens[i + 1];
    if (next !== undefined && next in ORDINAL_ONES) return { start: i, end: i + 2, value: TENS[t] + ORDINAL_ONES[next], kind: 'ordinal' };
  }
  return null;
}

/** "1" → "1st", "12" → "12th", "23" → "23rd". */
export function ordinalSuffix(n: number): string {
  const lastTwo = n % 100;
  if (lastTwo >= 11 && lastTwo <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}

/** Thousands separators from 10,000 up; four-digit numbers stay plain ("2005"), as style guides have it. */
export function formatCardinal(n: number): string {
  return n >= 10000 ? n.toLocaleString('en-US') : String(n);
}

/**
 * Digits spoken one at a time, as in phone and card numbers: "four one five", "oh", "double
 * five" (55), "triple oh" (000). Returns the digit string and where it ends; null when fewer than
 * `minDigits` digits were read.
 */
export function readDigitRun(tokens: readonly string[], i: number, minDigits = 3): { digits: string; end: number } | null {
  let digits = '';
  let j = i;
  for (;;) {
    const t = tokens[j];
    if (t === undefined) break;
    const repeat = t === 'double' ? 2 : t === 'triple' ? 3 : 1;
    const d = repeat > 1 ? tokens[j + 1] : t;
    const digit = d === undefined ? undefined : d === 'oh' || d === 'o' ? 0 : DIGIT_WORDS[d];
    if (digit === undefined) break;
    // "oh" only counts between other digits, never to open a run ("oh two" is an exclamation).
    if (digits === '' && (d === 'oh' || d === 'o') && repeat === 1) break;
    // A digit followed by a scale ("five hundred") is a cardinal, not a spelled digit.
    const after = tokens[j + (repeat > 1 ? 2 : 1)];
    if (after === 'hundred' || (after !== undefined && after in SCALES)) break;
    digits += String(digit).repeat(repeat);
    j += repeat > 1 ? 2 : 1;
  }
  return digits.length >= minDigits ? { digits, end: j } : null;
}
