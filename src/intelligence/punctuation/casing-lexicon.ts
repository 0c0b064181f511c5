import { readFileSync } from 'node:fs';

/** Debian's `wamerican` word list: proper nouns appear capitalised ("America", "Monday"). */
export const DEFAULT_WORD_LIST = '/usr/share/dict/american-english';

/** Where the intelligence stages report degraded operation; structurally a subset of pino's logger. */
export interface IntelligenceLogger {
  warn(message: string): void;
}

export const stderrIntelligenceLogger: IntelligenceLogger = {
  warn: (message) => process.stderr.write(`earshot intelligence: warning: ${message}\n`),
};

/**
 * Names whose lowercase entry in the list ("john", a toilet; "smith", a metalworker) is far rarer
 * in speech than the name, so they are capitalised although the list has both forms.
 */
const PREFER_CAPITAL = ['John', 'Peter', 'Terry', 'Bobby', 'Billy', 'Maria', 'Smith', 'God', 'Jesus', 'Christ', 'OK', 'TV'];

/**
 * Capitalised-only entries never applied: chemical symbols and fragments that collide with
 * fillers and spoken tokens ("er" → "Er", "dot com" → "dot Com").
 */
const NEVER = new Set(['er', 'com', 'hm', 'mm', 'ah', 'um', 'uh']);

/**
 * Lowercase word → its only capitalised form in the word list. Words the list also has in
 * lowercase ("will", "may", "bill") are left out: without context the common noun or verb wins.
 */
export class CasingLexicon {
  private constructor(
    private readonly forms: ReadonlyMap<string, string>,
    /** Every capitalised entry, including those that also exist in lowercase ("Smith", "Will"). */
    private readonly capitals: ReadonlySet<string>,
    /** Every entry, lowercased. */
    private readonly known: ReadonlySet<string>,
    /** False when the word list could not be read; casing then only covers sentence starts and "I". */
    readonly available: boolean,
  ) {}

  /** Reads the list synchronously (about 1 MB, a few tens of ms); callers cache the result. */
  static load(options: { path?: string; logger?: IntelligenceLogger } = {}): CasingLexicon {
    const path = options.path ?? DEFAULT_WORD_LIST;
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      (options.logger ?? stderrIntelligenceLogger).warn(
        `the casing word list ${path} could not be read (${reason}); proper nouns will stay lowercase. ` +
          'Install it with `apt-get install wamerican`.',
      );
      return new CasingLexicon(new Map(), new Set(), new Set(), false);
    }
    return CasingLexicon.fromWords(text.split('\n'));
  }

  /** Builds a lexicon from word-list lines (one word a line, as in /usr/share/dict). */
  static fromWords(lines: Iterable<string>): CasingLexicon {
    const capital = new Map<string, string>();
    const lower = new Set<string>();
    for (const raw of lines) {
      const word = raw.trim();
      // Possessives repeat their base word; one- and two-letter entries are mostly symbols.
      if (word.length <= 2 || word.includes("'")) continue;
      if (/^[a-z]/.test(word)) lower.add(word.toLowerCase());
      else if (/^[A-Z]/.test(word)) capital.set(word.toLowerCase(), word);
    }
    const forms = new Map<string, string>();
    for (const [key, form] of capital) if (!lower.has(key) && !NEVER.has(key)) forms.set(key, form);
    for (const form of PREFER_CAPITAL) forms.set(form.toLowerCase(), form);
    const known = new Set([...lower, ...capital.keys()]);
    return new CasingLexicon(forms, new Set(capital.keys()), known, true);
  }

  /** The cased form of a lowercase word, or undefined when it has none to apply. */
  casedForm(lowercase: string): string | undefined {
    return this.forms.get(lowercase);
  }

  /** Whether the list knows the word only as a proper noun (a name, place, brand…). */
  isProperNoun(lowercase: string): boolean {
    return this.forms.has(lowercase);
  }

  /** Whether the list has a capitalised entry for the word, even if it has a lowercase one too. */
  hasCapitalForm(lowercase: string): boolean {
    return this.capitals.has(lowercase);
  }

  /**
   * Whether the list has the word in any casing. Words of one or two letters count as known:
   * the list's short entries are mostly symbols, and short words are function words ("in").
   */
  isKnown(lowercase: string): boolean {
    return lowercase.length <= 2 || this.known.has(lowercase);
  }

  get size(): number {
    return this.forms.size;
  }
}

let shared: CasingLexicon | undefined;

/** The system word list, loaded on first use and kept for the life of the process. */
export function defaultCasingLexicon(logger?: IntelligenceLogger): CasingLexicon {
  shared ??= CasingLexicon.load({ logger });
  return shared;
}
