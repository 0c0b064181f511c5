import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { SpeechEngine } from '../../src/engines/engine.js';
import { pocketsphinxFactory } from '../../src/engines/pocketsphinx/factory.js';
import { aggregate, wordErrorRate } from '../../src/eval/wer.js';
import { transcribeAudio } from '../../src/pipeline/transcribe.js';
import { toSrt } from '../../src/transcript/format-srt.js';
import { toVtt } from '../../src/transcript/format-vtt.js';
import { parseSrt } from '../../src/transcript/parse-srt.js';
import { parseVtt } from '../../src/transcript/parse-vtt.js';
import { joinWords } from '../../src/transcript/text.js';
import type { Transcript } from '../../src/transcript/model.js';
import { JFK_REFERENCE, librivoxClips, rawPocketsphinx, SHARED_AUDIO_DIR } from '../helpers/librivox.js';

let engine: SpeechEngine;
const transcripts = new Map<string, Transcript>();

before(async () => {
  engine = await pocketsphinxFactory.create();
  for (const clip of librivoxClips()) {
    transcripts.set(clip.id, (await transcribeAudio(readFileSync(clip.path), engine)).transcript);
  }
});
after(() => engine.close());

test('LibriVox: our word error rate is no worse than raw pocketsphinx_continuous on the same clips', async () => {
  const ours = [];
  const raw = [];
  for (const clip of librivoxClips()) {
    ours.push(wordErrorRate(clip.reference, joinWords(transcripts.get(clip.id)!.words)));
    raw.push(wordErrorRate(clip.reference, await rawPocketsphinx(clip.path)));
  }
  const oursWer = aggregate(ours).wer;
  const rawWer = aggregate(raw).wer;
  console.log(`LibriVox WER: earshot ${(oursWer * 100).toFixed(1)}%, pocketsphinx_continuous ${(rawWer * 100).toFixed(1)}%`);
  assert.ok(oursWer <= rawWer, `earshot ${oursWer} should be ≤ raw ${rawWer}`);
  assert.ok(oursWer < 0.6, 'the engine recognises most of the read speech');
});

test('word times are monotonic, non-overlapping and inside the audio', () => {
  for (const [id, t] of transcripts) {
    assert.ok(t.words.length > 0, `${id} has words`);
    let previousEnd = 0;
    for (const w of t.words) {
      assert.ok(w.start >= previousEnd, `${id}: "${w.text}" starts at ${w.start} before the previous end ${previousEnd}`);
      assert.ok(w.end > w.start, `${id}: "${w.text}" has a positive length`);
      assert.ok(w.end <= t.durationMs, `${id}: "${w.text}" ends at ${w.end}, after the audio (${t.durationMs})`);
      assert.ok(w.confidence >= 0 && w.confidence <= 1);
      previousEnd = w.end;
    }
    for (const s of t.segments) {
      assert.ok(s.words.every((w) => w.start >= s.start - 1 && w.end <= s.end + 1), `${id}: words inside their segment`);
    }
  }
});

test('SRT and WebVTT output parse back to the same words and times', () => {
  for (const t of transcripts.values()) {
    const fromSrt = parseSrt(toSrt(t));
    const fromVtt = parseVtt(toVtt(t));
    for (const parsed of [fromSrt, fromVtt]) {
      assert.equal(joinWords(parsed.words), joinWords(t.words));
      assert.ok(Math.abs(parsed.words[0].start - t.words[0].start) <= 1);
      assert.ok(Math.abs(parsed.words.at(-1)!.end - t.words.at(-1)!.end) <= 1);
    }
  }
});

test('jfk.mp3 and jfk.wav give the same transcript, close to the reference', async () => {
  const mp3 = (await transcribeAudio(readFileSync(`${SHARED_AUDIO_DIR}jfk.mp3`), engine)).transcript;
  const wav = (await transcribeAudio(readFileSync(`${SHARED_AUDIO_DIR}jfk.wav`), engine)).transcript;
  assert.ok(Math.abs(mp3.durationMs - 11_000) < 200, `mp3 duration ${mp3.durationMs}`);
  assert.ok(Math.abs(wav.durationMs - 11_000) < 200, `wav duration ${wav.durationMs}`);
  // MP3 is lossy, so words may differ a little between the two; both must be real recognitions.
  const between = wordErrorRate(joinWords(wav.words), joinWords(mp3.words));
  assert.ok(between.wer < 0.5, `mp3 vs wav differ by ${between.wer}`);
  assert.ok(mp3.segments.length >= 2, 'JFK pauses between phrases, so VAD finds several segments');
});

test('audio_start_from / audio_end_at: only that range is transcribed, times stay absolute', async () => {
  const clip = librivoxClips()[0];
  const whole = transcripts.get(clip.id)!;
  const part = (await transcribeAudio(readFileSync(clip.path), engine, { range: { startMs: 2000, endMs: 5000 } })).transcript;
  assert.ok(part.words.length > 0 && part.words.length < whole.words.length);
  assert.ok(part.words.every((w) => w.start >= 2000 && w.end <= 5000 + 50), JSON.stringify(part.words.map((w) => [w.start, w.end])));
});

test('progress reaches the whole duration and stages report timings', async () => {
  const seen: number[] = [];
  const { transcript, timings } = await transcribeAudio(readFileSync(`${SHARED_AUDIO_DIR}jfk.mp3`), engine, {
    onProgress: (p) => seen.push(p.processedMs),
  });
  assert.ok(seen.length > 2);
  assert.deepEqual([...seen].sort((a, b) => a - b), seen, 'progress never goes backwards');
  assert.equal(seen.at(-1), transcript.durationMs);
  assert.deepEqual(Object.keys(timings).sort(), ['asr', 'decode', 'taps', 'transcript', 'vad']);
});

test('audio taps see every speech segment, and extra stages read the transcript and the taps', async () => {
  const seen: { start: number; end: number; samples: number }[] = [];
  const tap = {
    name: 'speech',
    add: (s: { start: number; end: number; pcm: Int16Array }) => void seen.push({ start: s.start, end: s.end, samples: s.pcm.length }),
    finish: () => seen.reduce((sum, s) => sum + s.samples, 0),
  };
  const { transcript, extras } = await transcribeAudio(readFileSync(`${SHARED_AUDIO_DIR}jfk.wav`), engine, {
    taps: [tap],
    stages: [
      {
        name: 'wordsPerSpeechSecond',
        inputs: ['transcript', 'taps'],
        run: (v) => v.transcript!.words.length / ((v.taps!.speech as number) / 16000),
      },
    ],
  });
  assert.ok(seen.length >= 2);
  for (const s of seen) assert.equal(s.samples, (s.end - s.start) * 16);
  assert.ok(transcript.segments.every((seg) => seen.some((s) => s.start === seg.start && s.end === seg.end)));
  const rate = extras.wordsPerSpeechSecond as number;
  assert.ok(rate > 0.5 && rate < 6, `speech rate ${rate} words/s`);
});
