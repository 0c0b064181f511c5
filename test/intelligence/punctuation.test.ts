import { test } from 'node:test';
import assert from 'node:assert/strict';
import { punctuate, punctuateTurn } from '../../src/intelligence/punctuation/punctuate.js';
import { CasingLexicon } from '../../src/intelligence/punctuation/casing-lexicon.js';
import { readCardinal, readDigitRun, readYear } from '../../src/intelligence/punctuation/spoken-numbers.js';
import { joinWords } from '../../src/transcript/text.js';
import { createTranscript } from '../../src/transcript/model.js';
import { textOf, timedTranscript } from './helpers/words.js';

const plain = { formatText: false };
const formatted = { formatText: true };

test('pauses end sentences; question starters get "?" and sentence starts a capital', () => {
  const t = timedTranscript('hello everyone welcome to the show | what do you think about the weather | i think it is fine');
  assert.equal(joinWords(punctuate(t, plain).words), 'Hello everyone welcome to the show. What do you think about the weather? I think it is fine.');
});

test('a short pause before a sentence opener ends a sentence; without the opener it does not', () => {
  assert.equal(joinWords(punctuate(timedTranscript('we tried it twice / so we stopped there'), plain).words), 'We tried it twice. So we stopped there.');
  assert.equal(joinWords(punctuate(timedTranscript('we tried it twice / every single day'), plain).words), 'We tried it twice every single day.');
  assert.equal(
    joinWords(punctuate(timedTranscript('we went to the shop / and then we drove home'), plain).words),
    'We went to the shop. And then we drove home.',
  );
});

test('"what I mean" and "when the …" stay statements; "can you", "is it", "how much" are questions', () => {
  const t = timedTranscript('what i mean is simple | when the war ended we moved | can you hear me | is it raining | how much does it cost');
  assert.equal(
    joinWords(punctuate(t, plain).words),
    'What I mean is simple. When the war ended we moved. Can you hear me? Is it raining? How much does it cost?',
  );
});

test('a pause after a word that cannot end a sentence is hesitation, not a full stop', () => {
  const t = timedTranscript('we bought the | new computer yesterday');
  assert.equal(joinWords(punctuate(t, plain).words), 'We bought the new computer yesterday.');
});

test('VAD segment ends close sentences even without a long pause', () => {
  const t = timedTranscript('that was the first part || now the second part');
  const out = punctuate(t, plain);
  assert.equal(joinWords(out.words), 'That was the first part. Now the second part.');
  assert.equal(out.segments.length, 2);
  assert.deepEqual(out.segments.map((s) => textOf(s.words)), ['That was the first part.', 'Now the second part.']);
  // segmentBreaks: false ignores the segments (caption lines, say): only pauses and cues count.
  const flat = punctuate(timedTranscript('the answer is twenty || five people came'), { formatText: true, segmentBreaks: false });
  assert.equal(joinWords(flat.words), 'The answer is 25 people came.');
});

test('"I" and its contractions, proper nouns from the word list; "will", "may", "bill" stay lowercase', () => {
  const t = timedTranscript("yesterday i met john in paris and i'm sure he will pay the bill in america");
  assert.equal(joinWords(punctuate(t, plain).words), "Yesterday I met John in Paris and I'm sure he will pay the bill in America.");
});

test('months that are also words are capitalised only next to a day', () => {
  const t = timedTranscript('it may rain on may third | we march in march');
  assert.equal(joinWords(punctuate(t, plain).words), 'It may rain on May third. We march in march.');
});

test('titles and an unknown surname after a known name', () => {
  const t = timedTranscript('and mister john dashwood had then leisure to consider');
  assert.equal(joinWords(punctuate(t, plain).words), 'And Mister John Dashwood had then leisure to consider.');
  assert.equal(joinWords(punctuate(t, formatted).words), 'And Mr. John Dashwood had then leisure to consider.');
});

test('commas after an opener and before "but"/"so" after a short pause', () => {
  const t = timedTranscript('well / i tried it / but it broke');
  assert.equal(joinWords(punctuate(t, plain).words), 'Well, I tried it, but it broke.');
  assert.equal(joinWords(punctuate(t, { formatText: false, commas: false }).words), 'Well I tried it but it broke.');
});

