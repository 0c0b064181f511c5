import { defaultCasingLexicon, type CasingLexicon } from '../punctuation/casing-lexicon.js';
import { detectDates } from './detectors/dates.js';
import { detectEmails } from './detectors/email.js';
import { detectLocations, detectPersons } from './detectors/names.js';
import { detectNumbers } from './detectors/numbers.js';
import { detectOrganizations } from './detectors/organizations.js';
import { STREET_TYPES } from './gazetteer.js';
import type { SupportedPiiPolicy } from './policies.js';
import type { Detection, PiiToken } from './tokens.js';

/**
 * When detections overlap, the longer wins; on equal length the policy earlier here wins: the
 * specific shapes (an email, a card number) before the guesses (names, places).
 */
const PRIORITY: readonly SupportedPiiPolicy[] = [
  'email_address', 'credit_card_number', 'us_social_security_number', 'phone_number', 'date_of_birth', 'date',
  'person_name', 'organization', 'location', 'number_sequence',
];

export interface DetectOptions {
  /** Defaults to the system word list (loaded once). */
  lexicon?: CasingLexicon;
}

/** Non-overlapping PII detections of the requested policies, in token order. */
export function detectPii(tokens: readonly PiiToken[], policies: readonly SupportedPiiPolicy[], options: DetectOptions = {}): Detection[] {
  const wanted = new Set(policies);
  const ctx = { lexicon: options.lexicon ?? defaultCasingLexicon() };
  const all: Detection[] = [
    ...detectEmails(tokens),
    ...detectNumbers(tokens),
    ...detectDates(tokens),
    ...detectPersons(tokens, ctx),
    ...detectOrganizations(tokens, ctx),
    ...detectLocations(tokens, ctx, STREET_TYPES),
  ];
  // A date of birth is a date to a caller who asked only for dates.
  const kept = all
    .map((d) => (d.policy === 'date_of_birth' && !wanted.has('date_of_birth') ? { ...d, policy: 'date' as const } : d))
    .filter((d) => wanted.has(d.policy));
  kept.sort((a, b) => b.last - b.first - (a.last - a.first) || PRIORITY.indexOf(a.policy) - PRIORITY.indexOf(b.policy) || a.first - b.first);
  const taken = new Uint8Array(tokens.length);
  const chosen: Detection[] = [];
  for (const d of kept) {
    let free = true;
    for (let i = d.first; i <= d.last; i++) if (taken[i]) free = false;
    if (!free) continue;
    taken.fill(1, d.first, d.last + 1);
    chosen.push(d);
  }
  return chosen.sort((a, b) => a.first - b.first);
}
