/**
 * Issue 14 item 2, the options that steer recognition, through the official SDK: `speech_models`
 * (ordered fallback by name), `speech_threshold` (too little speech ends in `error`, saying so),
 * `prompt` (taken only by an engine that reads one) and `speaker_options` (bounds on the speaker count).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { AssemblyAI } from 'assemblyai';
import { encodeWav } from '../../src/intelligence/redaction/encode.js';
import { startTestServer, type TestServer } from '../helpers/earshot-server.js';
import { librivoxClips } from '../helpers/librivox.js';
import { wavSamples } from '../../bench/speech-file.js';
import { buildConversation, INTERVIEW } from '../intelligence/helpers/voices.js';

const polling = { pollingInterval: 100, pollingTimeout: 120_000 };
let server: TestServer;
let client: AssemblyAI;
const clip = librivoxClips()[1]; // 3 s: "he was not an ill disposed young man"

before(async () => {
  server = await startTestServer();
  client = new AssemblyAI({ apiKey: server.keyA, baseUrl: server.url });
});
after(() => server.close());

test('speech_models: names this server lacks are passed over, the first it has is used', async () => {
  const done = await client.transcripts.transcribe({ audio: clip.path, speech_models: ['universal', 'nano'] }, polling);
  assert.equal(done.status, 'completed', done.error);
  assert.equal(done.speech_model_used, 'en-us');
  assert.match(done.text!, /young man/i);
  const upload = await client.files.upload(clip.path);
  await assert.rejects(client.transcripts.submit({ audio_url: upload, speech_models: ['universal', 'slam-1'] }), /None of speech_models \(universal, slam-1\) is available/);
  await assert.rejects(client.transcripts.submit({ audio_url: upload, speech_model: 'nano', speech_models: ['nano'] }), /not both/);
});

test('speech_threshold: a file that is mostly silence ends in error saying how much was speech', async () => {
  // Three seconds of speech in thirty of silence: 10% speech.
  const speech = wavSamples(clip.path);
  const padded = new Int16Array(16000 * 30);
  padded.set(speech, 16000 * 10);
  const audio = encodeWav(padded, 16000);
  const refused = await client.transcripts.transcribe({ audio, speech_threshold: 0.5 }, polling);
  assert.equal(refused.status, 'error');
  assert.match(refused.error!, /Only \d+% of the audio is speech, less than the speech_threshold of 50%/);
  const [, percent] = /Only (\d+)%/.exec(refused.error!)!;
  assert.ok(Number(percent) >= 5 && Number(percent) <= 20, `${percent}% speech for 3 s in 30 s`);
  const kept = await client.transcripts.transcribe({ audio, speech_threshold: 0.05 }, polling);
  assert.equal(kept.status, 'completed', kept.error);
  assert.match(kept.text!, /young man/i);
});

test('prompt is refused for an engine that has no prompt, rather than ignored', async () => {
  const upload = await client.files.upload(clip.path);
  await assert.rejects(client.transcripts.submit({ audio_url: upload, prompt: 'A novel by Jane Austen.' }), /prompt needs an engine that takes one \(whisper\); pocketsphinx has none/);
});

test('speaker_options bounds the number of speakers diarization may find', async () => {
  const audio = encodeWav((await buildConversation(INTERVIEW)).pcm, 16000);
  const speakers = (t: { utterances?: { speaker: string }[] | null }) => new Set((t.utterances ?? []).map((u) => u.speaker)).size;
  const free = await client.transcripts.transcribe({ audio, speaker_labels: true }, polling);
  assert.equal(speakers(free), 2, 'two voices found unaided');
  const atMostOne = await client.transcripts.transcribe({ audio, speaker_labels: true, speaker_options: { max_speakers_expected: 1 } }, polling);
  assert.equal(atMostOne.status, 'completed', atMostOne.error);
  assert.equal(speakers(atMostOne), 1);
  const atLeastThree = await client.transcripts.transcribe({ audio, speaker_labels: true, speaker_options: { min_speakers_expected: 3 } }, polling);
  assert.equal(speakers(atLeastThree), 3);

  const upload = await client.files.upload(clip.path);
  await assert.rejects(client.transcripts.submit({ audio_url: upload, speaker_options: { min_speakers_expected: 2 } }), /speaker_options needs speaker_labels/);
  await assert.rejects(
    client.transcripts.submit({ audio_url: upload, speaker_labels: true, speaker_options: { min_speakers_expected: 3, max_speakers_expected: 2 } }),
    /min_speakers_expected \(3\) is more than max_speakers_expected \(2\)/,
  );
});

test('redact_pii_return_unredacted: the redacted transcript plus the unredacted text, words and utterances', async () => {
  const named = librivoxClips()[0]; // "… mister john dashwood …"
  const done = await client.transcripts.transcribe(
    { audio: named.path, redact_pii: true, redact_pii_policies: ['person_name'], redact_pii_sub: 'entity_name', redact_pii_return_unredacted: true, speaker_labels: true },
    polling,
  );
  assert.equal(done.status, 'completed', done.error);
  assert.match(done.text!, /\[PERSON_NAME\]/);
  assert.doesNotMatch(JSON.stringify({ text: done.text, words: done.words, utterances: done.utterances }), /john/i);
  assert.match(done.unredacted_text!, /john/i);
  assert.doesNotMatch(done.unredacted_text!, /PERSON_NAME/);
  assert.ok(done.unredacted_words!.some((w) => /john/i.test(w.text)));
  assert.ok(done.unredacted_utterances!.length >= 1 && done.unredacted_utterances!.every((u) => u.speaker));
  const plain = await client.transcripts.transcribe({ audio: named.path, redact_pii: true, redact_pii_policies: ['person_name'] }, polling);
  assert.equal(plain.unredacted_text, undefined, 'only when asked for');

  const upload = await client.files.upload(named.path);
  await assert.rejects(client.transcripts.submit({ audio_url: upload, redact_pii_return_unredacted: true }), /needs redact_pii: true/);
});
