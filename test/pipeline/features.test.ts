import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { SpeechEngine } from '../../src/engines/engine.js';
import { EngineCache } from '../../src/engines/registry.js';
import { decodeAudioToPcm } from '../../src/audio/decode.js';
import { encodeWav } from '../../src/intelligence/redaction/encode.js';
import { featureStages, FEATURES_OUTPUT, type FeatureResult } from '../../src/pipeline/features.js';
import { transcribeAudio } from '../../src/pipeline/transcribe.js';
import { diarizationErrorRate } from '../intelligence/helpers/der.js';
import { buildConversation, type Line, type ReferenceTurn } from '../intelligence/helpers/voices.js';
import { librivoxClips } from '../helpers/librivox.js';

const engines = new EngineCache();
let engine: SpeechEngine;
let conversation: Buffer;
let reference: ReferenceTurn[];

const SCRIPT = [
  'welcome back to the show, today we are talking about speech recognition on small computers',
  'thanks for having me, it is a topic I have worked on for many years',
  'what got you started in this field?',
  'honestly it was curiosity about how machines listen to people',
  'and where do you think the field is going next?',
  'smaller models, better accuracy, and everything running offline',
];
const lines: Line[] = SCRIPT.map((text, i) => ({ speaker: i % 2 ? 'B' : 'A', voice: i % 2 ? 'en-us+f4' : 'en-us+m3', text, gapMs: 400 }));

before(async () => {
  engine = await engines.get();
  const built = await buildConversation(lines);
  conversation = encodeWav(built.pcm, 16000);
  reference = built.reference;
});
after(() => engines.close());

async function run(source: Buffer, options: Parameters<typeof featureStages>[0]) {
  const { taps, stages } = featureStages(options);
  const { extras } = await transcribeAudio(source, engine, { taps, stages });
  return extras[FEATURES_OUTPUT] as FeatureResult;
}

test('speaker_labels through the whole pipeline: two espeak voices, DER ≤ 15% on recognised words', async () => {
  const result = await run(conversation, { speaker_labels: true });
  const words = result.transcript.words;
  assert.ok(words.length > 10, 'the engine recognised words');
  const der = diarizationErrorRate(reference, words.map((w) => ({ speaker: w.speaker!, start: w.start, end: w.end })));
  console.log(`pipeline DER (pocketsphinx words, two espeak voices): ${(der.der * 100).toFixed(1)}%`);
  assert.ok(der.der <= 0.15, `DER ${der.der}`);
  assert.equal(new Set(words.map((w) => w.speaker)).size, 2);
  assert.ok(result.utterances && result.utterances.length >= 4, 'turns alternate');
  assert.equal(result.utterances![0].speaker, 'A');
  assert.equal(result.utterances!.map((u) => u.words.length).reduce((a, b) => a + b), words.length);
});

test('punctuation and casing are on by default and off when both options are false', async () => {
  const clip = readFileSync(librivoxClips()[3].path);
  const formatted = await run(clip, {});
  const raw = await run(clip, { punctuate: false, format_text: false });
  const text = formatted.transcript.words.map((w) => w.text).join(' ');
  assert.match(text, /^[A-Z]/, text);
  assert.match(text, /[.?!]$/, text);
  assert.ok(raw.transcript.words.every((w) => w.text === w.text.toLowerCase() && !/[.?!,]$/.test(w.text)));
  assert.equal(formatted.utterances, null, 'no utterances without speaker_labels');
});

test('redaction runs before the analyses, and redact_pii_audio bleeps a decodable copy', async () => {
  const clip = readFileSync(librivoxClips()[0].path);
  const plain = await run(clip, { summarization: true, summary_type: 'gist' });
  const redacted = await run(clip, {
    redact_pii: true,
    redact_pii_policies: ['person_name'],
    redact_pii_sub: 'entity_name',
    redact_pii_audio: true,
    summarization: true,
    summary_type: 'gist',
    auto_highlights: true,
  });
  // The clip says "mister john dashwood"; pocketsphinx hears "mr john …", and "John" is a name.
  assert.ok(plain.transcript.words.some((w) => /john/i.test(w.text)));
  assert.ok(redacted.transcript.words.some((w) => w.text.includes('[PERSON_NAME]')));
  assert.ok(!redacted.transcript.words.some((w) => /john/i.test(w.text)));
  assert.doesNotMatch(JSON.stringify(redacted.intelligence), /john/i);
  assert.equal(typeof redacted.intelligence.summary, 'string');
  const audio = await decodeAudioToPcm(redacted.redactedAudio!);
  // MP3 rounds up to whole frames (72 ms at 16 kHz) plus the encoder's priming samples.
  assert.ok(Math.abs(audio.length / 16 - redacted.transcript.durationMs) <= 150, `the copy (${audio.length / 16} ms) is as long as the audio (${redacted.transcript.durationMs} ms)`);
});
