import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isEarshotError } from '../../src/errors.js';
import { punctuate } from '../../src/intelligence/punctuation/punctuate.js';
import { luhnValid } from '../../src/intelligence/redaction/detectors/numbers.js';
import { SUPPORTED_PII_POLICIES, type PiiPolicy } from '../../src/intelligence/redaction/policies.js';
import { redactString, redactText } from '../../src/intelligence/redaction/redact-string.js';
import { redactPii } from '../../src/intelligence/redaction/redact-transcript.js';
import { joinWords } from '../../src/transcript/text.js';
import { textOf, timedTranscript } from './helpers/words.js';

const ALL: PiiPolicy[] = [...SUPPORTED_PII_POLICIES];
const entity = (spec: string, policies: PiiPolicy[] = ALL) => joinWords(redactPii(timedTranscript(spec), { policies, substitution: 'entity_name' }).transcript.words);

test('names after "my name is", phone numbers spoken digit by digit, spoken emails', () => {
  assert.equal(entity('hi my name is john smith and i live in boise'), 'hi my name is [PERSON_NAME] and i live in [LOCATION]');
  assert.equal(entity('call me at four one five five five five one two one two tomorrow'), 'call me at [PHONE_NUMBER] tomorrow');
  assert.equal(entity('my email is john dot smith at example dot com thanks'), 'my email is [EMAIL_ADDRESS] thanks');
  assert.equal(entity('write to j o h n at gmail dot com'), 'write to [EMAIL_ADDRESS]');
  assert.equal(entity('we meet at home dot then'), 'we meet at home dot then', 'no top-level domain, no email');
});

test('numbers as words and as digits: cards (Luhn), SSNs, phones with groups', () => {
  assert.equal(
    entity('my card is four one one one one one one one one one one one one one one one'),
    'my card is [CREDIT_CARD_NUMBER]',
  );
  assert.equal(entity('the number 4111111111111111 was used'), 'the number [CREDIT_CARD_NUMBER] was used');
  assert.equal(entity('my social security number is one two three four five six seven eight nine'), 'my social security number is [US_SOCIAL_SECURITY_NUMBER]');
  assert.equal(entity('it is 123-45-6789 on file'), 'it is [US_SOCIAL_SECURITY_NUMBER] on file');
  assert.equal(entity('dial four one five double five five twelve twelve'), 'dial [PHONE_NUMBER]');
  assert.equal(entity('reach me on (415) 555-1212 please'), 'reach me on [PHONE_NUMBER] please');
  assert.equal(entity('order one two three four five six shipped'), 'order [NUMBER_SEQUENCE] shipped');
  // Amounts are not PII.
  assert.equal(entity('we sold twenty five thousand copies and two hundred fifty books'), 'we sold twenty five thousand copies and two hundred fifty books');
  assert.ok(luhnValid('4111111111111111'));
  assert.ok(!luhnValid('4111111111111112'));
});

test('dates and dates of birth, spoken and written', () => {
  assert.equal(entity('i was born on march third nineteen ninety in ohio'), 'i was born on [DATE_OF_BIRTH] in [LOCATION]');
  assert.equal(entity('the meeting is on the third of may two thousand five'), 'the meeting is on the [DATE]');
  assert.equal(entity('see you june twenty first'), 'see you [DATE]');
  assert.equal(entity('it may rain and we march on'), 'it may rain and we march on');
  // Only "date" asked for: a birth date is still redacted, as a date.
  assert.equal(entity('born on 12/05/1990 here', ['date']), 'born on [DATE] here');
});

test('locations, addresses and organisations', () => {
  assert.equal(entity('we moved to new york from san francisco'), 'we moved to [LOCATION] from [LOCATION]');
  assert.equal(entity('send it to one two three main street'), 'send it to [LOCATION]');
  assert.equal(entity('she works at google'), 'she works at [ORGANIZATION]');
  assert.equal(entity('he studied at the university of texas'), 'he studied at the [ORGANIZATION]');
});

test('ambiguous given names need a cue or a surname; everyday words stay', () => {
  assert.equal(entity('i will mark the grace period'), 'i will mark the grace period');
  assert.equal(entity('say hello to mark johnson'), 'say hello to [PERSON_NAME]');
  assert.equal(entity('my name is dashwood'), 'my name is [PERSON_NAME]');
});

