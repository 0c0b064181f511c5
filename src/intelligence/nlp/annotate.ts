import type { ItemEntity, PartOfSpeech } from 'wink-nlp';
import type { Transcript } from '../../transcript/model.js';
import { toSentences, type Sentence } from '../../transcript/sentences.js';
import { its, outOf, wink } from './wink.js';

/** One wink-nlp token, tied back to the transcript word it was read from. */
export interface NlpToken {
  /** As written in the word. */
  value: string;
  /** Lowercased, contractions expanded. */
  normal: string;
  lemma: string;
  /** Porter-style stem: the key that matches "galaxy" with "galaxies" in lexicons and vectors. */
  stem: string;
  pos: PartOfSpeech;
  stop: boolean;
  /** wink's token type: word, number, punctuation, email, url, currency, … */
  type: string;
  /** Index into `transcript.words`. */
  word: number;
}

/** A rule-based entity wink found (DATE, TIME, MONEY, PERCENT, DURATION, EMAIL, URL, …). */
export interface WinkEntity {
  type: string;
  value: string;
  /** Token indexes in the sentence, inclusive. */
  firstToken: number;
  lastToken: number;
}

/**
 * A sentence of the transcript (the same split as GET /sentences, so `index` agrees with
 * AssemblyAI's `sentences_idx_*`) with its NLP annotation.
 */
export interface AnnotatedSentence extends Sentence {
  index: number;
  /** Index of the sentence's first word in `transcript.words`. */
  firstWord: number;
  tokens: NlpToken[];
  /** wink's sentiment, -1..1. */
  sentiment: number;
  entities: WinkEntity[];
}

type Source = Pick<Transcript, 'words' | 'segments'>;

/**
 * Several analyses run on one transcript; the annotation is the expensive shared step, so it is
 * computed once per transcript object. Callers must not mutate a transcript after analysing it.
 */
const cache = new WeakMap<Source, AnnotatedSentence[]>();

export function annotate(transcript: Source): AnnotatedSentence[] {
  let sentences = cache.get(transcript);
  if (!sentences) {
    sentences = annotateSentences(toSentences(transcript));
    cache.set(transcript, sentences);
  }
  return sentences;
}

function annotateSentences(sentences: Sentence[]): AnnotatedSentence[] {
  let firstWord = 0;
  return sentences.map((sentence, index) => {
    const annotated = annotateSentence(sentence, index, firstWord);
    firstWord += sentence.words.length;
    return annotated;
  });
}

/**
 * Reads one sentence with wink. Sentences are read one at a time, rather than the whole text at
 * once, because unpunctuated engine output gives wink no sentence ends of its own, and per-sentence
 * sentiment must follow the transcript's sentences.
 */
function annotateSentence(sentence: Sentence, index: number, firstWord: number): AnnotatedSentence {
  const texts = sentence.words.map((w) => w.text.trim());
  const offsets: number[] = [];
  let text = '';
  for (const t of texts) {
    if (text !== '') text += ' ';
    offsets.push(text.length);
    text += t;
  }
  const helpers = its();
  const doc = wink().readDoc(text);
  const tokens = doc.tokens();
  const values = outOf<string>(tokens, helpers.value);
  const normals = outOf<string>(tokens, helpers.normal);
  const lemmas = outOf<string>(tokens, helpers.lemma);
  const stems = outOf<string>(tokens, helpers.stem);
  const pos = outOf<PartOfSpeech>(tokens, helpers.pos);
  const stops = outOf<boolean>(tokens, helpers.stopWordFlag);
  const types = outOf<string>(tokens, helpers.type);

  // Tokens come back in text order; each is located after the previous one and assigned to the
  // word whose span contains it. A token wink rewrote (rare) stays with the current word.
  const result: NlpToken[] = [];
  let cursor = 0;
  let wordIndex = 0;
  values.forEach((value, i) => {
    const found = text.indexOf(value, cursor);
    const at = found === -1 ? cursor : found;
    while (wordIndex + 1 < offsets.length && offsets[wordIndex + 1] <= at) wordIndex++;
    if (found !== -1) cursor = found + value.length;
    result.push({
      value,
      normal: normals[i],
      lemma: lemmas[i],
      stem: stems[i],
      pos: pos[i],
      stop: stops[i],
      type: types[i],
      word: firstWord + wordIndex,
    });
  });

  const entities: WinkEntity[] = [];
  doc.entities().each((entity: ItemEntity) => {
    const entityTokens = entity.tokens();
    const detail = entity.out(helpers.detail) as unknown as { value: string; type: string };
    entities.push({
      type: detail.type,
      value: detail.value,
      firstToken: entityTokens.itemAt(0).index(),
      lastToken: entityTokens.itemAt(entityTokens.length() - 1).index(),
    });
  });

  return {
    ...sentence,
    index,
    firstWord,
    tokens: result,
    sentiment: Number(doc.out(helpers.sentiment)) || 0,
    entities,
  };
}
