import winkNLP, { type ItsFunction, type ItsHelpers, type Tokens, type WinkMethods } from 'wink-nlp';
import model from 'wink-eng-lite-web-model';

/**
 * The English pipeline of wink-nlp (tokens, POS, lemmas, stems, negation, sentiment, rule-based
 * entities). Loading the model takes ~50 ms and some MB, so it is built once, on first use, and
 * only by the analyses that need it (issue 7: features run only when their option is set).
 */
let instance: WinkMethods | undefined;

export function wink(): WinkMethods {
  instance ??= winkNLP(model);
  return instance;
}

export function its(): ItsHelpers {
  return wink().its;
}

/**
 * `tokens.out(its.x)` as a typed array. wink's declarations type the lemma and stem helpers with
 * a signature its own `out()` does not accept, although they work at run time, hence the cast.
 */
export function outOf<T>(tokens: Tokens, helper: unknown): T[] {
  return tokens.out(helper as ItsFunction<T>) as T[];
}
