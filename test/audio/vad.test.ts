import { concatPcm } from '../helpers/pcm.js';
import { SHARED_AUDIO_DIR } from '../helpers/librivox.js';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isEarshotError } from '../../src/errors.js';
import { SpeechSegmenter, segmentSpeech, type SegmenterOptions, type SpeechSegment } from '../../src/audio/vad/segmenter.js';
import { loadSileroSession, sileroWeightsPath } from '../../src/audio/vad/silero.js';
import { createVadStream } from '../../src/audio/vad/vad-stream.js';

const RATE = 16000;
const LIBRIVOX = '/usr/share/pocketsphinx/test/data/librivox';
const JFK = `${SHARED_AUDIO_DIR}jfk.wav`;

/** 16 kHz mono PCM of a WAV file: read from the RIFF `data` chunk, or converted by ffmpeg when the format differs. */
function readPcm16k(path: string): Int16Array {
  const b = readFileSync(path);
  assert.equal(b.toString('ascii', 0, 4), 'RIFF', `${path} is not a RIFF file`);
  let fmt: { format: number; channels: number; rate: number; bits: number } | undefined;
  for (let o = 12; o + 8 <= b.length; ) {
    const id = b.toString('ascii', o, o + 4);
    const size = b.readUInt32LE(o + 4);
    if (id === 'fmt ') {
      fmt = { format: b.readUInt16LE(o + 8), channels: b.readUInt16LE(o + 10), rate: b.readUInt32LE(o + 12), bits: b.readUInt16LE(o + 22) };
    } else if (id === 'data' && fmt?.format === 1 && fmt.channels === 1 && fmt.rate === RATE && fmt.bits === 16) {
      const bytes = b.subarray(o + 8, o + 8 + size);
      return new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
    }
    o += 8 + size + (size & 1);
  }
  const out = spawnSync('ffmpeg', ['-v', 'error', '-i', path, '-f', 's16le', '-ar', '16000', '-ac', '1', 'pipe:1'], { maxBuffer: 1 << 28 });
  assert.equal(out.status, 0, `ffmpeg could not convert ${path}: ${out.stderr}`);
  return new Int16Array(out.stdout.buffer.slice(out.stdout.byteOffset, out.stdout.byteOffset + out.stdout.length));
}


function* chunks(pcm: Int16Array, size: number): Generator<Int16Array> {
  for (let i = 0; i < pcm.length; i += size) yield pcm.subarray(i, i + size);
}

async function segments(pcm: Int16Array, chunkSize = 4000, options?: SegmenterOptions): Promise<SpeechSegment[]> {
  const out: SpeechSegment[] = [];
  for await (const s of segmentSpeech(chunks(pcm, chunkSize), options)) out.push(s);
  return out;
}

/** RMS of each 32 ms window: an energy reference for "where the speech is" that does not use the model. */
function windowRms(pcm: Int16Array, win = 512): number[] {
  const out: number[] = [];
  for (let i = 0; i + win <= pcm.length; i += win) {
    let sum = 0;
    for (let k = i; k < i + win; k++) sum += pcm[k] * pcm[k];
    out.push(Math.sqrt(sum / win));
  }
  return out;
}

/** Fraction of loud windows (within 20 dB of the loudest) whose centre lies inside a segment. */
function speechCoverage(pcm: Int16Array, segs: SpeechSegment[]): number {
  const rms = windowRms(pcm);
  const loud = Math.max(...rms) / 10;
  let active = 0;
  let covered = 0;
  rms.forEach((r, i) => {
    if (r < loud) return;
    active++;
    const ms = ((i + 0.5) * 512 * 1000) / RATE;
    if (segs.some((s) => s.start <= ms && ms < s.end)) covered++;
  });
  assert.ok(active > 0);
  return covered / active;
}

/** The invariants every result must satisfy: in order, no overlap, inside the stream, pcm exactly start..end. */
function assertWellFormed(segs: SpeechSegment[], source: (from: number, to: number) => Int16Array, totalSamples: number): void {
  let prevEnd = 0;
  for (const s of segs) {
    assert.ok(Number.isInteger(s.start) && Number.isInteger(s.end), `whole-ms times, got ${s.start}..${s.end}`);
    assert.ok(s.start >= prevEnd, `segment ${s.start}..${s.end} overlaps the previous one ending at ${prevEnd}`);
    assert.ok(s.end > s.start && s.end * 16 <= totalSamples, `segment ${s.start}..${s.end} outside 0..${totalSamples / 16} ms`);
    assert.equal(s.pcm.length, (s.end - s.start) * 16);
    assert.ok(bytes(s.pcm).equals(bytes(source(s.start * 16, s.end * 16))), `pcm of ${s.start}..${s.end} is not the source audio`);
    prevEnd = s.end;
  }
}

