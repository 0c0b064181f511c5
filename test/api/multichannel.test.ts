/**
 * Issue 14 item 1: per-channel transcription (`multichannel`, `dual_channel`) through the official
 * SDK and the CLI. A two-channel recording is made from two LibriVox clips that overlap in time,
 * as two people talking over each other on a call: mixed down they would garble each other; kept
 * apart, each channel's words are that clip's, carrying its channel and the speaker "1A" or "2A".
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { AssemblyAI } from 'assemblyai';
import { wavSamples } from '../../bench/speech-file.js';
import { encodeWav } from '../../src/intelligence/redaction/encode.js';
import { channelsInLayout, mergeChannels } from '../../src/pipeline/channels.js';
import { runCli } from '../helpers/cli.js';
import { startTestServer, type TestServer } from '../helpers/earshot-server.js';
import { librivoxClips } from '../helpers/librivox.js';

const [first, second] = [librivoxClips()[0], librivoxClips()[3]]; // "… john dashwood …", "had he married …"
const polling = { pollingInterval: 100, pollingTimeout: 120_000 };
let server: TestServer;
let client: AssemblyAI;
let dir: string;
let stereoPath: string;

/** Interleaved 16 kHz stereo: `left` from 0 s, `right` from `rightDelayMs`. */
function stereoWav(left: Int16Array, right: Int16Array, rightDelayMs: number): Buffer {
  const delay = (rightDelayMs * 16000) / 1000;
  const frames = Math.max(left.length, delay + right.length);
  const pcm = new Int16Array(frames * 2);
  for (let i = 0; i < left.length; i++) pcm[2 * i] = left[i];
  for (let i = 0; i < right.length; i++) pcm[2 * (delay + i) + 1] = right[i];
  return encodeWav(pcm, 16000, 2);
}

/** Share of the reference's words found in the text. */
function recall(text: string, reference: string): number {
  const heard = new Set(text.toLowerCase().match(/[a-z']+/g) ?? []);
  const words = reference.split(/\s+/).filter((w) => w.length > 3);
  return words.filter((w) => heard.has(w)).length / words.length;
}

before(async () => {
  server = await startTestServer();
  client = new AssemblyAI({ apiKey: server.keyA, baseUrl: server.url });
  dir = await mkdtemp(join(tmpdir(), 'earshot-multichannel-'));
  stereoPath = join(dir, 'call.wav');
  await writeFile(stereoPath, stereoWav(wavSamples(first.path), wavSamples(second.path), 2000));
});
after(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

test('multichannel: each channel transcribed apart, words and utterances carry channel and speaker', async () => {
  const done = await client.transcripts.transcribe({ audio: stereoPath, multichannel: true, speaker_labels: true }, polling);
  assert.equal(done.status, 'completed', done.error);
  assert.equal(done.multichannel, true);
  assert.equal(done.audio_channels, 2);
  const byChannel = (channel: string) => done.words!.filter((w) => w.channel === channel).map((w) => w.text).join(' ');
  assert.ok(done.words!.every((w) => (w.channel === '1' && w.speaker === '1A') || (w.channel === '2' && w.speaker === '2A')), 'every word has its channel and speaker');
  const [one, two] = [byChannel('1'), byChannel('2')];
  assert.ok(recall(one, first.reference) >= 0.5, `channel 1: "${one}"`);
  assert.ok(recall(two, second.reference) >= 0.5, `channel 2: "${two}"`);
  assert.ok(recall(one, second.reference) < 0.3 && recall(two, first.reference) < 0.3, 'no channel holds the other\'s words');
  for (let i = 1; i < done.words!.length; i++) assert.ok(done.words![i - 1].start <= done.words![i].start, 'words in time order across channels');
  assert.ok(done.utterances!.length >= 2);
  assert.ok(done.utterances!.every((u) => u.channel === u.speaker[0] && u.words.every((w) => w.channel === u.channel)));

  const mixed = await client.transcripts.transcribe({ audio: stereoPath }, polling);
  assert.equal(mixed.audio_channels, undefined, 'audio_channels only with multichannel');
  assert.ok(mixed.words!.every((w) => !('channel' in w)));
});

test('dual_channel is the same request by its older name; a mono file is one channel', async () => {
  const dual = await client.transcripts.transcribe({ audio: stereoPath, dual_channel: true }, polling);
  assert.equal(dual.status, 'completed', dual.error);
  assert.equal(dual.audio_channels, 2);
  const mono = await client.transcripts.transcribe({ audio: second.path, multichannel: true }, polling);
  assert.equal(mono.audio_channels, 1);
  assert.ok(mono.words!.length > 0 && mono.words!.every((w) => w.channel === '1' && w.speaker === '1A'));
});

test('multichannel with redact_pii_audio is refused, naming both', async () => {
  const upload = await client.files.upload(stereoPath);
  await assert.rejects(
    client.transcripts.submit({ audio_url: upload, multichannel: true, redact_pii: true, redact_pii_policies: ['person_name'], redact_pii_audio: true }),
    /redact_pii_audio cannot be combined with multichannel/,
  );
});

test('earshot transcribe --multichannel', async () => {
  const result = await runCli(['transcribe', stereoPath, '--multichannel', '--format', 'json']);
  assert.equal(result.code, 0, result.stderr);
  const json = JSON.parse(result.stdout) as { audio_channels: number; words: { channel: string; text: string }[] };
  assert.equal(json.audio_channels, 2);
  assert.deepEqual([...new Set(json.words.map((w) => w.channel))].sort(), ['1', '2']);
});

test('channel layouts as ffmpeg names them; merging keeps time order', () => {
  assert.equal(channelsInLayout('mono'), 1);
  assert.equal(channelsInLayout('stereo'), 2);
  assert.equal(channelsInLayout('5.1(side)'), 6);
  assert.equal(channelsInLayout('7.1'), 8);
  assert.equal(channelsInLayout('3 channels'), 3);
  assert.equal(channelsInLayout('quad'), 4);
  assert.equal(channelsInLayout('mystery'), undefined);
  const word = (text: string, start: number) => ({ text, start, end: start + 100, confidence: 1 });
  const merged = mergeChannels([
    { words: [word('a', 0), word('c', 500)], segments: [{ start: 0, end: 600, words: [word('a', 0), word('c', 500)] }], durationMs: 1000, language: 'en', model: 'm' },
    { words: [word('b', 200)], segments: [{ start: 200, end: 300, words: [word('b', 200)] }], durationMs: 1200, language: 'en', model: 'm' },
  ]);
  assert.deepEqual(merged.words.map((w) => `${w.text}${w.channel}${w.speaker}`), ['a11A', 'b22A', 'c11A']);
  assert.equal(merged.durationMs, 1200);
  assert.equal(merged.audioChannels, 2);
});
