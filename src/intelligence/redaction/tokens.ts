import type { SupportedPiiPolicy } from './policies.js';

/** A word as the detectors see it, from a transcript word or from a piece of free text. */
export interface PiiToken {
  raw: string;
  /** Lowercase, without punctuation around it (inner "@", ".", "-", "'" kept: "john@example.com"). */
  core: string;
  /** The word is written with a capital (only meaningful once a punctuation stage or the engine cased the text). */
  capitalised: boolean;
  /** First word, or the word before ends a sentence: a capital here says nothing about names. */
  sentenceStart: boolean;
}

/** Tokens first..last (inclusive) are PII of this policy. */
export interface Detection {
  first: number;
  last: number;
  policy: SupportedPiiPolicy;
}

export function toPiiTokens(raws: readonly string[]): PiiToken[] {
  return raws.map((raw, i) => {
    const stripped = raw.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
    return {
      raw,
      core: stripped.toLowerCase(),
      capitalised: /^\p{Lu}/u.test(stripped),
      sentenceStart: i === 0 || /[.?!]["')\]]*$/.test(raws[i - 1]),
    };
  });
}

/** Whether any of the `within` tokens before `at` is one of the cue words. */
export function cueBefore(tokens: readonly PiiToken[], at: number, cues: ReadonlySet<string>, within: number): boolean {
  for (let i = Math.max(0, at - within); i < at; i++) if (cues.has(tokens[i].core)) return true;
  return false;
}
