/**
 * Word lists and rules that decide where sentences end and which are questions, for engines that
 * emit bare lowercase words (issue 7 item 1). They read word cores (lowercase, no punctuation).
 */

/** Words that start a question when they open a sentence, before the checks below refine it. */
const WH_WORDS = new Set(['who', 'what', 'when', 'where', 'why', 'how', 'which', 'whose']);
const WH_CONTRACTIONS = new Set(["what's", "where's", "who's", "how's", "why's", "when's", "how'd", "what'd", "where'd", "who'd"]);
const AUX = new Set([
  // Not "had": "had he married …" opens a conditional far more often than a question.
  'is', 'are', 'was', 'were', 'am', 'do', 'does', 'did', 'can', 'could', 'would', 'will', 'should', 'shall', 'have', 'has',
  'may', 'might', 'must', "isn't", "aren't", "wasn't", "weren't", "don't", "doesn't", "didn't", "can't", "couldn't",
  "wouldn't", "won't", "shouldn't", "haven't", "hasn't",
]);
/** Subjects that make "aux + subject" a question ("can you", "is it", "do the …"). */
const SUBJECTS = new Set([
  'i', 'you', 'we', 'they', 'he', 'she', 'it', 'there', 'this', 'that', 'these', 'those', 'anyone', 'anybody', 'someone',
  'somebody', 'everyone', 'everybody', 'anything', 'something', 'the', 'a', 'an', 'your', 'my', 'his', 'her', 'our', 'their',
  'any', 'we\'re', 'you\'re',
]);
/** After a wh-word these make a question: "how much", "what about", "what if", "how long". */
const WH_FOLLOWERS = new Set(['much', 'many', 'long', 'far', 'often', 'about', 'if', 'else', 'kind', 'sort', 'exactly', 'come']);
/** Discourse openers skipped before looking for a question ("so what do you think"). */
const OPENERS = new Set(['so', 'and', 'but', 'okay', 'ok', 'well', 'now', 'then', 'also', 'oh', 'yeah', 'alright', 'right']);

/**
 * Words that often open a new sentence after a short pause: discourse markers, question starters
 * and "i". A pause before them is enough for a boundary; elsewhere a longer pause is needed.
 */
const STARTERS = new Set([
  ...WH_WORDS, ...WH_CONTRACTIONS, 'so', 'okay', 'ok', 'well', 'now', 'anyway', 'yeah', 'yes', 'no', 'alright', 'i', "i'm",
  "i've", "i'll", "i'd", 'we', "we're", "let's", 'thanks', 'thank', 'then', 'also', 'actually', 'basically',
  'is', 'are', 'do', 'does', 'can', 'could', 'would', 'should', 'did',
]);

/**
 * Words that almost never end a sentence: articles, prepositions, conjunctions, possessives.
 * A pause after one is hesitation ("the … um … report"), not a full stop.
 */
const NON_FINAL = new Set([
  'the', 'a', 'an', 'and', 'or', 'but', 'of', 'to', 'in', 'on', 'at', 'for', 'with', 'from', 'by', 'into', 'about', 'as',
  'my', 'your', 'our', 'their', 'his', 'its', 'this', 'these', 'those', 'because', 'if', 'than', 'very', 'is', 'are', 'was',
  'were', 'be', 'will', 'would', 'can', 'could', 'should', 'i', "i'm", 'we', 'they', 'you', 'he', 'she', 'so', 'that',
  'which', 'who', 'when', 'where', 'what', 'how', 'um', 'uh', 'like', 'just', 'some', 'any', 'every', 'no', 'not', 'more',
  'then',
]);

/** Short discourse openers that take a comma after them when a pause follows ("Well, …"). */
export const COMMA_OPENERS = new Set(['well', 'okay', 'ok', 'yeah', 'yes', 'no', 'so', 'oh', 'alright', 'now', 'actually']);
/** Conjunctions that take a comma before them after a pause ("…, but …"). */
export const COMMA_BEFORE = new Set(['but', 'so']);

export function isStarter(core: string): boolean {
  return STARTERS.has(core);
}

export function isNonFinal(core: string): boolean {
  return NON_FINAL.has(core);
}

/**
 * Whether a sentence is a question, from how it opens: a wh-word followed by an auxiliary or one
 * of a few words ("what do", "how much"), "why" and "who" on their own, a wh-contraction
 * ("what's"), or an auxiliary followed by a subject ("can you", "is it"). "What I mean is …" and
 * "When the war ended …" stay statements.
 */
export function isQuestion(cores: readonly string[]): boolean {
  let i = 0;
  while (i < cores.length - 1 && OPENERS.has(cores[i])) i++;
  const first = cores[i];
  const second = cores[i + 1];
  if (first === undefined) return false;
  if (WH_CONTRACTIONS.has(first)) return true;
  if (WH_WORDS.has(first)) {
    if (first === 'why') return true;
    if (second === undefined) return first === 'who' || first === 'what' || first === 'how';
    if (AUX.has(second) || WH_FOLLOWERS.has(second)) return true;
    return first === 'who' && !SUBJECTS.has(second);
  }
  if (AUX.has(first) && second !== undefined) return SUBJECTS.has(second);
  return false;
}
