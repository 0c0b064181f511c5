import { luhnValid } from '../redaction/detectors/numbers.js';
import type { EntityType } from './types.js';

/**
 * Entities with a fixed written shape, found by pattern in the sentence text. They only appear
 * when the engine or a formatting stage wrote digits and symbols; spoken-form numbers ("five five
 * five…") are the redaction stage's problem, not entity detection's.
 */
const PATTERNS: readonly { type: EntityType; pattern: RegExp; check?: (text: string) => boolean }[] = [
  { type: 'email_address', pattern: /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu },
  { type: 'url', pattern: /\b(?:https?:\/\/)?(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|io|dev|edu|gov|ai|co\.uk|uk|de|fr)(?:\/[^\s]*)?/gi },
  { type: 'ip_address', pattern: /\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b/g },
  { type: 'us_social_security_number', pattern: /\b\d{3}[- ]\d{2}[- ]\d{4}\b/g },
  { type: 'credit_card_number', pattern: /\b(?:\d[ -]?){12,18}\d\b/g, check: (text) => luhn(text.replace(/\D/g, '')) },
  { type: 'phone_number', pattern: /(?:\+\d{1,3}[\s.-]?)?(?:\(\d{3}\)\s?|\b\d{3}[\s.-])\d{3}[\s.-]\d{4}\b/g },
  { type: 'phone_number', pattern: /(?:\+44\s?|\b0)\d{3,4}[\s-]?\d{3}[\s-]?\d{3,4}\b/g },
];

export interface PatternMatch {
  type: EntityType;
  /** Character offsets in the text, end exclusive. */
  from: number;
  to: number;
}

export function findPatterns(text: string): PatternMatch[] {
  const found: PatternMatch[] = [];
  for (const { type, pattern, check } of PATTERNS) {
    for (const m of text.matchAll(pattern)) {
      const value = m[0].replace(/[.,;:]+$/, '');
      if (check && !check(value)) continue;
      const from = m.index ?? 0;
      const to = from + value.length;
      // Earlier patterns are more specific ("123-45-6789" is an SSN, not a phone number).
      if (found.some((f) => from < f.to && to > f.from)) continue;
      found.push({ type, from, to });
    }
  }
  return found;
}

function luhn(digits: string): boolean {
  return digits.length >= 13 && digits.length <= 19 && luhnValid(digits);
}
