import type {
  ParagraphsResponse,
  SentencesResponse,
  Transcript as SdkTranscript,
  TranscriptUtterance,
  TranscriptWord,
  WordSearchResponse,
} from 'assemblyai';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isEarshotError, type EarshotError } from '../../src/errors.js';
import { toParagraphsResponse, toSentencesResponse } from '../../src/transcript/assemblyai-views.js';
import { toAssemblyAiJson } from '../../src/transcript/format-assemblyai.js';
import { createTranscript, type Word } from '../../src/transcript/model.js';
import { parseAssemblyAiJson } from '../../src/transcript/parse-assemblyai.js';
import { toWordSearchResponse } from '../../src/transcript/word-search.js';

const w = (text: string, start: number, confidence: number, speaker?: string): Word => {
  const word: Word = { text, start, end: start + 400, confidence };
  if (speaker) word.speaker = speaker;
  return word;
};

const plain = createTranscript({
  segments: [
    { start: 0, end: 1000, words: [w('hello', 100, 0.5), w('world', 600, 1)] },
    { start: 3000, end: 4000, words: [w('again', 3100.4, 0.75)] },
  ],
  durationMs: 5234,
  language: 'en',
  model: 'whisper-base.en',
});

const labelled = createTranscript({
  segments: [{ start: 0, end: 3000, words: [w('Hi.', 0, 1, 'A'), w('Hey', 500, 1, 'B'), w('there.', 1000, 1, 'B')] }],
  model: 'tiny',
});

// These assignments are the point of the file: a field whose name or type differs from the SDK's
// fails type-checking, which the last test runs.
const completed: SdkTranscript = toAssemblyAiJson(plain, { id: 't1', audio_url: 'https://x/a.wav', speaker_labels: false });
const queued: SdkTranscript = toAssemblyAiJson(null, { id: 't2', audio_url: 'upload://abc', language_code: 'es' });
const failed: SdkTranscript = toAssemblyAiJson(null, { id: 't3', audio_url: 'u', status: 'error', error: 'audio_corrupt' });
const diarized: SdkTranscript = toAssemblyAiJson(labelled, { id: 't4', audio_url: 'u', speaker_labels: true });
const sentences: SentencesResponse = toSentencesResponse(labelled, 't4');
const paragraphs: ParagraphsResponse = toParagraphsResponse(labelled, 't4');
const search: WordSearchResponse = toWordSearchResponse('t1', plain.words, ['hello world']);

test('a completed transcript carries text, words, mean confidence, duration in seconds and the model', () => {
  assert.equal(completed.status, 'completed');
  assert.equal(completed.text, 'hello world again');
  assert.equal(completed.confidence, (0.5 + 1 + 0.75) / 3);
  assert.equal(completed.audio_duration, 5.234);
  assert.equal(completed.language_code, 'en');
  assert.equal(completed.speech_model_used, 'whisper-base.en');
  assert.equal(completed.speech_model, null);
  assert.equal(completed.utterances, null);
  const words: TranscriptWord[] = completed.words!;
  assert.deepEqual(words[2], { text: 'again', start: 3100, end: 3500, confidence: 0.75, speaker: null });
  // raw engine output: no punctuation or casing to report
  assert.equal(completed.punctuate, false);
  assert.equal(completed.format_text, false);
});

test('speaker-labelled words become utterances, and punctuation and casing are reported', () => {
  const utterances: TranscriptUtterance[] = diarized.utterances!;
  assert.deepEqual(
    utterances.map((u) => [u.speaker, u.text, u.start, u.end, u.words.length]),
    [
      ['A', 'Hi.', 0, 400, 1],
      ['B', 'Hey there.', 500, 1400, 2],
    ],
  );
  assert.equal(diarized.speaker_labels, true);
  assert.equal(diarized.punctuate, true);
  assert.equal(diarized.format_text, true);
});

test('before completion the results are null and the request is echoed', () => {
  assert.equal(queued.status, 'queued');
  assert.equal(queued.text, null);
  assert.equal(queued.words, null);
  assert.equal(queued.confidence, null);
  assert.equal(queued.audio_duration, null);
  assert.equal(queued.language_code, 'es');
  assert.equal(failed.status, 'error');
  assert.equal(failed.error, 'audio_corrupt');
});

test('sentences, paragraphs and word search responses have the SDK shapes', () => {
  assert.deepEqual(
    sentences.sentences.map((s) => [s.text, s.speaker]),
    [
      ['Hi.', 'A'],
      ['Hey there.', 'B'],
    ],
  );
  assert.equal(sentences.sentences[0].words[0].speaker, 'A');
  assert.equal(paragraphs.paragraphs.length, 2);
  assert.equal(paragraphs.audio_duration, 3); // the segment ends after its last word
  assert.deepEqual(search.matches[0].timestamps, [[100, 1000]]);
});

test('AssemblyAI JSON round-trips through the parser', () => {
  for (const [transcript, wire] of [
    [plain, completed],
    [labelled, diarized],
  ] as const) {
    const parsed = parseAssemblyAiJson(JSON.stringify(wire));
    assert.deepEqual(
      parsed.words.map((x) => [x.text, x.start, x.end, x.confidence, x.speaker ?? null]),
      transcript.words.map((x) => [x.text, Math.round(x.start), Math.round(x.end), x.confidence, x.speaker ?? null]),
    );
    assert.equal(parsed.durationMs, transcript.durationMs);
    assert.equal(parsed.language, transcript.language);
    assert.equal(parsed.model, transcript.model);
    assert.equal(parsed.utterances?.length ?? 0, wire.utterances?.length ?? 0);
  }
  // a second of silence separates segments
  assert.deepEqual(parseAssemblyAiJson(completed).segments.map((s) => s.words.length), [2, 1]);
});

test('malformed AssemblyAI JSON is an invalid_request naming the line or field', () => {
  const cases: [string, RegExp][] = [
    ['{\n  "words": [\n    {"text": "a",}\n  ]\n}', /line 3/],
    ['{"words": [{"text": "a", "start": 0, "end": 1}, {"text": "b", "end": 2}]}', /words\[1\]\.start/],
    ['{"status": "processing", "words": null}', /processing/],
    ['{"text": "words went missing", "words": []}', /no words/],
    ['[1, 2]', /object/],
  ];
  for (const [input, pattern] of cases) {
    assert.throws(
      () => parseAssemblyAiJson(input),
      (err) => isEarshotError(err, 'invalid_request') && pattern.test((err as EarshotError).message),
      input,
    );
  }
});

test('this file type-checks against the assemblyai SDK types', { timeout: 120_000 }, () => {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const file = fileURLToPath(import.meta.url);
  const args = ['--noEmit', '--strict', '--skipLibCheck', '--target', 'ES2022', '--module', 'NodeNext'];
  const result = spawnSync(process.execPath, [tsc, ...args, '--moduleResolution', 'NodeNext', '--types', 'node', file], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    encoding: 'utf8',
  });
  assert.equal(result.status, 0, result.stdout + result.stderr);
});
