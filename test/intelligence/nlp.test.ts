import assert from 'node:assert/strict';
import { test } from 'node:test';
import { annotate } from '../../src/intelligence/nlp/annotate.js';
import { PhraseMatcher } from '../../src/intelligence/nlp/matcher.js';
import { groupPhrases, phraseMentions } from '../../src/intelligence/nlp/phrases.js';
import { isContentToken } from '../../src/intelligence/nlp/terms.js';
import { cosine, countTerms, inverseDocumentFrequency } from '../../src/intelligence/nlp/vectors.js';
import { toSentences } from '../../src/transcript/sentences.js';
import { spoken } from './helpers/transcript.js';

const transcript = spoken(['We couldn\'t see the galaxies, sadly.', 'The Andromeda galaxy is huge!', 'So the telescopes stayed home.']);

test('annotated sentences are the transcript sentences, with tokens tied to the words they came from', () => {
  const sentences = annotate(transcript);
  assert.deepEqual(
    sentences.map((s) => s.text),
    toSentences(transcript).map((s) => s.text),
  );
  assert.deepEqual(sentences.map((s) => s.firstWord), [0, 6, 11]);
  const first = sentences[0].tokens;
  // "couldn't" is two tokens (could + n't), both from word 1; the comma and the full stop stay with their words.
  assert.deepEqual(first.filter((t) => t.word === 1).map((t) => t.value), ['could', "n't"]);
  assert.equal(first.find((t) => t.value === ',')?.word, 4);
  assert.equal(first.find((t) => t.value === 'sadly')?.word, 5);
  assert.equal(first.find((t) => t.value === 'galaxies')?.stem, sentences[1].tokens.find((t) => t.value === 'galaxy')?.stem);
});

test('the annotation is computed once per transcript object', () => {
  assert.equal(annotate(transcript), annotate(transcript));
});

test('content tokens exclude stop words, generic conversation words and punctuation', () => {
  const tokens = annotate(spoken(['So I think the people really love the sourdough bread.']))[0].tokens;
  assert.deepEqual(tokens.filter(isContentToken).map((t) => t.value), ['sourdough', 'bread']);
});

test('the phrase matcher matches by stem across inflections and prefers the longest phrase', () => {
  const matcher = new PhraseMatcher([
    { phrase: 'black hole', data: 'space' },
    { phrase: 'hole', data: 'garden' },
    { phrase: 'swear', data: 'profanity' },
  ]);
  const tokens = annotate(spoken(['Two black holes merged while he was swearing at a hole in the lawn.']))[0].tokens;
  assert.deepEqual(matcher.match(tokens).map((m) => m.data), ['space', 'profanity', 'garden']);
});

test('lemma matching does not confuse a verb with an occupation', () => {
  const matcher = new PhraseMatcher([{ phrase: 'developer', data: 'occupation' }], undefined, 'lemma');
  const tokens = annotate(spoken(['The developers said the story develops slowly.']))[0].tokens;
  assert.deepEqual(matcher.match(tokens).map((m) => tokens[m.firstToken].value), ['developers']);
});

test('noun phrases are counted alone and inside longer phrases', () => {
  const sentences = annotate(spoken(['The sourdough starter needs flour.', 'Feed the starter every day.', 'A lively sourdough starter smells sour.']));
  const phrases = new Map(groupPhrases(phraseMentions(sentences)).map((p) => [p.text, p.mentions.length]));
  assert.equal(phrases.get('sourdough starter'), 2);
  assert.equal(phrases.get('starter'), 3);
  assert.equal(phrases.get('flour'), 1);
});

test('tf-idf cosine is 1 for identical term bags and 0 for disjoint ones', () => {
  const a = countTerms(['bread', 'flour']);
  const b = countTerms(['star', 'galaxy']);
  assert.deepEqual([...inverseDocumentFrequency([a, b, a]).keys()].sort(), ['bread', 'flour', 'galaxy', 'star']);
  assert.ok(Math.abs(cosine(a, a) - 1) < 1e-12);
  assert.equal(cosine(a, b), 0);
  assert.equal(cosine(a, new Map()), 0);
});
