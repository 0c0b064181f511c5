import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { decodeAudioToPcm } from '../../src/audio/decode.js';
import type { SpeechSegment } from '../../src/audio/vad/segmenter.js';
import { isEarshotError } from '../../src/errors.js';
import { diarize } from '../../src/intelligence/speakers/diarize.js';
import { SpeakerFeatureExtractor, type SpeakerFeatures } from '../../src/intelligence/speakers/feature-extractor.js';
import { OnlineSpeakerTracker } from '../../src/intelligence/speakers/online-tracker.js';
import { librivoxClips } from '../helpers/librivox.js';
import { diarizationErrorRate } from './helpers/der.js';
import { buildConversation, RATE, spreadWords, vadSegments, type Line, type ReferenceTurn } from './helpers/voices.js';

// Two clearly different espeak-ng voices taking turns, with pauses from 150 ms (inside one VAD
// segment) to 700 ms; about 25 s of audio.
const VOICE_A = 'en-us+m3';
const VOICE_B = 'en-us+f4';
const SCRIPT: [string, number][] = [
  ['welcome back to the show, today we are talking about speech recognition on small computers', 300],
  ['thanks for having me, it is a topic I have worked on for many years', 250],
  ['what got you started?', 600],
  ['honestly it was curiosity about how machines listen to people', 150],
  ['and where do you think the field is going next?', 400],
  ['smaller models, better accuracy, and everything running offline', 200],
  ['that is what we are building here, so people keep their audio private', 500],
  ['that sounds great, I wish you luck with it', 300],
];
const lines: Line[] = SCRIPT.map(([text, gapMs], i) => ({ speaker: i % 2 ? 'B' : 'A', voice: i % 2 ? VOICE_B : VOICE_A, text, gapMs }));

let pcm: Int16Array;
let reference: ReferenceTurn[];
let features: SpeakerFeatures;
let segments: SpeechSegment[];

async function featuresOf(segs: readonly SpeechSegment[]): Promise<SpeakerFeatures> {
  const extractor = new SpeakerFeatureExtractor();
  for (const s of segs) await extractor.addSegment(s);
  return extractor.features();
}

before(async () => {
  ({ pcm, reference } = await buildConversation(lines));
  segments = await vadSegments(pcm);
  features = await featuresOf(segments);
});

function wordDer(words: readonly { start: number; end: number; speaker?: string | null }[]) {
  return diarizationErrorRate(reference, words.map((w) => ({ speaker: w.speaker!, start: w.start, end: w.end })));
}

test('two voices, speakers_expected = 2: DER ≤ 15% on words and on the timeline', () => {
  const words = spreadWords(lines, reference);
  const result = diarize(words, features, { speakersExpected: 2 });
  const onWords = wordDer(result.words);
  const onTurns = diarizationErrorRate(reference, result.turns);
  console.log(`DER two voices (${VOICE_A} / ${VOICE_B}, ${(pcm.length / RATE).toFixed(1)} s, ${features.windows.length} windows), speakers_expected=2: words ${(onWords.der * 100).toFixed(1)}%, timeline ${(onTurns.der * 100).toFixed(1)}%`);
  assert.equal(result.speakerCount, 2);
  assert.ok(onWords.der <= 0.15, `word DER ${onWords.der}`);
  assert.ok(onTurns.der <= 0.15, `timeline DER ${onTurns.der}`);
});

test('two voices, number of speakers estimated: two found, DER ≤ 15%', () => {
  const result = diarize(spreadWords(lines, reference), features);
  const onWords = wordDer(result.words);
  console.log(`DER two voices, speakers estimated: words ${(onWords.der * 100).toFixed(1)}%, ${result.speakerCount} speakers`);
  assert.equal(result.speakerCount, 2);
  assert.ok(onWords.der <= 0.15, `word DER ${onWords.der}`);
});

test('labels are A, B, … in order of first appearance, and utterances follow the turns', () => {
  const words = spreadWords(lines, reference);
  const result = diarize(words, features, { speakersExpected: 2 });
  assert.equal(result.words[0].speaker, 'A');
  const firstB = result.words.findIndex((w) => w.speaker === 'B');
  assert.ok(firstB > 0 && result.words.slice(0, firstB).every((w) => w.speaker === 'A'));
  assert.deepEqual([...new Set(result.turns.map((t) => t.speaker))], ['A', 'B']);
  // Most lines come out as one utterance each; the speakers alternate.
  assert.ok(result.utterances.length >= lines.length - 2 && result.utterances.length <= lines.length + 2, `${result.utterances.length} utterances`);
  result.utterances.slice(1).forEach((u, i) => assert.notEqual(u.speaker, result.utterances[i].speaker));
  assert.equal(result.utterances.reduce((n, u) => n + u.words.length, 0), words.length);
  // The words are copies: the input keeps no speaker.
  assert.equal((words[0] as { speaker?: string }).speaker, undefined);
});

