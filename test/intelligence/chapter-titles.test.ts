/**
 * Chapter titles name what a section is about (issue 17 item 3): every headline holds one of the
 * section's most specific terms (frequent in it, rare in the rest of the episode), and no title
 * term is a stop word, a filler or a word the speakers use as a verb.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { autoChapters, type Chapter } from '../../src/intelligence/chapters/chapters.js';
import { annotate, type AnnotatedSentence } from '../../src/intelligence/nlp/annotate.js';
import { GENERIC_WORDS, isContentToken } from '../../src/intelligence/nlp/terms.js';
import type { Transcript } from '../../src/transcript/model.js';
import { parseTranscript } from '../../src/transcript/parse.js';
import { injectErrors } from './helpers/noise.js';
import { repeatSentences, spoken } from './helpers/transcript.js';

const FILLERS = ['gonna', 'wanna', 'gotta', 'kinda', 'sorta', 'yeah', 'okay', 'um', 'uh', 'like', 'stuff', 'thing'];
const podcast = parseTranscript(readFileSync(new URL('../fixtures/chapters/podcast-topics.txt', import.meta.url), 'utf8'));

/** Per chapter, the lowercase forms of its 8 most specific content terms: mentions here × share of the episode's mentions. */
function mostSpecific(sentences: readonly AnnotatedSentence[], chapters: readonly Chapter[]): Set<string>[] {
  const inChapter = chapters.map((c) => sentences.filter((s) => s.start >= c.start - 1 && s.end <= c.end + 1));
  const total = new Map<string, number>();
  const counts = inChapter.map((ss) => {
    const m = new Map<string, { n: number; forms: Set<string> }>();
    for (const t of ss.flatMap((s) => s.tokens).filter(isContentToken)) {
      const key = t.stem.toLowerCase();
      const entry = m.get(key) ?? { n: 0, forms: new Set<string>() };
      entry.n++;
      entry.forms.add(t.normal);
      m.set(key, entry);
      total.set(key, (total.get(key) ?? 0) + 1);
    }
    return m;
  });
  return counts.map((m) => {
    const ranked = [...m].filter(([, e]) => e.n >= 2).sort((a, b) => b[1].n ** 2 / total.get(b[0])! - a[1].n ** 2 / total.get(a[0])!);
    return new Set(ranked.slice(0, 8).flatMap(([, e]) => [...e.forms]));
  });
}

function titleTerms(headline: string): string[] {
  return headline.toLowerCase().split(/[^\p{L}\p{N}'-]+/u).filter((w) => w && w !== 'and');
}

async function checkTitles(transcript: Transcript, label: string): Promise<Chapter[]> {
  const { value: chapters } = await autoChapters(transcript);
  const sentences = annotate(transcript);
  const specific = mostSpecific(sentences, chapters);
  const tokensByForm = new Map(sentences.flatMap((s) => s.tokens).map((t) => [t.normal, t]));
  chapters.forEach((c, i) => {
    const terms = titleTerms(c.headline);
    assert.ok(terms.some((t) => specific[i].has(t)), `${label}: "${c.headline}" holds none of ${[...specific[i]].join(', ')}`);
    for (const term of terms) {
      assert.ok(!FILLERS.includes(term) && !GENERIC_WORDS.has(term), `${label}: "${c.headline}" has the filler "${term}"`);
      const token = tokensByForm.get(term);
      assert.ok(!token || !token.stop, `${label}: "${c.headline}" has the stop word "${term}"`);
    }
    assert.ok(terms.length <= 8, `${label}: "${c.headline}" is a title, not a list`);
  });
  return chapters;
}

test('podcast fixture: every title holds one of its section\'s most specific terms, and no filler', async () => {
  const chapters = await checkTitles(podcast, 'clean');
  console.log(chapters.map((c) => c.headline).join(' | '));
  await checkTitles(injectErrors(podcast, { substitute: 0.2, delete: 0.1, raw: true, seed: 1 }), '30% errors');
});

// Two sections of a spoken episode: machine learning with a named library, and photography, with
// "gonna" everywhere and "photograph" mostly as a verb.
const ML = [
  'So we are gonna talk about Scikit-learn today, which is the library most people start with.',
  'Scikit-learn gives you classic machine learning models like random forests and logistic regression.',
  'You fit a model on the training data, and then you check the model on held out data.',
  'The nice part of Scikit-learn is that every model has the same fit and predict interface.',
  'Gradient boosting and random forests are still what wins on tabular data, honestly.',
  'I am gonna say it again, start with a simple model before anything deep.',
];
const PHOTO = [
  'Now we are gonna switch to photography, because I photograph birds every weekend.',
  'When you photograph birds in flight the shutter speed has to be really fast.',
  'A long telephoto lens lets you photograph a heron without scaring it off.',
  'Aperture and shutter speed trade off against each other, and the sensor noise goes up.',
  'I photograph at dawn because the light is soft and the birds are feeding.',
  'We are gonna keep the lens clean and the camera steady on a tripod.',
];
const episode = spoken([...repeatSentences(ML, 30), ...repeatSentences(PHOTO, 30)]);

test('a named library names its section; fillers and verbs-as-nouns never do', async () => {
  const { value: chapters } = await autoChapters(episode);
  console.log(chapters.map((c) => c.headline).join(' | '));
  assert.equal(chapters.length, 2);
  assert.match(chapters[0].headline, /Scikit-learn/);
  for (const c of chapters) {
    assert.doesNotMatch(c.headline, /\bgonna\b/i);
    assert.doesNotMatch(c.headline, /\bphotograph\b/i);
  }
  assert.match(chapters[1].headline, /shutter speed|lens|birds|photography|telephoto/i);
  // The summary carries the title's phrases.
  assert.match(chapters[0].summary, /Scikit-learn/);
  await checkTitles(episode, 'ML and photography');
});