test('format_text: cardinals, years, digit strings, money, percent, decimals and ordinals', () => {
  const cases: [string, string][] = [
    ['we paid twenty five dollars', 'We paid $25.'],
    ['it was nineteen ninety', 'It was 1990.'],
    ['see you in twenty twenty four', 'See you in 2024.'],
    ['built in nineteen oh five', 'Built in 1905.'],
    ['about three hundred and five people', 'About 305 people.'],
    ['twelve thousand five hundred fans', '12,500 fans.'],
    ['call four one five five five five one two one two', 'Call 415-555-1212.'],
    ['only five percent', 'Only 5%.'],
    ['three point one four', '3.14.'],
    ['one of the two options', 'One of the two options.'],
    ['on the twenty first of june', 'On the 21st of June.'],
    ['on march third', 'On March 3rd.'],
    ['the third time', 'The third time.'],
    ['a hundred times', '100 times.'],
  ];
  for (const [spoken, written] of cases) {
    assert.equal(joinWords(punctuate(timedTranscript(spoken), formatted).words), written, spoken);
  }
});

test('a merged number keeps the first word start and the last word end', () => {
  const t = timedTranscript('we paid twenty five dollars');
  const out = punctuate(t, formatted);
  const money = out.words.find((w) => w.text.startsWith('$'))!;
  assert.equal(money.start, t.words[2].start);
  assert.equal(money.end, t.words[4].end);
  assert.equal(out.segments[0].words.length, out.words.length);
});

test('numbers never join across a segment end', () => {
  const out = punctuate(timedTranscript('the answer is twenty || five people came'), formatted);
  assert.equal(joinWords(out.words), 'The answer is 20. Five people came.');
});

test('deterministic and leaves its input alone', () => {
  const t = timedTranscript('so what do you think | it was nineteen ninety');
  const before = JSON.stringify(t);
  const a = punctuate(t, formatted);
  const b = punctuate(t, formatted);
  assert.deepEqual(a, b);
  assert.equal(JSON.stringify(t), before);
});

test('a speaker change ends a sentence; utterances are rebuilt with the new texts', () => {
  const t = timedTranscript('how are you doing i am fine thanks');
  t.words.forEach((w, i) => (w.speaker = i < 4 ? 'A' : 'B'));
  t.utterances = [];
  const out = punctuate(t, plain);
  assert.equal(joinWords(out.words), 'How are you doing? I am fine thanks.');
  assert.deepEqual(out.utterances!.map((u) => [u.speaker, u.text]), [['A', 'How are you doing?'], ['B', 'I am fine thanks.']]);
});

test('pocketsphinx spellings with a dot ("s.", "mr") do not count as punctuation', () => {
  const t = timedTranscript('and mr john s. would consider it | had he married a more amiable woman he might have been made more respectable');
  assert.equal(
    joinWords(punctuate(t, formatted).words),
    'And Mr. John s. would consider it. Had he married a more amiable woman he might have been made more respectable.',
  );
});

test('a transcript that is already punctuated is returned as it is', () => {
  const t = createTranscript({ segments: [{ start: 0, end: 900, words: [{ text: 'Hello,', start: 0, end: 400, confidence: 1 }, { text: 'world.', start: 450, end: 900, confidence: 1 }] }] });
  assert.equal(punctuate(t, formatted), t);
});

test('without the word list: a warning, and casing only at sentence starts and for "I"', () => {
  const warnings: string[] = [];
  const lexicon = CasingLexicon.load({ path: '/nonexistent/american-english', logger: { warn: (m) => warnings.push(m) } });
  assert.equal(lexicon.available, false);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /wamerican/);
  const out = punctuate(timedTranscript('i met john in paris'), { formatText: false, lexicon });
  assert.equal(joinWords(out.words), 'I met john in paris.');
});

test('punctuateTurn: one streaming turn always ends with "." or "?"', () => {
  const turn = timedTranscript('could you send me the report').words;
  assert.equal(joinWords(punctuateTurn(turn)), 'Could you send me the report?');
  assert.equal(joinWords(punctuateTurn(timedTranscript('i will send it twenty minutes later').words, formatted)), 'I will send it 20 minutes later.');
  assert.deepEqual(punctuateTurn([]), []);
});

test('spoken number readers', () => {
  const words = (s: string) => s.split(' ');
  assert.equal(readCardinal(words('two thousand and five'), 0)?.value, 2005);
  assert.equal(readCardinal(words('one million two hundred thousand'), 0)?.value, 1_200_000);
  assert.equal(readCardinal(words('five six'), 0)?.end, 1);
  assert.equal(readYear(words('twenty five'), 0), null);
  assert.equal(readYear(words('nineteen eighty four'), 0)?.value, 1984);
  assert.deepEqual(readDigitRun(words('double oh seven'), 0), { digits: '007', end: 3 });
  assert.equal(readDigitRun(words('oh two three'), 0), null, '"oh" does not open a run');
});
