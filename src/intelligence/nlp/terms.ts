import type { NlpToken } from './annotate.js';

/**
 * Content words that carry no topic in conversation. wink's stop words cover function words
 * only; speech is full of "thing", "people", "going", "really", which would otherwise dominate
 * frequency-based key phrases, headlines and cohesion scores. Lemmas.
 */
export const GENERIC_WORDS = new Set(
  `thing stuff lot lots way kind sort bit piece people person guy guys folk folks time times day days
  week weeks month months year years hour hours minute minutes second seconds moment today tomorrow
  yesterday tonight morning evening night week end start beginning yeah yes yep okay ok right really
  actually basically literally honestly obviously probably maybe perhaps pretty quite rather just
  like well good great nice fine bad little big small large huge sure true real whole different same
  similar important interesting new old long short high low first last next other another many much
  few several certain particular main simple easy hard able possible likely own
  get got getting make making made go going gone went come coming came know knowing knew known think
  thinking thought say saying said tell telling told see seeing saw seen look looking looked want
  wanted need needed use using used mean meant let put take taking took taken try trying tried talk
  talking talked keep kept give gave given find found feel felt seem call called show happen
  happened turn turned bring brought leave left work working worked help begin began begun ask asked
  love wait hear heard guess suppose remember wonder understand sound sounds
  question answer point part example idea case fact number problem reason place area side top bottom
  everyone everybody anyone anybody someone somebody something anything everything nothing
  episode podcast show listener listeners guest host audience conversation today's
  um uh er ah oh hmm mhm hey hi hello thanks thank welcome please sorry`
    .split(/\s+/)
    .filter(Boolean),
);

const WORDLIKE = /^\p{L}[\p{L}'’-]*\p{L}$/u;

/** A token that is a word worth counting: not a stop word, not generic, at least 3 letters. */
export function isContentToken(token: NlpToken): boolean {
  return (
    token.type === 'word' &&
    !token.stop &&
    token.normal.length >= 3 &&
    WORDLIKE.test(token.value) &&
    !GENERIC_WORDS.has(token.lemma) &&
    !GENERIC_WORDS.has(token.normal)
  );
}

const NOMINAL = new Set(['NOUN', 'PROPN', 'ADJ']);

/**
 * Content words that name things (nouns, proper nouns, adjectives). Verbs are left out of topic
 * vectors: "cook", "run", "build" cross subjects far more than the nouns they take.
 */
export function isTopicToken(token: NlpToken): boolean {
  return NOMINAL.has(token.pos) && isContentToken(token);
}

/** The term keys (stems) of the topic words among `tokens`. */
export function topicTerms(tokens: readonly NlpToken[]): string[] {
  const terms: string[] = [];
  for (const t of tokens) if (isTopicToken(t)) terms.push(t.stem);
  return terms;
}
