/**
 * Title term overlap (issue 17 item 4): how many of a reference chapter title's content words the
 * generated title shares. Words are compared by stem, so "galaxies" matches "galaxy" and "baking"
 * matches "bake"; wink's stop words ("and", "the", "of") never count.
 */
import { its, outOf, wink } from '../../intelligence/nlp/wink.js';

/** The distinct stems of a title's content words, lower case. */
export function titleTerms(title: string): string[] {
  const tokens = wink().readDoc(title).tokens();
  const types = outOf<string>(tokens, its().type);
  const stops = outOf<boolean>(tokens, its().stopWordFlag);
  const stems = outOf<string>(tokens, its().stem);
  const terms = stems.filter((_, i) => types[i] === 'word' && !stops[i]).map((s) => s.toLowerCase());
  return [...new Set(terms)];
}

/** The share of the reference title's terms found in the hypothesis title (0 when the reference has none). */
export function titleOverlap(hypothesis: string, reference: string): { shared: string[]; overlap: number } {
  const wanted = titleTerms(reference);
  const have = new Set(titleTerms(hypothesis));
  const shared = wanted.filter((t) => have.has(t));
  return { shared, overlap: wanted.length === 0 ? 0 : shared.length / wanted.length };
}
