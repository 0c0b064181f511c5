import type { CasingLexicon } from '../punctuation/casing-lexicon.js';
import { detectPii } from './detect.js';
import { checkPolicies, entityLabel, hashOut, type PiiPolicy, type SubstitutionPolicy } from './policies.js';
import { checkSubstitution, type FoundPii } from './redact-transcript.js';
import { toPiiTokens } from './tokens.js';

export interface RedactStringOptions {
  policies: readonly PiiPolicy[];
  substitution: SubstitutionPolicy;
  /** Strings found in the transcript (RedactionResult.found), replaced wherever they appear too. */
  also?: readonly FoundPii[];
  lexicon?: CasingLexicon;
}

interface CharRange {
  start: number;
  end: number;
  policy: PiiPolicy;
}

/**
 * Finds and replaces PII in any text (a summary, a chapter headline, an entity) the same way
 * redactPii() does in the transcript, plus every string the transcript's redaction found, so a
 * name redacted in the words cannot survive in a summary that quotes it.
 */
export function redactString(text: string, options: RedactStringOptions): string {
  const policies = checkPolicies(options.policies);
  checkSubstitution(options.substitution);
  const pieces = [...text.matchAll(/\S+/g)];
  const tokens = toPiiTokens(pieces.map((m) => m[0]));
  const ranges: CharRange[] = detectPii(tokens, policies, { lexicon: options.lexicon }).map((d) => {
    const first = pieces[d.first];
    const last = pieces[d.last];
    return {
      start: first.index! + /^[^\p{L}\p{N}]*/u.exec(first[0])![0].length,
      end: last.index! + last[0].length - /[^\p{L}\p{N}]*$/u.exec(last[0])![0].length,
      policy: d.policy,
    };
  });
  ranges.push(...literalRanges(text, options.also ?? []));
  return applyRanges(text, ranges, options.substitution);
}

/** Replaces only the given findings (RedactionResult.found) wherever they occur in the text. */
export function redactText(text: string, found: readonly FoundPii[], substitution: SubstitutionPolicy): string {
  checkSubstitution(substitution);
  return applyRanges(text, literalRanges(text, found), substitution);
}

/** Occurrences of each finding, matched case-insensitively with any spacing or punctuation between its words. */
function literalRanges(text: string, found: readonly FoundPii[]): CharRange[] {
  const ranges: CharRange[] = [];
  for (const f of found) {
    const variants = [f.text, ...(f.digits ? [f.digits] : [])];
    for (const variant of variants) {
      const words = variant.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
      if (words.length === 0) continue;
      const escaped = words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
      // Digits may be grouped differently elsewhere ("415-555-1212" vs "4155551212").
      const pattern = f.digits && variant === f.digits ? [...variant].join('[\\s().-]*') : escaped.join('[^\\p{L}\\p{N}]+');
      const re = new RegExp(`(?<![\\p{L}\\p{N}])${pattern}(?![\\p{L}\\p{N}])`, 'giu');
      for (const m of text.matchAll(re)) ranges.push({ start: m.index!, end: m.index! + m[0].length, policy: f.policy });
    }
  }
  return ranges;
}

function applyRanges(text: string, ranges: CharRange[], substitution: SubstitutionPolicy): string {
  // Longest first, then drop any range overlapping one already kept; apply right to left.
  const kept: CharRange[] = [];
  for (const r of [...ranges].sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start)) {
    if (kept.every((k) => r.end <= k.start || r.start >= k.end)) kept.push(r);
  }
  let out = text;
  for (const r of kept.sort((a, b) => b.start - a.start)) {
    const replacement = substitution === 'hash' ? hashOut(out.slice(r.start, r.end)) : entityLabel(r.policy);
    out = out.slice(0, r.start) + replacement + out.slice(r.end);
  }
  return out;
}
