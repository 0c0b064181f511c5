import { addScore, type Scores } from './assign.js';
import { findPhrase, type Turn } from './turns.js';

/** Phrases after which a speaker says their own name ("my name is John", "this is Mary"). */
const SELF_INTRODUCTIONS = ['my name is', "my name's", "i'm", 'i am', 'call me', 'this is', "it's", 'it is'].map((p) => p.split(' '));
/** Introductions that name the speaker only at the start of a turn ("this is Mary", "it's Tom"). */
const TURN_OPENING_ONLY = new Set(['this is', "it's", 'it is']);
/** The name before these, at the start of a turn: "John here", "Mary speaking". */
const NAME_THEN = new Set(['here', 'speaking']);
/** Words before a name that address someone else: "hi John", "thanks, Mary". */
const ADDRESSING = ['hi', 'hello', 'hey', 'thanks', 'thank you', 'bye', 'goodbye', 'welcome', 'morning', 'evening', 'dear', 'sorry'].map((p) => p.split(' '));
/** How far into a turn an opening introduction ("this is …") may be. */
const OPENING_WORDS = 6;

const SELF = 3;
const ADDRESSED_NOT_SELF = -3;
const ADDRESSED_NEIGHBOUR = 1;

/**
 * A name a speaker said: known_values when given (a value matches by its full name or its first
 * word, so "John Smith" is heard in "I'm John"), else any capitalised word in that place, which
 * after casing is a proper noun ("I'm sorry" names no one).
 */
export type NameMatcher = (turn: Turn, at: number) => { value: string; length: number } | null;

export function nameMatcher(known: readonly string[] | undefined): NameMatcher {
  if (known && known.length > 0) {
    const forms = known.flatMap((value) => {
      const words = value.toLowerCase().split(/\s+/).filter(Boolean);
      return [{ value, words }, ...(words.length > 1 ? [{ value, words: words.slice(0, 1) }] : [])];
    });
    forms.sort((a, b) => b.words.length - a.words.length);
    return (turn, at) => {
      const form = forms.find((f) => f.words.every((w, k) => turn.tokens[at + k] === w));
      return form ? { value: form.value, length: form.words.length } : null;
    };
  }
  return (turn, at) => {
    const word = turn.words[at];
    if (word === undefined || !/^\p{Lu}\p{Ll}+$/u.test(word)) return null;
    return { value: word, length: 1 };
  };
}

/**
 * Evidence from what is said: a self-introduction names the speaker; a name used to address
 * someone is not the speaker's, and is most likely the speaker of the turn before or after.
 */
export function nameScores(turns: readonly Turn[], match: NameMatcher): Scores {
  const scores: Scores = new Map();
  turns.forEach((turn, i) => {
    for (const phrase of SELF_INTRODUCTIONS) {
      for (const at of findPhrase(turn.tokens, phrase)) {
        if (TURN_OPENING_ONLY.has(phrase.join(' ')) && at > OPENING_WORDS) continue;
        const name = match(turn, at + phrase.length);
        if (name) addScore(scores, turn.speaker, name.value, SELF);
      }
    }
    const first = match(turn, 0);
    if (first && NAME_THEN.has(turn.tokens[first.length] ?? '')) addScore(scores, turn.speaker, first.value, SELF);

    const addressed = new Set<string>();
    for (const phrase of ADDRESSING) {
      for (const at of findPhrase(turn.tokens, phrase)) {
        const name = match(turn, at + phrase.length);
        if (name) addressed.add(name.value);
      }
    }
    // A name that ends the turn and does not follow an introduction: "… let me check, Mary".
    for (let at = Math.max(0, turn.tokens.length - 3); at < turn.tokens.length; at++) {
      const name = match(turn, at);
      if (name && at + name.length === turn.tokens.length && !introducedAt(turn, at)) addressed.add(name.value);
    }
    for (const value of addressed) {
      addScore(scores, turn.speaker, value, ADDRESSED_NOT_SELF);
      for (const neighbour of neighbours(turns, i)) addScore(scores, neighbour, value, ADDRESSED_NEIGHBOUR);
    }
  });
  return scores;
}

function introducedAt(turn: Turn, at: number): boolean {
  return SELF_INTRODUCTIONS.some((p) => at >= p.length && p.every((w, k) => turn.tokens[at - p.length + k] === w));
}

/** The speakers of the nearest turns before and after by someone else. */
function neighbours(turns: readonly Turn[], i: number): string[] {
  const speaker = turns[i].speaker;
  const before = turns.slice(0, i).reverse().find((t) => t.speaker !== speaker)?.speaker;
  const after = turns.slice(i + 1).find((t) => t.speaker !== speaker)?.speaker;
  return [before, after].filter((s): s is string => s !== undefined);
}
