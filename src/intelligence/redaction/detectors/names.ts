import type { CasingLexicon } from '../../punctuation/casing-lexicon.js';
import { AMBIGUOUS_FIRST_NAMES, FIRST_NAMES, PLACES, MAX_PLACE_WORDS } from '../gazetteer.js';
import type { Detection, PiiToken } from '../tokens.js';

/** Function words that are never part of a name, whatever the word list says ("will", "may"). */
const STOP = new Set(
  `a an the and or but of to in on at for with from by is are was were be been am i you he she it we they me him her us them
  my your his its our their this that these those not no yes so very just here there what who when where why how which
  will would can could should may might must shall do does did have has had going gonna okay ok um uh well oh really
  like also too then than now today tomorrow yesterday good great fine happy sorry sure calling speaking
  mr mrs ms mister missus miss doctor dr professor prof sir madam`.split(/\s+/),
);

/** Cues after which the next word is a name if it looks like one at all ("my name is dashwood"). */
const STRONG_CUES = [['my', 'name', 'is'], ['name', 'is'], ["name's"], ['call', 'me'], ['named'], ['mister'], ['mr'], ['mrs'], ['ms'], ['missus'], ['doctor'], ['dr'], ['professor'], ['ask', 'for'], ['speak', 'to'], ['speak', 'with'], ['speaking', 'with'], ['talk', 'to']];
/** Cues after which only a known first name or a capitalised word counts ("this is john", not "this is great"). */
const WEAK_CUES = [['this', 'is'], ["i'm"], ['i', 'am'], ['hi'], ['hello'], ['hey'], ['thanks'], ['dear'], ['with']];
const LOCATION_CUES = [['live', 'in'], ['living', 'in'], ['lives', 'in'], ['from'], ['moved', 'to'], ['based', 'in'], ['located', 'in'], ['born', 'in'], ['visiting'], ['near'], ['in'], ['to']];

export interface NameContext {
  lexicon: CasingLexicon;
}

function cueEndsAt(tokens: readonly PiiToken[], at: number, cues: readonly string[][]): boolean {
  return cues.some((cue) => cue.every((word, k) => tokens[at - cue.length + k]?.core === word));
}

