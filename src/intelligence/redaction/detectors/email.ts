import { TOP_LEVEL_DOMAINS } from '../gazetteer.js';
import type { Detection, PiiToken } from '../tokens.js';

const WRITTEN = /^[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(\.[\p{L}\p{N}-]+)+$/u;
const DOMAIN = /^[\p{L}\p{N}-]+(\.[\p{L}\p{N}-]+)+$/u;
const JOINERS = new Set(['dot', 'underscore', 'dash', 'hyphen', 'period', 'point']);
/** Words that never belong to a spoken address's local part: "send it to john at …". */
const STOP = new Set(['to', 'is', 'me', 'at', 'email', 'mail', 'address', 'it', 'the', 'my', 'your', 'and', 'or', 'e', 'send', 'write', 'reach', 'contact', 'its', "it's"]);

/**
 * Email addresses written ("john@example.com") or spoken: "john at example dot com",
 * "jane dot doe at mail dot example dot org", "j o h n at gmail dot com". The spoken domain
 * must end in a known top-level domain, which keeps "meet at home dot" out.
 */
export function detectEmails(tokens: readonly PiiToken[]): Detection[] {
  const found: Detection[] = [];
  tokens.forEach((token, i) => {
    if (WRITTEN.test(token.core)) found.push({ first: i, last: i, policy: 'email_address' });
  });
  for (let at = 1; at < tokens.length - 1; at++) {
    if (tokens[at].core !== 'at' && tokens[at].core !== '@') continue;
    const end = domainEnd(tokens, at + 1);
    if (end === null) continue;
    const first = localStart(tokens, at - 1);
    if (first === null) continue;
    found.push({ first, last: end, policy: 'email_address' });
  }
  return found;
}

/** Last token of "example dot com" (or "example.com") starting at i, or null. */
function domainEnd(tokens: readonly PiiToken[], i: number): number | null {
  if (DOMAIN.test(tokens[i]?.core ?? '')) return TOP_LEVEL_DOMAINS.has(tokens[i].core.split('.').pop()!) ? i : null;
  let last: number | null = null;
  let j = i;
  if (!isLabel(tokens[j])) return null;
  while (tokens[j + 1]?.core === 'dot' && isLabel(tokens[j + 2])) {
    j += 2;
    if (TOP_LEVEL_DOMAINS.has(tokens[j].core)) last = j;
  }
  return last;
}

/** First token of the local part ending at token i: words joined by "dot"/"underscore", or spelled letters. */
function localStart(tokens: readonly PiiToken[], i: number): number | null {
  if (!isLabel(tokens[i]) || STOP.has(tokens[i].core)) return null;
  let first = i;
  // Spelled out letter by letter: "j o h n".
  if (tokens[i].core.length === 1) {
    while (first > 0 && /^[a-z0-9]$/.test(tokens[first - 1].core)) first--;
    return first;
  }
  while (first >= 2 && JOINERS.has(tokens[first - 1].core) && isLabel(tokens[first - 2]) && !STOP.has(tokens[first - 2].core)) first -= 2;
  return first;
}

function isLabel(token: PiiToken | undefined): boolean {
  return token !== undefined && /^[\p{L}\p{N}][\p{L}\p{N}-]*$/u.test(token.core);
}
