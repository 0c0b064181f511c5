import type { AnnotatedSentence } from '../nlp/annotate.js';
import { groupPhrases, phraseMentions, type Phrase } from '../nlp/phrases.js';

export interface RankedPhrase extends Phrase {
  score: number;
}

export interface RankOptions {
  /** Phrases mentioned fewer times are dropped (1 keeps everything). */
  minCount?: number;
  limit?: number;
  /**
   * Per-phrase multiplier, e.g. how specific the phrase is to one chapter. Defaults to 1.
   */
  weight?: (phrase: Phrase) => number;
  /** Extra weight per word beyond the first (default 1: a two-word phrase counts double). */
  lengthBonus?: number;
}

/**
 * Ranks key phrases by mentions^0.7 × (1 + lengthBonus × extra words): a compound repeated in speech ("shutter speed") is
 * almost always a topic, while a lone noun ("water") may be incidental, so a two-word phrase
 * said six times outranks a word said sixteen times. A phrase mentioned mostly inside a longer kept phrase is dropped, so the
 * list does not say "air quality alerts", "quality alerts" and "alerts".
 */
export function rankKeyPhrases(sentences: readonly AnnotatedSentence[], options: RankOptions = {}): RankedPhrase[] {
  const minCount = options.minCount ?? 2;
  const weight = options.weight ?? (() => 1);
  const lengthBonus = options.lengthBonus ?? 1;
  const candidates = groupPhrases(phraseMentions(sentences))
    .filter((p) => p.mentions.length >= minCount)
    .map((p) => ({ ...p, score: Math.pow(p.mentions.length, 0.7) * (1 + lengthBonus * (p.length - 1)) * weight(p) }))
    .filter((p) => p.score > 0)
    .sort((a, b) => b.score - a.score || a.key.localeCompare(b.key));

  const kept: RankedPhrase[] = [];
  for (const phrase of candidates) {
    if (options.limit !== undefined && kept.length >= options.limit) break;
    const covered = kept.some((k) => containsKey(k.key, phrase.key) && phrase.mentions.length <= k.mentions.length * 1.5);
    const covering = kept.findIndex((k) => containsKey(phrase.key, k.key) && k.mentions.length <= phrase.mentions.length * 1.5);
    if (covered) continue;
    if (covering !== -1) kept.splice(covering, 1);
    kept.push(phrase);
  }
  return kept;
}

/** Whether `inner` is a run of whole words inside `outer`. */
function containsKey(outer: string, inner: string): boolean {
  return outer !== inner && ` ${outer} `.includes(` ${inner} `);
}
