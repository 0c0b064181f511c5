/**
 * espeak-ng's English phoneme mnemonics (`espeak-ng -x --sep=_ -v en-us`) mapped to the phone set
 * of the CMU Sphinx en-us model: the 39 ARPAbet phones of cmudict, *without* stress digits, since
 * the Debian `cmudict-en-us.dict` carries none (`docker D AA K ER`) and the acoustic model's mdef
 * knows only the bare phones. Issue #8 item 4.
 *
 * The table follows espeak-ng's `phsource/ph_english_us` inventory as the en-us voice actually emits
 * it (every symbol seen over 23k cmudict words is listed). Checked against cmudict itself by
 * test/engines/vocabulary.test.ts: most words come out identical and the rest differ in an unstressed
 * vowel (AH/IH) or a flap (T/D), which the acoustic model tolerates.
 */

/** The phones the en-us acoustic model knows (its mdef's CI phones, less SIL and the fillers). */
export const CMU_PHONES: ReadonlySet<string> = new Set([
  'AA', 'AE', 'AH', 'AO', 'AW', 'AY', 'B', 'CH', 'D', 'DH', 'EH', 'ER', 'EY', 'F', 'G', 'HH', 'IH', 'IY', 'JH',
  'K', 'L', 'M', 'N', 'NG', 'OW', 'OY', 'P', 'R', 'S', 'SH', 'T', 'TH', 'UH', 'UW', 'V', 'W', 'Y', 'Z', 'ZH',
]);

/**
 * espeak mnemonic → ARPAbet phones. Vowels with an r-colour in espeak (`A@` car, `O@` north, `e@`
 * square, `i@3` near, `U@` cure) carry their R here; the R espeak writes after them before a vowel
 * ("carry" `k_'a_r_i` but "starry" `s_t_'A@_r_i`) is then dropped, see toArpabet.
 */
const TABLE: Record<string, readonly string[]> = {
  // vowels
  a: ['AE'], // trap
  aa: ['AE'], // bath (en-us says it as trap)
  'a#': ['AH'], // reduced a: "about"
  'A:': ['AA'], // father
  'A~': ['AA'], // nasal a in French loans
  '0': ['AA'], // lot (unrounded in en-us)
  'O:': ['AO'], // thought
  O: ['AO'],
  O2: ['AO'], // cloth
  V: ['AH'], // strut
  '@': ['AH'], // schwa
  '@2': ['AH'],
  '@5': ['AH'],
  '@-': ['AH'], // elidable schwa; before r it is ER, see toArpabet
  '@L': ['AH', 'L'], // syllabic l: "bottle" B AA T AH L
  '3': ['ER'], // unstressed r-coloured schwa: "butter"
  '3:': ['ER'], // nurse
  E: ['EH'],
  E2: ['EH'],
  'E#': ['EH'],
  e: ['EH'],
  eI: ['EY'],
  I: ['IH'],
  I2: ['IH'], // unstressed i: "-ic", "-ing"
  'I#': ['IH'], // "-es", "-ed"
  i: ['IY'], // happy
  'i:': ['IY'],
  u: ['UW'],
  'u:': ['UW'],
  U: ['UH'],
  o: ['OW'],
  oU: ['OW'],
  aI: ['AY'],
  aU: ['AW'],
  OI: ['OY'],
  // r-coloured and vowel sequences
  'A@': ['AA', 'R'], // start
  'O@': ['AO', 'R'], // north
  'o@': ['AO', 'R'], // force
  'e@': ['EH', 'R'], // square
  'U@': ['UH', 'R'], // cure
  'i@3': ['IH', 'R'], // near
  'i@': ['IY', 'AH'], // "-ia": acadia
  aI3: ['AY', 'ER'], // fire
  'aI@': ['AY', 'AH'], // diet
  'aU@': ['AW', 'ER'], // hour
  // consonants
  p: ['P'],
  b: ['B'],
  t: ['T'],
  't#': ['T'], // flap: "water" W AO T ER in cmudict
  t2: ['T'],
  d: ['D'],
  'd#': ['D'],
  k: ['K'],
  g: ['G'],
  x: ['K'], // loch, Bach: the nearest stop
  '?': ['T'], // glottal stop in "button": cmudict writes T
  f: ['F'],
  v: ['V'],
  T: ['TH'],
  D: ['DH'],
  s: ['S'],
  z: ['Z'],
  'z#': ['Z'],
  S: ['SH'],
  Z: ['ZH'],
  h: ['HH'],
  tS: ['CH'],
  dZ: ['JH'],
  m: ['M'],
  n: ['N'],
  'n-': ['AH', 'N'], // syllabic n: "button" B AH T AH N
  'm-': ['AH', 'M'],
  'l-': ['AH', 'L'],
  N: ['NG'],
  l: ['L'],
  'l#': ['L'],
  r: ['R'],
  'r-': ['R'], // linking r; dropped after an r-coloured vowel
  w: ['W'],
  j: ['Y'],
};

/**
 * Marks that are not phones: stress (`'` `,`), unstressed (`%` `=`), palatalisation (`;`), and the
 * `!` espeak puts at some word joins ("x.509").
 */
const MARKS = /^[',%=;:!]+|[;!]+$/g;

export interface ArpabetResult {
  phones: string[];
  /** espeak symbols the table does not know; they are left out of `phones`. */
  unknown: string[];
}

/**
 * Converts one word's espeak-ng mnemonics, as printed with `-x --sep=_` (words separated by spaces
 * when espeak splits a token, e.g. "nginx" → `'E_n_dZ_I_n ,E_k_s`), into ARPAbet phones.
 */
export function toArpabet(mnemonics: string): ArpabetResult {
  const symbols = mnemonics
    .split(/[\s_]+/)
    .map((s) => s.replace(MARKS, ''))
    .filter((s) => s !== '');
  const phones: string[] = [];
  const unknown: string[] = [];
  for (let i = 0; i < symbols.length; i++) {
    const symbol = symbols[i];
    const next = symbols[i + 1];
    // "averaged" a_v_@-_r_I2_dZ_d, "cameramen" m_@-_r_@: an elided schwa before r is ER, not AH R.
    if (symbol === '@-' && next === 'r') {
      phones.push('ER');
      i++;
      continue;
    }
    const mapped = Object.hasOwn(TABLE, symbol) ? TABLE[symbol] : undefined;
    if (!mapped) {
      unknown.push(symbol);
      continue;
    }
    for (const phone of mapped) {
      // One R, not two, for "starry" A@_r and "admiralty" 3_r-: ER and an r-coloured vowel carry it.
      const last = phones[phones.length - 1];
      if (phone === 'R' && (last === 'R' || last === 'ER') && (symbol === 'r' || symbol === 'r-')) continue;
      phones.push(phone);
    }
  }
  return { phones, unknown };
}
