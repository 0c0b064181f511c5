import { DIGIT_WORDS, isNumberWord } from '../../punctuation/spoken-numbers.js';
import { cueBefore, type Detection, type PiiToken } from '../tokens.js';

const TEENS: Readonly<Record<string, string>> = {
  ten: '10', eleven: '11', twelve: '12', thirteen: '13', fourteen: '14', fifteen: '15', sixteen: '16', seventeen: '17', eighteen: '18', nineteen: '19',
};
const TENS: Readonly<Record<string, string>> = {
  twenty: '2', thirty: '3', forty: '4', fifty: '5', sixty: '6', seventy: '7', eighty: '8', ninety: '9',
};
const CONNECTORS = new Set(['dash', 'hyphen', '-']);
const CARD_CUES = new Set(['card', 'visa', 'mastercard', 'amex', 'credit', 'debit', 'discover']);
const SSN_CUES = new Set(['social', 'security', 'ssn']);
const PHONE_CUES = new Set(['phone', 'call', 'number', 'reach', 'cell', 'mobile', 'fax', 'text', 'dial', 'extension']);

/** A run of digits read from words and digit tokens, with how it was written. */
export interface DigitRun {
  first: number;
  last: number;
  digits: string;
  /** The digits as written when the run is one token ("415-555-1212"), else null. */
  written: string | null;
  /** Read partly from "hundred" or tens words, which also make amounts ("two hundred fifty"). */
  cardinalWords: boolean;
}

/**
 * Reads digits spoken or written in groups, the way people say phone and card numbers: "four one
 * five", "oh", "double five", "twelve twelve", "eight hundred", "555-1212", "(415)", with "dash"
 * between groups. Cardinals with scales ("two thousand") end a run: they are amounts.
 */
export function readDigits(tokens: readonly PiiToken[], start: number): DigitRun | null {
  let digits = '';
  let i = start;
  let last = -1;
  let cardinalWords = false;
  const written = /^\(?\d[\d\-().]*\d\)?$|^\d$/.test(tokens[start]?.core ?? '') ? tokens[start].raw.replace(/^[^\d(]+|[^\d)]+$/g, '') : null;
  while (i < tokens.length) {
    const t = tokens[i].core;
    const next = tokens[i + 1]?.core;
    if (/^\(?\d[\d\-().]*$/.test(t)) {
      digits += t.replace(/\D/g, '');
    } else if ((t === 'double' || t === 'triple') && next !== undefined && (next in DIGIT_WORDS || next === 'oh')) {
      digits += String(next === 'oh' ? 0 : DIGIT_WORDS[next]).repeat(t === 'double' ? 2 : 3);
      i++;
    } else if (t in TENS) {
      const ones = next !== undefined && next in DIGIT_WORDS && DIGIT_WORDS[next] > 0 ? DIGIT_WORDS[next] : null;
      digits += TENS[t] + String(ones ?? 0);
      cardinalWords = true;
      if (ones !== null) i++;
    } else if (t in TEENS) {
      digits += TEENS[t];
    } else if (t in DIGIT_WORDS || (t === 'oh' && digits !== '')) {
      digits += String(t === 'oh' ? 0 : DIGIT_WORDS[t]);
      if (next === 'hundred') {
        digits += '00';
        cardinalWords = true;
        i++;
      }
    } else if (CONNECTORS.has(t) && digits !== '' && isDigitToken(tokens[i + 1])) {
      i++;
      continue;
    } else break;
    last = i;
    i++;
    // Scales make an amount ("five thousand"), not a digit string.
    if (tokens[i] && /^(thousand|million|billion)$/.test(tokens[i].core)) return null;
  }
  if (last < start || digits === '') return null;
  return { first: start, last, digits, written: last === start ? written : null, cardinalWords };
}

function isDigitToken(token: PiiToken | undefined): boolean {
  return token !== undefined && (/^\(?\d/.test(token.core) || isNumberWord(token.core) || token.core === 'oh' || token.core === 'double');
}

/** Luhn checksum, which every payment card number satisfies. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/**
 * Card numbers (13–19 digits passing Luhn, or after a card cue when speech recognition may have
 * broken the checksum), social security numbers (nine digits written 3-2-4 or after a cue),
 * phone numbers (ten digits, eleven with a leading 1, or seven after a cue, or written
 * (415) 555-1212) and any other run of five or more digits (number_sequence).
 */
export function detectNumbers(tokens: readonly PiiToken[]): Detection[] {
  const found: Detection[] = [];
  let i = 0;
  while (i < tokens.length) {
    const run = readDigits(tokens, i);
    if (!run) {
      i++;
      continue;
    }
    const policy = classify(tokens, run);
    if (policy) found.push({ first: run.first, last: run.last, policy });
    i = run.last + 1;
  }
  return found;
}

function classify(tokens: readonly PiiToken[], run: DigitRun): Detection['policy'] | null {
  const n = run.digits.length;
  const cue = (cues: ReadonlySet<string>) => cueBefore(tokens, run.first, cues, 8);
  if (n >= 13 && n <= 19 && (luhnValid(run.digits) || cue(CARD_CUES))) return 'credit_card_number';
  if (n === 9 && ((run.written !== null && /^\d{3}-\d{2}-\d{4}$/.test(run.written)) || cue(SSN_CUES))) return 'us_social_security_number';
  if (n === 10 || (n === 11 && run.digits[0] === '1') || (n === 7 && cue(PHONE_CUES))) return 'phone_number';
  // A four-digit token alone is usually a year or an amount, and five or more spoken as a cardinal an amount.
  if (n >= 5 && !run.cardinalWords && !/,/.test(tokens[run.first].raw)) return 'number_sequence';
  return null;
}
