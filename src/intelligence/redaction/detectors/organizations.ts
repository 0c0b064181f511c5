import { FIRST_NAMES, KNOWN_ORGANIZATIONS, ORG_SUFFIXES, PLACES } from '../gazetteer.js';
import type { Detection, PiiToken } from '../tokens.js';
import { isCased, type NameContext } from './names.js';

const WORK_CUES = [['work', 'at'], ['work', 'for'], ['works', 'at'], ['works', 'for'], ['working', 'at'], ['working', 'for'], ['worked', 'at'], ['worked', 'for'], ['employed', 'by'], ['job', 'at'], ['calling', 'from']];
const JOINERS = new Set(['of', 'and', '&']);

/**
 * Organisations: a short list of well-known names, names ending in an organisation word
 * ("Acme Corporation", "first national bank", "university of texas"), and proper nouns after
 * "work at/for", "employed by".
 */
export function detectOrganizations(tokens: readonly PiiToken[], ctx: NameContext): Detection[] {
  const cased = isCased(tokens);
  const found: Detection[] = [];
  const named = (t: PiiToken | undefined) =>
    t !== undefined && /^[\p{L}\p{N}]/u.test(t.core) && (cased ? t.capitalised : ctx.lexicon.hasCapitalForm(t.core) || (ctx.lexicon.available && !ctx.lexicon.isKnown(t.core)));
  for (let i = 0; i < tokens.length; i++) {
    let matched = 0;
    for (let n = 3; n >= 1 && matched === 0; n--) {
      if (KNOWN_ORGANIZATIONS.has(tokens.slice(i, i + n).map((t) => t.core).join(' ')) && i + n <= tokens.length) matched = n;
    }
    if (matched > 0) {
      found.push({ first: i, last: i + matched - 1, policy: 'organization' });
      i += matched - 1;
      continue;
    }
    const t = tokens[i];
    if (ORG_SUFFIXES.has(t.core)) {
      let first = i;
      while (first > 0 && i - first < 3 && (named(tokens[first - 1]) || (PLACES.has(tokens[first - 1].core)))) first--;
      let last = i;
      // "university of texas", "bank of america"
      if (JOINERS.has(tokens[i + 1]?.core ?? '') && (named(tokens[i + 2]) || PLACES.has(tokens[i + 2]?.core ?? ''))) last = i + 2;
      if (first < i || last > i) found.push({ first, last, policy: 'organization' });
      i = last;
      continue;
    }
    if (WORK_CUES.some((cue) => cue.every((w, k) => tokens[i - cue.length + k]?.core === w))) {
      let last = i - 1;
      while (last - i < 2 && named(tokens[last + 1]) && !FIRST_NAMES.has(tokens[last + 1].core) && !PLACES.has(tokens[last + 1].core)) last++;
      if (last >= i) {
        found.push({ first: i, last, policy: 'organization' });
        i = last;
      }
    }
  }
  return found;
}
