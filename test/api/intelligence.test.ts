/**
 * Audio intelligence through the API (issue 7) with the official SDK: speakers on two espeak
 * voices, punctuation, summary, chapters, entities, sentiment, highlights, topics, safety, and
 * PII redaction in the text, every result and a bleeped copy of the audio.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { AssemblyAI } from 'assemblyai';
import { decodeAudioToPcm } from '../../src/audio/decode.js';
import { encodeWav } from '../../src/intelligence/redaction/encode.js';
import { startTestServer, type TestServer } from '../helpers/earshot-server.js';
import { librivoxClips } from '../helpers/librivox.js';
import { buildConversation, INTERVIEW } from '../intelligence/helpers/voices.js';

let server: TestServer;
let client: AssemblyAI;
const polling = { pollingInterval: 100, pollingTimeout: 120_000 };



before(async () => {
  server = await startTestServer();
  client = new AssemblyAI({ apiKey: server.keyA, baseUrl: server.url });
});
after(() => server.close());

test('speaker_labels: words and utterances carry speakers A and B', async () => {
  const audio = encodeWav((await buildConversation(INTERVIEW)).pcm, 16000);
  const done = await client.transcripts.transcribe({ audio, speaker_labels: true, speakers_expected: 2 }, polling);
  assert.equal(done.status, 'completed', done.error);
  assert.equal(done.speaker_labels, true);
  assert.deepEqual([...new Set(done.utterances!.map((u) => u.speaker))], ['A', 'B']);
  assert.ok(done.utterances!.length >= 4, 'the four lines alternate');
  assert.ok(done.words!.every((w) => w.speaker === 'A' || w.speaker === 'B'));
  const paragraphs = await client.transcripts.paragraphs(done.id);
  assert.ok(paragraphs.paragraphs.length > 0);
});

test('punctuation by default, analyses in AssemblyAI shapes', async () => {
  const clip = librivoxClips()[0];
  const done = await client.transcripts.transcribe(
    {
      audio: clip.path,
      summarization: true,
      summary_type: 'bullets',
      auto_chapters: true,
      auto_highlights: true,
      entity_detection: true,
      sentiment_analysis: true,
      iab_categories: true,
      content_safety: true,
    },
    polling,
  );
  assert.equal(done.status, 'completed', done.error);
  assert.match(done.text!, /^[A-Z]/);
  assert.match(done.text!, /[.?!]$/);
  assert.match(done.summary!, /^- /);
  assert.ok(done.chapters!.length >= 1 && done.chapters!.every((c) => c.start < c.end && c.headline && c.gist));
  assert.equal(done.auto_highlights_result!.status, 'success');
  assert.ok(Array.isArray(done.entities));
  assert.ok(done.sentiment_analysis_results!.length >= 1);
  assert.ok(['POSITIVE', 'NEUTRAL', 'NEGATIVE'].includes(done.sentiment_analysis_results![0].sentiment));
  assert.equal(done.iab_categories_result!.status, 'success');
  assert.equal(done.content_safety_labels!.status, 'success');
  const sentences = await client.transcripts.sentences(done.id);
  assert.ok(sentences.sentences.every((s) => /[.?!]$/.test(s.text)), 'sentences end with punctuation');
});

test('redact_pii hides the name in the text and in the results; the bleeped audio downloads', async () => {
  const clip = librivoxClips()[0]; // "… mister john dashwood …"
  const done = await client.transcripts.transcribe(
    {
      audio: clip.path,
      redact_pii: true,
      redact_pii_policies: ['person_name'],
      redact_pii_sub: 'entity_name',
      redact_pii_audio: true,
      summarization: true,
      summary_type: 'paragraph',
      entity_detection: true,
    },
    polling,
  );
  assert.equal(done.status, 'completed', done.error);
  assert.match(done.text!, /\[PERSON_NAME\]/);
  assert.doesNotMatch(JSON.stringify({ text: done.text, words: done.words, summary: done.summary, entities: done.entities }), /john/i);
  const { redacted_audio_url, status } = await client.transcripts.redactedAudio(done.id);
  assert.equal(status, 'redacted_audio_ready');
  const response = await fetch(redacted_audio_url);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('content-type'), 'audio/mpeg');
  const pcm = await decodeAudioToPcm(Buffer.from(await response.arrayBuffer()));
  assert.ok(Math.abs(pcm.length / 16000 - done.audio_duration!) < 0.2);
  // Another project cannot ask for it, and the file is gone after DELETE.
  const other = await fetch(`${server.url}/v2/transcript/${done.id}/redacted-audio`, { headers: { authorization: server.keyB } });
  assert.equal(other.status, 404);
  await client.transcripts.delete(done.id);
  assert.equal((await fetch(redacted_audio_url)).status, 404);
});

test('redact_pii_audio_quality "wav": the bleeped copy downloads as WAV', async () => {
  const clip = librivoxClips()[0];
  const done = await client.transcripts.transcribe(
    { audio: clip.path, redact_pii: true, redact_pii_policies: ['person_name'], redact_pii_audio: true, redact_pii_audio_quality: 'wav' },
    polling,
  );
  assert.equal(done.status, 'completed', done.error);
  const { redacted_audio_url } = await client.transcripts.redactedAudio(done.id);
  assert.match(redacted_audio_url, /\.wav$/);
  const response = await fetch(redacted_audio_url);
  assert.equal(response.headers.get('content-type'), 'audio/wav');
  const bytes = Buffer.from(await response.arrayBuffer());
  assert.equal(bytes.subarray(0, 4).toString('latin1'), 'RIFF');
  assert.ok(Math.abs((bytes.length - 44) / 32000 - done.audio_duration!) < 0.1);
});