test('one synthetic voice: one speaker', async () => {
  const single = await buildConversation(lines.map((l) => ({ ...l, speaker: 'A', voice: VOICE_A })));
  const result = diarize(spreadWords(lines, single.reference), await featuresOf(await vadSegments(single.pcm)));
  assert.equal(result.speakerCount, 1);
  assert.ok(result.words.every((w) => w.speaker === 'A'));
  assert.equal(result.utterances.length, 1);
});

test('one real reader (the LibriVox clips, read speech): one speaker', async () => {
  const parts = await Promise.all(librivoxClips().map((c) => decodeAudioToPcm(readFileSync(c.path))));
  const all = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (all.set(p, at), at + p.length), 0);
  const result = diarize([], await featuresOf(await vadSegments(all)));
  assert.equal(result.speakerCount, 1);
});

test('speakers_expected is honoured exactly and validated', () => {
  assert.equal(diarize([], features, { speakersExpected: 1 }).speakerCount, 1);
  assert.equal(diarize([], features, { speakersExpected: 3 }).speakerCount, 3);
  assert.throws(() => diarize([], features, { speakersExpected: 0 }), (e) => isEarshotError(e, 'invalid_request'));
  assert.throws(() => diarize([], features, { maxSpeakers: 40 }), (e) => isEarshotError(e, 'invalid_request'));
});

test('no audio described: every word is speaker A', () => {
  const empty: SpeakerFeatures = { kind: 'features', embedder: 'mfcc-pitch', windows: [] };
  const result = diarize([{ text: 'hi', start: 0, end: 300, confidence: 1 }], empty);
  assert.deepEqual(result.words.map((w) => w.speaker), ['A']);
});

test('the extractor keeps one small vector per window and refuses segments out of order', async () => {
  const speechMs = segments.reduce((n, s) => n + s.end - s.start, 0);
  // 1.5 s windows every 0.75 s: about one per 0.75 s of speech, never the audio itself.
  assert.ok(features.windows.length <= speechMs / 750 + segments.length, `${features.windows.length} windows for ${speechMs} ms`);
  assert.ok(features.windows.every((w) => w.vector.length === 27 && w.frameStats!.length === 91));
  const extractor = new SpeakerFeatureExtractor();
  await extractor.addSegment(segments[1]);
  await assert.rejects(extractor.addSegment(segments[0]), (e) => isEarshotError(e, 'invalid_request'));
  assert.throws(() => new SpeakerFeatureExtractor({ windowMs: 1000, hopMs: 2000 }), (e) => isEarshotError(e, 'invalid_request'));
});

test('online tracker: turns of two voices get consistent labels across the session', () => {
  const tracker = new OnlineSpeakerTracker();
  const labels = reference.map((turn) => tracker.assign(pcm.subarray(Math.round((turn.start * RATE) / 1000), Math.round((turn.end * RATE) / 1000)))?.speaker);
  assert.deepEqual(labels, reference.map((t) => t.speaker));
  assert.equal(tracker.speakerCount, 2);
  // Too little sound to describe: no label rather than a guess.
  assert.equal(tracker.assign(new Int16Array(1600)), null);
});

test('online tracker: one voice stays one speaker', () => {
  const tracker = new OnlineSpeakerTracker();
  const turns = reference.filter((t) => t.speaker === 'A');
  const labels = turns.map((turn) => tracker.assign(pcm.subarray(Math.round((turn.start * RATE) / 1000), Math.round((turn.end * RATE) / 1000)))?.speaker);
  assert.deepEqual(labels, turns.map(() => 'A'));
});

test('DER helper: perfect, swapped-label and half-wrong hypotheses', () => {
  const ref = [{ speaker: 'x', start: 0, end: 1000 }, { speaker: 'y', start: 1000, end: 2000 }];
  assert.equal(diarizationErrorRate(ref, [{ speaker: 'B', start: 0, end: 1000 }, { speaker: 'A', start: 1000, end: 2000 }]).der, 0);
  assert.equal(diarizationErrorRate(ref, [{ speaker: 'A', start: 0, end: 2000 }]).der, 0.5);
  const partial = diarizationErrorRate(ref, [{ speaker: 'A', start: 0, end: 500 }]);
  assert.equal(partial.der, 0, 'missed speech is not counted');
  assert.equal(partial.missedMs, 1500);
});