test('after punctuation and casing: capitalised names and formatted numbers', () => {
  const punctuated = punctuate(timedTranscript('my name is ada lovelace | call four one five five five five one two one two'), { formatText: true });
  const out = redactPii(punctuated, { policies: ALL, substitution: 'entity_name' });
  assert.equal(joinWords(out.transcript.words), 'My name is [PERSON_NAME]. Call [PHONE_NUMBER].');
  const titled = punctuate(timedTranscript('and mr john dashwood had then leisure'), { formatText: true });
  assert.equal(joinWords(redactPii(titled, { policies: ['person_name'], substitution: 'entity_name' }).transcript.words), 'And Mr. [PERSON_NAME] had then leisure.');
});

test('only the requested policies are redacted', () => {
  assert.equal(entity('john smith called from four one five five five five one two one two', ['phone_number']), 'john smith called from [PHONE_NUMBER]');
});

test('span times are the times of the words they cover', () => {
  const t = timedTranscript('hi my name is john smith call four one five five five five one two one two');
  const { spans } = redactPii(t, { policies: ALL, substitution: 'hash' });
  assert.deepEqual(spans, [
    { start: t.words[4].start, end: t.words[5].end, policy: 'person_name' },
    { start: t.words[7].start, end: t.words[16].end, policy: 'phone_number' },
  ]);
});

test('hash: every character of a redacted word becomes "#", punctuation and timings kept', () => {
  const t = timedTranscript('my name is john smith. call 415-555-1212, thanks');
  const out = redactPii(t, { policies: ALL, substitution: 'hash' });
  assert.equal(textOf(out.transcript.words), 'my name is #### #####. call ############, thanks');
  assert.equal(out.transcript.words.length, t.words.length);
  out.transcript.words.forEach((w, i) => {
    assert.equal(w.text.length, t.words[i].text.length);
    assert.equal(w.start, t.words[i].start);
  });
});

test('entity_name: one label word per finding, spanning its words, inside its segment', () => {
  const t = timedTranscript('my name is john smith || and i live in new york');
  const out = redactPii(t, { policies: ALL, substitution: 'entity_name' });
  const name = out.transcript.words.find((w) => w.text === '[PERSON_NAME]')!;
  assert.equal(name.start, t.words[3].start);
  assert.equal(name.end, t.words[4].end);
  assert.deepEqual(out.transcript.segments.map((s) => textOf(s.words)), ['my name is [PERSON_NAME]', 'and i live in [LOCATION]']);
  assert.deepEqual(out.transcript.words, out.transcript.segments.flatMap((s) => s.words));
});

test('utterances are rebuilt from the redacted words', () => {
  const t = timedTranscript('this is john smith speaking');
  t.words.forEach((w) => (w.speaker = 'A'));
  t.utterances = [];
  const out = redactPii(t, { policies: ['person_name'], substitution: 'entity_name' });
  assert.equal(out.transcript.utterances![0].text, 'this is [PERSON_NAME] speaking');
});

test('unsupported policies and substitutions are errors, never ignored', () => {
  const t = timedTranscript('hello');
  assert.throws(() => redactPii(t, { policies: ['blood_type'], substitution: 'hash' }), (e) => isEarshotError(e, 'unsupported_option') && /blood_type/.test(e.message));
  assert.throws(() => redactPii(t, { policies: [], substitution: 'hash' }), (e) => isEarshotError(e, 'invalid_request'));
  assert.throws(() => redactPii(t, { policies: ['date'], substitution: 'stars' as 'hash' }), (e) => isEarshotError(e, 'invalid_request'));
});

test('redactString finds PII in free text the same way', () => {
  const text = 'Summary: John Smith (415-555-1212, john@example.com) lives in Paris and was born on March 3, 1990.';
  assert.equal(
    redactString(text, { policies: ALL, substitution: 'entity_name' }),
    'Summary: [PERSON_NAME] ([PHONE_NUMBER], [EMAIL_ADDRESS]) lives in [LOCATION] and was born on [DATE_OF_BIRTH].',
  );
  assert.equal(redactString('Call John at 415-555-1212.', { policies: ['phone_number'], substitution: 'hash' }), 'Call John at ############.');
});

test('redactText/also: what the transcript redaction found is redacted everywhere else', () => {
  const t = timedTranscript('my name is dashwood calling from four one five five five five one two one two');
  const { found } = redactPii(t, { policies: ALL, substitution: 'entity_name' });
  assert.deepEqual(found.map((f) => f.policy), ['person_name', 'phone_number']);
  const summary = 'Dashwood asked to be called back on 415 555 1212.';
  assert.equal(redactText(summary, found, 'entity_name'), '[PERSON_NAME] asked to be called back on [PHONE_NUMBER].');
  assert.equal(redactString(summary, { policies: ['person_name'], substitution: 'hash', also: found }), '######## asked to be called back on ### ### ####.');
});