const bytes = (a: Int16Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
const fmt = (segs: SpeechSegment[]) => segs.map((s) => `${s.start}-${s.end}`).join(', ');
const clipNames = readdirSync(LIBRIVOX).filter((f) => f.endsWith('.wav')).sort();
const clips = clipNames.map((f) => readPcm16k(join(LIBRIVOX, f)));

describe('Silero model', () => {
  it('resolves the bundled weights through module resolution and loads them once per process', async () => {
    const path = sileroWeightsPath();
    assert.ok(existsSync(path) && path.endsWith('silero_vad_16k_op15.onnx'), path);
    const [a, b] = await Promise.all([loadSileroSession(), loadSileroSession()]);
    assert.equal(a, b);
    assert.deepEqual([...a.inputNames].sort(), ['input', 'sr', 'state']);
  });

  it('scores frames the same however the stream is chunked, and holds the partial frame back', async () => {
    const pcm = clips[1];
    const whole = await createVadStream();
    const expected = [...(await whole.push(pcm)), ...(await whole.flush())];
    assert.equal(expected.length, Math.ceil(pcm.length / 512));
    assert.ok(expected.some((p) => p >= 0.9) && expected.some((p) => p <= 0.1), 'a real clip has both speech and silence');

    const split = await createVadStream();
    const got: number[] = [];
    for (const c of chunks(pcm, 333)) got.push(...(await split.push(c)));
    assert.equal(split.frames, Math.floor(pcm.length / 512));
    got.push(...(await split.flush()));
    assert.deepEqual(got, expected);

    split.reset();
    assert.equal(split.frames, 0);
    assert.deepEqual((await split.push(pcm)).slice(0, 20), expected.slice(0, 20));
  });
});

describe('segmentSpeech', () => {
  it('finds nothing in digital silence', async () => {
    assert.deepEqual(await segments(new Int16Array(RATE * 30)), []);
  });

  it('finds nothing in low white noise', async () => {
    let x = 12345;
    const noise = new Int16Array(RATE * 30).map(() => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      return Math.round((x / 2 ** 32 - 0.5) * 600); // about -45 dBFS
    });
    assert.deepEqual(await segments(noise), []);
  });

  for (const [i, name] of clipNames.entries()) {
    it(`covers the speech of LibriVox clip ${name}`, async () => {
      const pcm = clips[i];
      const segs = await segments(pcm);
      console.log(`  ${name} (${pcm.length / 16} ms): ${fmt(segs)}`);
      assert.ok(segs.length >= 1, 'at least one segment');
      assertWellFormed(segs, (a, b) => pcm.subarray(a, b), pcm.length);
      assert.ok(speechCoverage(pcm, segs) >= 0.95, `segments ${fmt(segs)} miss loud parts of the clip`);
      // The clips open with ~300 ms of room tone: the first segment must not start at sample 0.
      assert.ok(segs[0].start > 0, `first segment starts at ${segs[0].start}`);
    });
  }

  it('puts a boundary in a 2 s silence between two clips', async () => {
    const [a, b] = [clips[0], clips[1]];
    const pcm = concatPcm([a, new Int16Array(2 * RATE), b]);
    const gapStart = a.length / 16;
    const gapEnd = gapStart + 2000;
    const progress: number[] = [];
    const segs = await segments(pcm, 4000, { onProgress: (ms) => progress.push(ms) });
    assert.equal(progress.at(-1), pcm.length / 16);
    assert.ok(progress.every((ms, j) => j === 0 || ms >= progress[j - 1]), 'progress never goes backwards');
    console.log(`  A + 2 s + B, gap ${gapStart}-${gapEnd} ms: ${fmt(segs)}`);
    assertWellFormed(segs, (x, y) => pcm.subarray(x, y), pcm.length);
    const k = segs.findIndex((s, j) => s.end <= gapEnd && segs[j + 1]?.start >= gapStart);
    assert.ok(k >= 0, `no segment ends in the gap ${gapStart}-${gapEnd}: ${fmt(segs)}`);
    assert.ok(segs.every((s) => s.end <= gapStart + 500 || s.start >= gapEnd - 500), 'no segment spans the silence');
    assert.ok(speechCoverage(pcm, segs) >= 0.95);
  });

  const long = concatPcm([...clips, readPcm16k(JFK), ...clips, readPcm16k(JFK)]);

  it('keeps segments of a long continuous stream under maxSegmentMs, cutting at quiet frames', async () => {
    assert.ok(long.length >= 60 * RATE);
    const segs = await segments(long, 16000);
    console.log(`  ${long.length / 16} ms continuous: ${fmt(segs)}`);
    assertWellFormed(segs, (a, b) => long.subarray(a, b), long.length);
    assert.ok(segs.every((s) => s.end - s.start <= 20000), `a segment exceeds 20000 ms: ${fmt(segs)}`);
    assert.ok(speechCoverage(long, segs) >= 0.95);

    // Forced cuts leave no gap; each must fall on a frame quieter than most of the segment it ends.
    const rms = windowRms(long, 256);
    const cuts = segs.filter((s, j) => segs[j + 1]?.start === s.end);
    assert.ok(cuts.length >= 1, 'the stream has speech runs over 20 s, so some segment must have been cut');
    for (const s of cuts) {
      const inside = rms.slice((s.start * 16) / 256, (s.end * 16) / 256).sort((p, q) => p - q);
      const at = rms[(s.end * 16) / 256 - 1] + rms[(s.end * 16) / 256];
      assert.ok(at / 2 <= inside[Math.floor(inside.length / 2)], `cut at ${s.end} ms is louder than the segment's median`);
    }
  });

  it('gives the same segments for 160-sample and 16000-sample chunks', async () => {
    const pcm = long.subarray(0, 40 * RATE + 123);
    const small = await segments(pcm, 160);
    const large = await segments(pcm, 16000);
    assert.ok(small.length >= 2);
    assert.deepEqual(small.map((s) => [s.start, s.end]), large.map((s) => [s.start, s.end]));
    small.forEach((s, j) => assert.deepEqual(s.pcm, large[j].pcm));
  });

  it('streams 10 minutes while holding at most one maximum segment of audio', async () => {
    const base = concatPcm(clips);
    const total = 10 * 60 * RATE;
    const at = (from: number, to: number) => Int16Array.from({ length: to - from }, (_, k) => base[(from + k) % base.length]);
    function* tiled(): Generator<Int16Array> {
      for (let i = 0; i < total; i += 8000) yield at(i, Math.min(i + 8000, total));
    }
    const maxSegmentMs = 10000;
    const segmenter = await SpeechSegmenter.create({ maxSegmentMs, minSilenceMs: 1500 });
    const segs: SpeechSegment[] = [];
    let firstOut = -1;
    for (const chunk of tiled()) {
      for await (const s of segmenter.push(chunk)) {
        if (firstOut < 0) firstOut = segmenter.processedMs;
        segs.push(s);
      }
    }
    for await (const s of segmenter.finish()) segs.push(s);

    assert.equal(segmenter.processedMs, total / 16);
    assert.ok(firstOut > 0 && firstOut <= maxSegmentMs + 1000, `first segment came out only after ${firstOut} ms of audio`);
    assertWellFormed(segs, at, total);
    assert.ok(segs.length >= total / 16 / maxSegmentMs, `only ${segs.length} segments for 600 s`);
    assert.ok(segs.every((s) => s.end - s.start <= maxSegmentMs));
    const bound = maxSegmentMs * 16 + 2 * 512;
    assert.ok(segmenter.peakHeldSamples <= bound, `held ${segmenter.peakHeldSamples} samples, bound ${bound}`);
    assert.ok(segmenter.peakHeldSamples >= (maxSegmentMs / 2) * 16, 'the counter tracks the open segment');
    assert.ok(segmenter.capacitySamples <= bound + 200 * 16);
  });

  it('keeps concurrent streams independent (one shared model, per-stream state)', async () => {
    const alone = await Promise.all([segments(clips[0]), segments(clips[3])]);
    const sequential = [await segments(clips[0]), await segments(clips[3])];
    assert.deepEqual(
      alone.map((segs) => segs.map((s) => [s.start, s.end])),
      sequential.map((segs) => segs.map((s) => [s.start, s.end])),
    );
  });

  it('rejects impossible options with invalid_request', async () => {
    for (const bad of [{ threshold: 1.5 }, { maxSegmentMs: 500 }, { speechPadMs: 3000, maxSegmentMs: 5000 }, { minSilenceMs: -1 }]) {
      await assert.rejects(segments(new Int16Array(512), 512, bad), (err) => isEarshotError(err, 'invalid_request'));
    }
  });
});
