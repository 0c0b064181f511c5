import { readCardinal, readOrdinal, readYear } from '../../punctuation/spoken-numbers.js';
import { cueBefore, type Detection, type PiiToken } from '../tokens.js';

const MONTHS = new Set([
  'january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december',
  'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec',
]);
const BIRTH_CUES = new Set(['born', 'birthday', 'birth', 'dob', 'birthdate', 'b-day']);

/** A day of the month: "third", "twenty first", "3", "3rd", "march three" (cardinal 1–31). */
function readDay(cores: readonly string[], i: number): number | null {
  const t = cores[i];
  if (t === undefined) return null;
  const digit = /^(\d{1,2})(st|nd|rd|th)?$/.exec(t);
  if (digit) return Number(digit[1]) >= 1 && Number(digit[1]) <= 31 ? i + 1 : null;
  const ordinal = readOrdinal(cores, i);
  if (ordinal) return ordinal.value <= 31 ? ordinal.end : null;
  const cardinal = readCardinal(cores, i);
  return cardinal && cardinal.value >= 1 && cardinal.value <= 31 ? cardinal.end : null;
}

/** A year: "1990", "nineteen ninety", "two thousand five". */
function readYearAt(cores: readonly string[], i: number): number | null {
  const t = cores[i];
  if (t === undefined) return null;
  if (/^(1[0-9]|20)\d\d$/.test(t)) return i + 1;
  const year = readYear(cores, i);
  if (year) return year.end;
  const cardinal = readCardinal(cores, i);
  return cardinal && cardinal.value >= 1000 && cardinal.value <= 2099 ? cardinal.end : null;
}

/**
 * Calendar dates, spoken or written: "march third nineteen ninety", "the third of march",
 * "March 3rd, 1990", "may 2024", "03/12/1990", "1990-03-12". A month alone is not a date, and
 * "may" or "march" count only with a day or year beside them. A date after a birth cue
 * ("born on", "date of birth") is a date_of_birth.
 */
export function detectDates(tokens: readonly PiiToken[]): Detection[] {
  const cores = tokens.map((t) => t.core);
  const found: Detection[] = [];
  let i = 0;
  while (i < tokens.length) {
    const end = dateAt(cores, i);
    if (end === null) {
      i++;
      continue;
    }
    found.push({ first: i, last: end - 1, policy: cueBefore(tokens, i, BIRTH_CUES, 8) ? 'date_of_birth' : 'date' });
    i = end;
  }
  return found;
}

/** End (exclusive) of a date starting at token i, or null. */
function dateAt(cores: readonly string[], i: number): number | null {
  const t = cores[i];
  if (/^\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}$/.test(t) && plausibleNumericDate(t)) return i + 1;
  if (MONTHS.has(t)) {
    // Month, then a year ("march nineteen ninety") or a day and maybe a year.
    const yearOnly = readYearAt(cores, i + 1);
    if (yearOnly !== null) return yearOnly;
    const day = readDay(cores, i + 1);
    if (day === null) return null;
    const year = readYearAt(cores, cores[day] === 'of' ? day + 1 : day);
    return year ?? day;
  }
  // "the third of march [nineteen ninety]"
  const day = readDay(cores, i);
  if (day !== null && cores[day] === 'of' && MONTHS.has(cores[day + 1])) {
    const year = readYearAt(cores, day + 2);
    return year ?? day + 2;
  }
  // "3rd march", "21 june 2020"
  if (day !== null && /^\d/.test(t) && MONTHS.has(cores[day])) return readYearAt(cores, day + 1) ?? day + 1;
  return null;
}

function plausibleNumericDate(text: string): boolean {
  const parts = text.split(/[/.-]/).map(Number);
  if (parts[0] > 999) return parts[1] >= 1 && parts[1] <= 12 && parts[2] >= 1 && parts[2] <= 31;
  // d/m/y or m/d/y: both of the first two must be a day, one of them a month.
  return parts[0] >= 1 && parts[1] >= 1 && parts[0] <= 31 && parts[1] <= 31 && (parts[0] <= 12 || parts[1] <= 12);
}
