import type { Transcript, Word } from '../../transcript/model.js';
import { joinWords } from '../../transcript/text.js';
import { annotate, type AnnotatedSentence, type NlpToken } from '../nlp/annotate.js';
import { PhraseMatcher } from '../nlp/matcher.js';
import * as gaz from './gazetteer.js';
import { findPatterns } from './patterns.js';
import type { Entity, EntityType } from './types.js';

export type { Entity, EntityType } from './types.js';

/** wink's rule-based entity types that have an AssemblyAI counterpart. */
const FROM_WINK: Record<string, EntityType> = {
  DATE: 'date',
  TIME: 'time',
  MONEY: 'money_amount',
  DURATION: 'duration',
  PERCENT: 'statistics',
  EMAIL: 'email_address',
  URL: 'url',
};

type GazetteerType = 'location' | 'nationality' | 'language' | 'organization' | 'first_name' | 'occupation' | 'religion' | 'political_affiliation' | 'medical_condition' | 'drug';

const gazetteer = new PhraseMatcher<GazetteerType>([
  ...gaz.ORGANIZATIONS.map((phrase) => ({ phrase, data: 'organization' as const })),
  ...gaz.LOCATIONS.map((phrase) => ({ phrase, data: 'location' as const })),
  ...gaz.NATIONALITIES.map((phrase) => ({ phrase, data: 'nationality' as const })),
  ...gaz.LANGUAGES.map((phrase) => ({ phrase, data: 'language' as const })),
  ...gaz.FIRST_NAMES.map((phrase) => ({ phrase, data: 'first_name' as const })),
  ...gaz.OCCUPATIONS.map((phrase) => ({ phrase, data: 'occupation' as const })),
  ...gaz.RELIGIONS.map((phrase) => ({ phrase, data: 'religion' as const })),
  ...gaz.POLITICAL_AFFILIATIONS.map((phrase) => ({ phrase, data: 'political_affiliation' as const })),
  ...gaz.MEDICAL_CONDITIONS.map((phrase) => ({ phrase, data: 'medical_condition' as const })),
  ...gaz.DRUGS.map((phrase) => ({ phrase, data: 'drug' as const })),
], undefined, 'lemma');

/** Names need a capital when the transcript has casing; other gazetteer types never do. */
const PROPER: ReadonlySet<GazetteerType> = new Set(['location', 'nationality', 'language', 'organization', 'first_name']);
const TITLES = new Set(['mr', 'mr.', 'mrs', 'mrs.', 'ms', 'ms.', 'dr', 'dr.', 'professor', 'prof', 'prof.', 'sir', 'dame', 'president', 'senator']);
const LANGUAGE_CUES = new Set(['speak', 'speaks', 'speaking', 'spoke', 'learn', 'learning', 'in', 'translate', 'translated', 'fluent']);
const ORG_SUFFIXES = new Set(gaz.ORGANIZATION_SUFFIXES);
/** Words that end a place name when it is capitalised ("Mid Atlantic Ridge", "Baker Street"). */
const PLACE_SUFFIXES = new Set(['river', 'sea', 'ocean', 'lake', 'mountains', 'valley', 'island', 'islands', 'bay', 'coast', 'ridge', 'street', 'road', 'avenue', 'square', 'park', 'desert', 'canyon', 'county', 'province', 'city', 'falls', 'peninsula']);
const QUANTITY = /\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|forty|fifty|hundred|thousand|few|several|couple|half|noon|midnight)\b/i;

/**
 * AssemblyAI's `entities`. Each sentence is read in order of reliability, and a word belongs to
 * the first entity that claims it: written shapes (e-mail, URL, phone, card and social security
 * numbers, IP addresses), then wink's rule-based entities (dates, times, money, durations,
 * percentages), then name lists (places, nationalities, languages, organisations, occupations,
 * religions, parties, conditions, drugs), then capitalised proper-noun runs that a title, a known
 * first name, or an organisation or place suffix identifies ("Dr. Jane Goodall", "Acme Corp",
 * "Mid Atlantic Ridge").
 */
export function detectEntities(transcript: Pick<Transcript, 'words' | 'segments'>): Entity[] {
  const words = transcript.words;
  const cased = words.some((w) => /\p{Lu}/u.test(w.text)) && words.some((w) => /\p{Ll}/u.test(w.text));
  const entities: Entity[] = [];
  for (const sentence of annotate(transcript)) entities.push(...sentenceEntities(sentence, words, cased));
  return entities.sort((a, b) => a.start - b.start);
}