/** Looks like part of a name: alphabetic, not a function word, and capitalised, a proper noun, or unknown to the word list. */
function nameLike(token: PiiToken | undefined, ctx: NameContext, cased: boolean): boolean {
  if (!token || !/^[\p{L}][\p{L}'-]+$/u.test(token.core) || STOP.has(token.core)) return false;
  if (cased) return token.capitalised;
  const { lexicon } = ctx;
  return FIRST_NAMES.has(token.core) || lexicon.hasCapitalForm(token.core) || (lexicon.available && !lexicon.isKnown(token.core)) || (token.capitalised && !token.sentenceStart);
}

function surnameForSure(token: PiiToken | undefined, ctx: NameContext, cased: boolean): boolean {
  if (!token || STOP.has(token.core) || PLACES.has(token.core) || !/^[\p{L}][\p{L}'-]+$/u.test(token.core)) return false;
  if (cased) return token.capitalised;
  return ctx.lexicon.isProperNoun(token.core) || (ctx.lexicon.available && !ctx.lexicon.isKnown(token.core));
}

/** Whether the text has capitals at all (a punctuation stage or the engine cased it). */
export function isCased(tokens: readonly PiiToken[]): boolean {
  return tokens.some((t) => t.capitalised && !t.sentenceStart && t.core !== 'i' && !t.core.startsWith("i'"));
}

/**
 * Person names. With a cue ("my name is", "this is", a title), the next name-like words; without
 * one, a known first name followed by a surname-like word, or an unambiguous first name alone
 * ("john", but not "will" or "grace" unless written with a capital mid-sentence). In cased text
 * a run of two or more capitalised words that are not places is a name too.
 */
export function detectPersons(tokens: readonly PiiToken[], ctx: NameContext): Detection[] {
  const cased = isCased(tokens);
  const found: Detection[] = [];
  let i = 0;
  while (i < tokens.length) {
    const t = tokens[i];
    const strong = cueEndsAt(tokens, i, STRONG_CUES);
    const weak = cueEndsAt(tokens, i, WEAK_CUES);
    const firstName = FIRST_NAMES.has(t.core) && !STOP.has(t.core);
    const afterPlaceCue = cueEndsAt(tokens, i, LOCATION_CUES) && PLACES.has(t.core);
    let start = false;
    if (STOP.has(t.core)) start = false;
    else if (strong) start = nameLike(t, ctx, cased) || (cased && t.capitalised);
    else if (weak) start = firstName && (!cased || t.capitalised);
    else if (firstName && !afterPlaceCue) {
      const surname = nameLike(tokens[i + 1], ctx, cased) && !PLACES.has(tokens[i + 1]?.core ?? '');
      const plain = !AMBIGUOUS_FIRST_NAMES.has(t.core) && (!cased || t.capitalised);
      start = surname || plain || (cased && t.capitalised && !t.sentenceStart);
    } else if (AMBIGUOUS_FIRST_NAMES.has(t.core) && !afterPlaceCue) {
      // "mark johnson", "bill gates", but not "will march" or "i will bill you": the next word
      // must be a name for sure (capitalised mid-sentence, only a proper noun, or unknown).
      start = surnameForSure(tokens[i + 1], ctx, cased);
    } else if (cased && t.capitalised && !t.sentenceStart && !PLACES.has(t.core)) {
      // A run of capitalised words mid-sentence: "we met Ada Lovelace there".
      start = nameLike(tokens[i + 1], ctx, true) && !PLACES.has(tokens[i + 1].core);
    }
    if (!start) {
      i++;
      continue;
    }
    let last = i;
    while (last - i < 2 && nameLike(tokens[last + 1], ctx, cased) && !PLACES.has(tokens[last + 1].core) && !/[.,?!;:]$/.test(tokens[last].raw)) last++;
    found.push({ first: i, last, policy: 'person_name' });
    i = last + 1;
  }
  return found;
}

/**
 * Places: names from the gazetteer (one to three words), proper nouns after "live in", "from",
 * "moved to"…, and street addresses ("one two three main street", "42 Elm Avenue").
 */
export function detectLocations(tokens: readonly PiiToken[], ctx: NameContext, streetTypes: ReadonlySet<string>): Detection[] {
  const found: Detection[] = [];
  const cased = isCased(tokens);
  for (let i = 0; i < tokens.length; i++) {
    let matched = 0;
    for (let n = MAX_PLACE_WORDS; n >= 1 && matched === 0; n--) {
      const phrase = tokens.slice(i, i + n).map((t) => t.core).join(' ');
      if (tokens.length - i >= n && PLACES.has(phrase)) matched = n;
    }
    if (matched === 0 && cueEndsAt(tokens, i, LOCATION_CUES.slice(0, 9))) {
      // "from boise": a word the list knows only capitalised, and not a given name.
      while (matched < MAX_PLACE_WORDS && properNoun(tokens[i + matched], ctx, cased)) matched++;
    }
    if (matched > 0) {
      found.push({ first: i, last: i + matched - 1, policy: 'location' });
      i += matched - 1;
    }
  }
  found.push(...detectAddresses(tokens, streetTypes));
  return found;
}

function properNoun(token: PiiToken | undefined, ctx: NameContext, cased: boolean): boolean {
  if (!token || STOP.has(token.core) || FIRST_NAMES.has(token.core)) return false;
  return cased ? token.capitalised : ctx.lexicon.isProperNoun(token.core);
}

const ADDRESS_NUMBER = /^(\d+[a-z]?|zero|oh|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred)$/;

function detectAddresses(tokens: readonly PiiToken[], streetTypes: ReadonlySet<string>): Detection[] {
  const found: Detection[] = [];
  tokens.forEach((token, i) => {
    if (!streetTypes.has(token.core) || i < 2) return;
    // One to three street-name words, then the house number before them.
    for (let words = 1; words <= 3; words++) {
      const nameStart = i - words;
      if (nameStart < 1) break;
      const name = tokens.slice(nameStart, i);
      if (name.some((t) => STOP.has(t.core) || !/^[\p{L}\p{N}]/u.test(t.core))) break;
      let first = nameStart;
      while (first > 0 && ADDRESS_NUMBER.test(tokens[first - 1].core)) first--;
      if (first < nameStart) {
        found.push({ first, last: i, policy: 'location' });
        return;
      }
    }
  });
  return found;
}
