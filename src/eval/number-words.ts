/**
 * English words for numbers written in digits, for WER normalisation: a reference that says
 * "forty two" and a hypothesis that writes "42" should not count as two errors. Works on digit
 * strings so long numbers lose no precision.
 */

const ONES = [
  'zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten',
  'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen',
];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const SCALES = ['', 'thousand', 'million', 'billion', 'trillion', 'quadrillion', 'quintillion'];

/** "7" → "seven", "042" → "zero four two": each digit on its own. */
export function digitWords(digits: string): string {
  return [...digits].map((d) => ONES[Number(d)]).join(' ');
}

function belowHundred(n: number): string {
  if (n < 20) return ONES[n];
  return n % 10 === 0 ? TENS[n / 10] : `${TENS[Math.floor(n / 10)]} ${ONES[n % 10]}`;
}

function belowThousand(n: number): string {
  const hundreds = Math.floor(n / 100);
  const rest = n % 100;
  if (hundreds === 0) return belowHundred(rest);
  return rest === 0 ? `${ONES[hundreds]} hundred` : `${ONES[hundreds]} hundred ${belowHundred(rest)}`;
}

/**
 * "1234" → "one thousand two hundred thirty four". No "and" is inserted: references vary, and
 * leaving it out keeps the digits-to-words mapping one-to-one. Beyond the quintillions the
 * digits are read one by one.
 */
export function cardinalWords(digits: string): string {
  const trimmed = digits.replace(/^0+(?=\d)/, '');
  if (trimmed.length > SCALES.length * 3) return digitWords(trimmed);
  const parts: string[] = [];
  for (let end = trimmed.length, scale = 0; end > 0; end -= 3, scale++) {
    const group = Number(trimmed.slice(Math.max(0, end - 3), end));
    if (group !== 0 || trimmed === '0') parts.unshift(SCALES[scale] ? `${belowThousand(group)} ${SCALES[scale]}` : belowThousand(group));
  }
  return parts.join(' ');
}

/**
 * Whether a four-digit number is read as a year: 1100–1999 and 2010–2099, the ranges where the
 * spoken form ("nineteen ninety", "twenty twenty four") differs from the cardinal. 2000–2009 are
 * said as cardinals ("two thousand five") anyway.
 */
export function isYearLike(digits: string): boolean {
  if (!/^\d{4}$/.test(digits)) return false;
  const n = Number(digits);
  return (n >= 1100 && n <= 1999) || (n >= 2010 && n <= 2099);
}

/** "1990" → "nineteen ninety", "1905" → "nineteen oh five", "1900" → "nineteen hundred". */
export function yearWords(digits: string): string {
  const n = Number(digits);
  const high = belowHundred(Math.floor(n / 100));
  const low = n % 100;
  if (low === 0) return `${high} hundred`;
  if (low < 10) return `${high} oh ${ONES[low]}`;
  return `${high} ${belowHundred(low)}`;
}

const IRREGULAR_ORDINALS: Record<string, string> = {
  one: 'first', two: 'second', three: 'third', five: 'fifth', eight: 'eighth', nine: 'ninth', twelve: 'twelfth',
};

/** "21" → "twenty first", "100" → "one hundredth". */
export function ordinalWords(digits: string): string {
  const words = cardinalWords(digits).split(' ');
  const last = words.pop() ?? '';
  const ordinal = IRREGULAR_ORDINALS[last] ?? (last.endsWith('y') ? `${last.slice(0, -1)}ieth` : `${last}th`);
  return [...words, ordinal].join(' ');
}

/** "1990s" → "nineteen nineties", "80s" → "eighties". */
export function pluralWords(words: string): string {
  return words.endsWith('y') ? `${words.slice(0, -1)}ies` : `${words}s`;
}
