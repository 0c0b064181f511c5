/** Speaker identification (issue 14 item 3): names and roles from what diarized speakers say. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { applySpeakerMapping, identifySpeakersFromSpeech } from '../../src/intelligence/speakers/identification/identify.js';
import { checkMapping } from '../../src/intelligence/speakers/identification/llm-identification.js';
import { createTranscript, type Word } from '../../src/transcript/model.js';
import { toUtterances } from '../../src/transcript/utterances.js';
import { startLlmServer, type LlmServer } from './helpers/llm-server.js';

/** A transcript from "A: text" lines, as formatting leaves it (casing and punctuation kept). */
function conversation(...lines: string[]) {
  let at = 0;
  const words: Word[] = lines.flatMap((line) => {
    const [, speaker, text] = /^(\w+): (.*)$/.exec(line)!;
    return text.split(' ').map((t) => ({ text: t, start: (at += 300), end: at + 250, confidence: 0.9, speaker }));
  });
  const transcript = createTranscript({ segments: [{ start: 0, end: at + 300, words }] });
  return { ...transcript, utterances: toUtterances(words) };
}

const CALL = conversation(
  'A: Thank you for calling. My name is John, how can I help you today?',
  'B: Hi John, this is Mary. I have a problem with my account.',
  'A: I am sorry to hear that, Mary. Let me check your account.',
  'B: Thanks.',
);

test('names: self-introductions and being addressed place each speaker', async () => {
  const { value, source } = await identifySpeakersFromSpeech(CALL, { speaker_type: 'name' });
  assert.equal(source, 'offline');
  assert.deepEqual(value, { A: 'John', B: 'Mary' });
});

test('names from known_values: a full name is heard by its first name; an absent one places no one', async () => {
  const { value } = await identifySpeakersFromSpeech(CALL, { speaker_type: 'name', known_values: ['Mary Jones', 'Peter'] });
  assert.deepEqual(value, { B: 'Mary Jones' }, 'A introduces himself as John, who is not among known_values');
});

test('names: being addressed alone places the other speaker; a speaker never named keeps its letter', async () => {
  const t = conversation('A: Good morning everyone.', 'B: Morning Sarah, good to see you.', 'C: Hello all.');
  const { value } = await identifySpeakersFromSpeech(t, { speaker_type: 'name' });
  assert.equal(value.B, undefined, 'B says the name, so B is not Sarah');
  assert.equal(value.A, 'Sarah', 'A spoke just before B addressed Sarah');
  assert.equal(value.C, undefined, 'nothing names C');
});

test('"I\'m sorry" names no one: only a proper noun after an introduction counts', async () => {
  const t = conversation("A: I'm sorry, I am late.", 'B: No problem at all.');
  assert.deepEqual((await identifySpeakersFromSpeech(t, { speaker_type: 'name' })).value, {});
});

test('roles: agent and customer from what each says', async () => {
  const { value } = await identifySpeakersFromSpeech(CALL, { speaker_type: 'role', known_values: ['Customer Service Agent', 'Customer'] });
  assert.deepEqual(value, { A: 'Customer Service Agent', B: 'Customer' });
});

test('roles: interviewer and guest; the last speaker is placed by elimination only when every role is listed', async () => {
  const t = conversation('A: Welcome back to the show. Tell us about your research.', 'B: It started with a question about bees.');
  assert.deepEqual((await identifySpeakersFromSpeech(t, { speaker_type: 'role', known_values: ['Interviewer', 'Guest'] })).value, { A: 'Interviewer', B: 'Guest' });
  assert.deepEqual((await identifySpeakersFromSpeech(t, { speaker_type: 'role', known_values: ['Interviewer', 'Guest', 'Producer'] })).value, { A: 'Interviewer' });
});

test('roles: one nobody plays, or no evidence at all, places no one', async () => {
  const t = conversation('A: The weather was lovely.', 'B: It was indeed.');
  assert.deepEqual((await identifySpeakersFromSpeech(t, { speaker_type: 'role', known_values: ['Doctor', 'Patient'] })).value, {});
});

test('applySpeakerMapping relabels words, segments and utterances, leaving unplaced speakers as they were', () => {
  const t = conversation('A: Hello there.', 'B: Hi.', 'C: Hey.');
  const mapped = applySpeakerMapping(t, { A: 'John', B: 'Mary' });
  assert.deepEqual([...new Set(mapped.words.map((w) => w.speaker))], ['John', 'Mary', 'C']);
  assert.deepEqual(mapped.utterances!.map((u) => u.speaker), ['John', 'Mary', 'C']);
  assert.deepEqual(mapped.segments[0].words.map((w) => w.speaker), mapped.words.map((w) => w.speaker));
});

test("a chat model's answer is checked: unknown speakers, values outside known_values or names never said are refused", () => {
  const speakers = ['A', 'B'];
  assert.deepEqual(checkMapping('{"A":"agent","B":null}', speakers, ['Agent', 'Customer']), { A: 'Agent' });
  assert.throws(() => checkMapping('{"C":"Agent"}', speakers, ['Agent']), /speaker "C" is not in the transcript/);
  assert.throws(() => checkMapping('{"A":"Manager"}', speakers, ['Agent']), /not one of known_values/);
  assert.throws(() => checkMapping('{"A":"Agent","B":"Agent"}', speakers, ['Agent']), /given to two speakers/);
});

let llm: LlmServer;
let reply = '';
before(async () => {
  llm = await startLlmServer(() => ({ kind: 'answer', text: reply }));
});
after(() => llm.close());

test('with a chat model configured its checked answer is used; a bad answer falls back to the offline method', async () => {
  reply = '{"A":"Mary","B":"John"}';
  const config = { baseUrl: llm.baseUrl, model: 'test' };
  const fromModel = await identifySpeakersFromSpeech(CALL, { speaker_type: 'name' }, { llm: config });
  assert.equal(fromModel.source, 'llm');
  assert.deepEqual(fromModel.value, { A: 'Mary', B: 'John' }, "the model's answer, not the offline one");
  assert.match(String(llm.requests.at(-1)!.body.messages.at(-1)!.content), /A: Thank you for calling/);

  reply = '{"A":"Zebedee"}';
  const fallback = await identifySpeakersFromSpeech(CALL, { speaker_type: 'name' }, { llm: config });
  assert.equal(fallback.source, 'offline');
  assert.match(fallback.fallback!.reason, /"Zebedee" is never said/);
  assert.deepEqual(fallback.value, { A: 'John', B: 'Mary' });
});
