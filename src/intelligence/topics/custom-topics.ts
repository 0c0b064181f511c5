import type { Transcript } from '../../transcript/model.js';
import { keysOf, PhraseMatcher } from '../nlp/matcher.js';
import { GENERIC_WORDS } from '../nlp/terms.js';
import { its, outOf, wink } from '../nlp/wink.js';
import { IAB_TAXONOMY } from './taxonomy.js';
import { detectTopics, keywordsOf, type TopicDetectionResult, type TopicLexicon } from './topics.js';

/**
 * AssemblyAI's legacy `custom_topics` + `topics`: the transcript classified against the caller's
 * own labels instead of the IAB taxonomy, reported in `iab_categories_result` (the one topic
 * result the SDK's types have) with the labels spelled as given.
 *
 * The method is keyword evidence, as for IAB topics (topics.ts scores and normalises it), with
 * each custom label's lexicon built from:
 * - the label itself and its content words, matched by stem ("beekeeping" matches "beekeepers");
 * - the keywords of every IAB category the label names, so "astronomy" also hears "telescope",
 *   "galaxies" and "orbit". A label names a category when the label (or one of its content words)
 *   is one of the category's keywords or a word of its path ("Sports>Soccer" is named by "sports"
 *   and by "soccer"; "football" is a Soccer keyword).
 * A label that names no category and is never said gets no passages: no evidence, no relevance.
 */
export function detectCustomTopics(transcript: Pick<Transcript, 'words' | 'segments'>, topics: readonly string[]): TopicDetectionResult {
  return detectTopics(transcript, customTopicLexicon(topics));
}

export function customTopicLexicon(topics: readonly string[]): TopicLexicon {
  const entries: { phrase: string; data: string }[] = [];
  for (const topic of new Set(topics.map((t) => t.trim()).filter(Boolean))) {
    const words = contentWords(topic);
    entries.push({ phrase: topic, data: topic }, ...words.map((w) => ({ phrase: w, data: topic })));
    for (const category of categoriesNamedBy(topic, words)) {
      for (const keyword of keywordsOf(category)) entries.push({ phrase: keyword, data: topic });
    }
  }
  return new PhraseMatcher(entries);
}

/** The IAB categories a label names, by whole-phrase or content-word stems. */
function categoriesNamedBy(topic: string, words: readonly string[]) {
  const phrase = keysOf(topic).join(' ');
  const singles = new Set(words.map((w) => keysOf(w).join(' ')));
  return IAB_TAXONOMY.filter((category) => {
    const names = [...keywordsOf(category), ...pathWords(category.label)].map((k) => keysOf(k).join(' '));
    return names.some((name) => name === phrase || singles.has(name));
  });
}

/** "Home&Garden>IndoorEnvironmentalQuality" → home, garden, indoor, environmental, quality. */
function pathWords(label: string): string[] {
  return label
    .split(/[>&]/)
    .flatMap((part) => part.split(/(?=[A-Z])/))
    .map((w) => w.toLowerCase())
    .filter((w) => w.length >= 3 && w !== 'and');
}

/** The label's words that carry a subject: not stop words or conversational filler, 3+ letters. */
function contentWords(topic: string): string[] {
  const tokens = wink().readDoc(topic.toLowerCase()).tokens();
  const words = outOf<string>(tokens, its().normal);
  const stops = outOf<boolean>(tokens, its().stopWordFlag);
  return words.filter((w, i) => !stops[i] && /^\p{L}{3,}$/u.test(w) && !GENERIC_WORDS.has(w));
}
