import type { CasingLexicon } from './casing-lexicon.js';
import type { Token } from './tokens.js';

const I_FORMS: Readonly<Record<string, string>> = { i: 'I', "i'm": "I'm", "i've": "I've", "i'll": "I'll", "i'd": "I'd" };
/** Months the word list also knows in lowercase (the verb "march", the modal "may", "august" the adjective). */
const AMBIGUOUS_MONTHS: Readonly<Record<string, string>> = { may: 'May', march: 'March', august: 'August' };
const TITLES: Readonly<Record<string, string>> = {
  mister: 'Mr.', mr: 'Mr.', missus: 'Mrs.', mrs: 'Mrs.', doctor: 'Dr.', dr: 'Dr.', ms: 'Ms.', miss: 'Miss', professor: 'Professor',
};

export interface CasingOptions {
  lexicon: CasingLexicon;
  /** Write titles before names in their short form ("mister dashwood" → "Mr. Dashwood"). */
  abbreviateTitles: boolean;
}

/**
 * Capitals for running text: "I" and its contractions, proper nouns the lexicon knows only
 * capitalised, ambiguous months next to a day number ("may 3rd"), names after a title
 * ("doctor jones"), and an unknown word right after a known name (a surname: "john dashwood").
 * Sentence starts are capitalised by the caller, which knows where sentences begin. Only
 * all-lowercase tokens are touched, so casing an engine already gave is kept.
 */
export function applyCasing(tokens: Token[], options: CasingOptions): void {
  const { lexicon } = options;
  // Tokens cased as names here, so the unknown word after one can be taken for a surname.
  const names = new Set<number>();
  tokens.forEach((token, i) => {
    const { core } = token;
    if (token.text !== token.text.toLowerCase() || core === '') return;
    const previousWasName = names.has(i - 1);
    let cased: string | undefined = I_FORMS[core] ?? lexicon.casedForm(core);
    let isName = cased !== undefined && core !== 'i' && !(core in I_FORMS);
    if (!cased && core in AMBIGUOUS_MONTHS && nearDayNumber(tokens, i)) cased = AMBIGUOUS_MONTHS[core];
    if (!cased && lexicon.available && previousWasName && !lexicon.isKnown(core) && /^[a-z]+$/.test(core)) {
      cased = capitalise(core);
      isName = true;
    }
    const title = TITLES[core];
    const next = tokens[i + 1];
    if (title && next && /^[a-z]+$/.test(next.core) && (lexicon.hasCapitalForm(next.core) || (lexicon.available && !lexicon.isKnown(next.core)))) {
      cased = options.abbreviateTitles ? title : capitalise(core);
      // The name after the title is capitalised even when the list also has it in lowercase ("doctor brown").
      next.text = replaceCore(next.text, next.core, lexicon.casedForm(next.core) ?? capitalise(next.core));
      names.add(i + 1);
    }
    if (cased) token.text = replaceCore(token.text, core, cased);
    if (isName) names.add(i);
  });
}

/** "may" in "may 3rd", "3rd of may", "may 2024"; a digit or an ordinal beside it. */
function nearDayNumber(tokens: readonly Token[], i: number): boolean {
  const isDay = (t: Token | undefined) => t !== undefined && /^\d+(st|nd|rd|th)?$/.test(t.core);
  const isOrdinalWord = (t: Token | undefined) => t !== undefined && /^(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)$/.test(t.core);
  return isDay(tokens[i + 1]) || isOrdinalWord(tokens[i + 1]) || isDay(tokens[i - 1]) ||
    (tokens[i - 1]?.core === 'of' && (isDay(tokens[i - 2]) || isOrdinalWord(tokens[i - 2])));
}

export function capitalise(text: string): string {
  const at = text.search(/\p{L}/u);
  if (at === -1) return text;
  return text.slice(0, at) + text[at].toUpperCase() + text.slice(at + 1);
}

/** Swaps the lowercase core inside a text that may carry punctuation around it. */
function replaceCore(text: string, core: string, replacement: string): string {
  const at = text.toLowerCase().indexOf(core);
  return at === -1 ? text : text.slice(0, at) + replacement + text.slice(at + core.length);
}