function sentenceEntities(sentence: AnnotatedSentence, words: readonly Word[], cased: boolean): Entity[] {
  const claimed = new Set<number>();
  const out: Entity[] = [];
  const claim = (type: EntityType, first: number, last: number) => {
    for (let w = first; w <= last; w++) if (claimed.has(w)) return;
    for (let w = first; w <= last; w++) claimed.add(w);
    const span = words.slice(first, last + 1);
    out.push({ entity_type: type, text: cleanText(span), start: Math.round(span[0].start), end: Math.round(span[span.length - 1].end) });
  };

  // 1. Written shapes, on the sentence text with known word offsets.
  let text = '';
  const offsets: number[] = [];
  sentence.words.forEach((w) => {
    if (text !== '') text += ' ';
    offsets.push(text.length);
    text += w.text.trim();
  });
  const wordAt = (offset: number) => {
    let i = 0;
    while (i + 1 < offsets.length && offsets[i + 1] <= offset) i++;
    return sentence.firstWord + i;
  };
  for (const m of findPatterns(text)) claim(m.type, wordAt(m.from), wordAt(m.to - 1));

  // 2. wink's entities.
  const tokens = sentence.tokens;
  for (const e of sentence.entities) {
    const type = FROM_WINK[e.type];
    if (!type) continue;
    // wink tags a bare "day" or "night" as a duration or time; only quantified ones are entities.
    if ((type === 'duration' || type === 'time') && e.firstToken === e.lastToken && !QUANTITY.test(e.value)) continue;
    claim(type, tokens[e.firstToken].word, tokens[e.lastToken].word);
  }

  // 3. Name lists.
  for (const m of gazetteer.match(tokens)) {
    const first = tokens[m.firstToken];
    if (cased && PROPER.has(m.data) && !/^\p{Lu}/u.test(first.value)) continue;
    // "judged" shares a lemma with "judge": an occupation is a noun.
    if (m.data === 'occupation' && tokens[m.lastToken].pos !== 'NOUN' && tokens[m.lastToken].pos !== 'PROPN') continue;
    if (m.data === 'first_name') {
      const surname = nextWordToken(tokens, m.lastToken);
      const capitalised = surname && (!cased || /^\p{Lu}/u.test(surname.value));
      if (surname && capitalised && !surname.stop && (surname.pos === 'PROPN' || surname.pos === 'NOUN')) {
        claim('person_name', first.word, surname.word);
      } else if (cased && first.pos === 'PROPN') {
        claim('person_name', first.word, tokens[m.lastToken].word);
      }
      continue;
    }
    let type: EntityType = m.data;
    if (m.data === 'nationality' || m.data === 'language') {
      const before = previousWordToken(tokens, m.firstToken);
      const speaks = before !== undefined && LANGUAGE_CUES.has(before.normal);
      type = speaks || !gaz.NATIONALITIES.includes(m.phrase) ? 'language' : 'nationality';
    }
    claim(type, first.word, tokens[m.lastToken].word);
  }

  // 4. Proper-noun runs named by a title, a first name or an organisation suffix.
  if (cased) {
    for (const run of properRuns(tokens)) {
      const before = previousWordToken(tokens, run[0]);
      const last = tokens[run[run.length - 1]];
      const firstWord = tokens[run[0]].word;
      if (ORG_SUFFIXES.has(last.normal) && run.length >= 2) claim('organization', firstWord, last.word);
      else if (TITLES.has(tokens[run[0]].normal) && run.length >= 2) claim('person_name', firstWord, last.word);
      else if (PLACE_SUFFIXES.has(last.normal) && run.length >= 2) claim('location', firstWord, last.word);
      else if (before && TITLES.has(before.normal)) claim('person_name', before.word, last.word);
      else if (run.length >= 2 && gaz.FIRST_NAMES.includes(tokens[run[0]].normal)) claim('person_name', firstWord, last.word);
    }
  }
  return out;
}

/** Runs of capitalised proper nouns, as token indexes. */
function properRuns(tokens: readonly NlpToken[]): number[][] {
  const runs: number[][] = [];
  let run: number[] = [];
  tokens.forEach((t, i) => {
    const proper = (t.pos === 'PROPN' || ORG_SUFFIXES.has(t.normal)) && /^\p{Lu}/u.test(t.value);
    if (proper) run.push(i);
    else {
      if (run.length > 0) runs.push(run);
      run = [];
    }
  });
  if (run.length > 0) runs.push(run);
  return runs;
}

function nextWordToken(tokens: readonly NlpToken[], index: number): NlpToken | undefined {
  const next = tokens[index + 1];
  return next && next.type === 'word' ? next : undefined;
}

function previousWordToken(tokens: readonly NlpToken[], index: number): NlpToken | undefined {
  const previous = tokens[index - 1];
  return previous && previous.type !== 'punctuation' ? previous : undefined;
}

/** The entity as written, without punctuation the words carried around it ("London," → "London"). */
function cleanText(span: readonly Word[]): string {
  return joinWords(span).replace(/^[^\p{L}\p{N}$£€+(]+/u, '').replace(/[^\p{L}\p{N}%)]+$/u, '');
}
