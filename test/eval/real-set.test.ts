/**
 * The real-recordings eval set (scripts/build-eval-set.ts, issue #19): every condition the recipe
 * names is built from the machine's recordings, and each derived file is what its condition
 * claims, measured on the audio (durations with soxi, band energy with sox, SNR and levels from
 * the samples against the clean clip they were made from).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { buildRealEvalSet, findSources, RECIPE_PATH, type EvalSet, type EvalSetEntry, type Piece } from '../../scripts/build-eval-set.js';
import { readManifest } from '../../src/eval/manifest.js';

const scratch = mkdtempSync(join(tmpdir(), 'earshot-real-set-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
let set: EvalSet;
before(() => {
  set = buildRealEvalSet({ dir: join(scratch, 'set') });
});

const recipe = JSON.parse(readFileSync(RECIPE_PATH, 'utf8')) as { conditions: { condition: string; snrDb?: number; gainDb?: number }[] };

/** Samples of a WAV the builder wrote, after checking it is the plain 16 kHz mono 16-bit kind. */
function wavPcm(path: string): Int16Array {
  const bytes = readFileSync(path);
  assert.equal(bytes.toString('ascii', 0, 4), 'RIFF', path);
  assert.deepEqual([bytes.readUInt16LE(20), bytes.readUInt16LE(22), bytes.readUInt32LE(24), bytes.readUInt16LE(34)], [1, 1, 16000, 16], `${path}: PCM, mono, 16 kHz, 16-bit`);
  assert.equal(bytes.toString('ascii', 36, 40), 'data', `${path}: data right after fmt`);
  return new Int16Array(bytes.buffer.slice(bytes.byteOffset + 44, bytes.byteOffset + bytes.byteLength));
}

function powerOf(pcm: Int16Array, from = 0, to = pcm.length): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += pcm[i] * pcm[i];
  return sum / (to - from);
}

const db = (ratio: number) => 10 * Math.log10(ratio);
const at = (ms: number) => Math.round(ms * 16);
const clean = (entry: EvalSetEntry, source = entry.sources[0]) => set.entries.find((e) => e.id === `clean/${source}`)!;

/** sox's RMS amplitude of a file, after a filter when one is given (`stat` reports on stderr). */
function soxRms(path: string, filter: string[] = []): number {
  const { stderr, status } = spawnSync('sox', [path, '-n', ...filter, 'stat'], { encoding: 'utf8' });
  assert.equal(status, 0, stderr);
  return Number(/RMS\s+amplitude:\s+(\S+)/.exec(stderr)![1]);
}

test('every condition of the recipe has entries with real audio, and the manifest lists them all', async () => {
  const conditions = new Set(set.entries.map((e) => e.condition));
  assert.deepEqual([...conditions], recipe.conditions.map((c) => c.condition));
  const { sources } = findSources();
  assert.deepEqual(
    set.entries.filter((e) => e.condition === 'clean').map((e) => e.sources[0]),
    sources.map((s) => s.id),
    'clean holds every source the machine has',
  );
  assert.ok(sources.length >= 13, `LibriVox, cards, goforward, tidigits and jfk (${sources.map((s) => s.id)})`);

  for (const entry of set.entries) {
    const pcm = wavPcm(entry.audio);
    assert.equal((pcm.length * 1000) / 16000, entry.durationMs, entry.id);
    const soxi = Number(execFileSync('soxi', ['-D', entry.audio], { encoding: 'utf8' }));
    assert.ok(Math.abs(soxi * 1000 - entry.durationMs) < 1, `${entry.id}: soxi ${soxi} s`);
    assert.ok(db(powerOf(pcm) / 32768 ** 2) > -60, `${entry.id} is not silent`);
    assert.ok(entry.text.split(' ').length >= 2, entry.id);
  }
  // Clean copies are the recordings sample for sample.
  for (const source of sources) {
    const entry = set.entries.find((e) => e.id === `clean/${source.id}`)!;
    const bytes = source.headerless ? statSync(source.path).size : Number(execFileSync('soxi', ['-s', source.path], { encoding: 'utf8' })) * 2;
    assert.equal(wavPcm(entry.audio).length * 2, bytes, source.id);
  }

  const manifest = await readManifest(set.manifest);
  assert.deepEqual(
    manifest.map((e) => [e.id, e.audio, e.text, e.condition]),
    set.entries.map((e) => [e.id, e.audio, e.text, e.condition]),
  );
  const minutes = set.entries.reduce((n, e) => n + e.durationMs, 0) / 60_000;
  assert.ok(minutes > 2 && minutes < 5, `${minutes.toFixed(1)} min of audio keeps two passes (Earshot and raw) within a few minutes`);
});

test('a second build with the same recipe and sources reuses the first', () => {
  const again = buildRealEvalSet({ dir: set.dir });
  assert.equal(again.built, false);
  assert.deepEqual(again.entries, set.entries);
  const forced = buildRealEvalSet({ dir: set.dir, force: true });
  assert.equal(forced.built, true);
  // Deterministic: the same samples every time (fixed noise seed, no dither).
  for (const entry of forced.entries) assert.deepEqual(readFileSync(entry.audio), readFileSync(set.entries.find((e) => e.id === entry.id)!.audio), entry.id);
});

test('noise is mixed at the stated SNR, measured against the clean clip', () => {
  const noisy = set.entries.filter((e) => e.snrDb !== undefined);
  assert.deepEqual([...new Set(noisy.map((e) => e.condition))], ['noise-20db', 'noise-10db']);
  for (const entry of noisy) {
    const x = wavPcm(clean(entry).audio);
    const y = wavPcm(entry.audio);
    // y = k·x + noise: k (1 unless the mix was scaled down to avoid clipping) by least squares.
    let xy = 0;
    let xx = 0;
    for (let i = 0; i < x.length; i++) {
      xy += x[i] * y[i];
      xx += x[i] * x[i];
    }
    const k = xy / xx;
    let residual = 0;
    for (let i = 0; i < x.length; i++) residual += (y[i] - k * x[i]) ** 2;
    const snr = db((k * k * xx) / residual);
    assert.ok(Math.abs(snr - entry.snrDb!) <= 1, `${entry.id}: measured SNR ${snr.toFixed(2)} dB`);
  }
});

test('the telephone band has almost no energy above 4 kHz and little below 200 Hz', () => {
  const phone = set.entries.filter((e) => e.condition === 'telephone');
  assert.ok(phone.length > 0);
  for (const entry of phone) {
    const full = soxRms(entry.audio);
    const high = soxRms(entry.audio, ['sinc', '4000']);
    const low = soxRms(entry.audio, ['sinc', '-200']);
    const cleanHigh = soxRms(clean(entry).audio, ['sinc', '4000']) / soxRms(clean(entry).audio);
    assert.ok(20 * Math.log10(high / full) < -60, `${entry.id}: above 4 kHz at ${(20 * Math.log10(high / full)).toFixed(1)} dB`);
    assert.ok(high / full < cleanHigh / 100, `${entry.id}: at least 40 dB less above 4 kHz than the clean clip`);
    assert.ok(20 * Math.log10(low / full) < -30, `${entry.id}: below 200 Hz at ${(20 * Math.log10(low / full)).toFixed(1)} dB`);
  }
});

test('pauses of 0.5–2 s sit between phrases, and the phrases are the recordings untouched', () => {
  const paused = set.entries.filter((e) => e.condition === 'pauses');
  assert.deepEqual(paused.map((e) => e.id), ['pauses/librivox', 'pauses/jfk', 'pauses/cards']);
  const lengths = new Set<number>();
  for (const entry of paused) {
    const pcm = wavPcm(entry.audio);
    const speech = entry.layout.filter((p): p is Extract<Piece, { kind: 'speech' }> => p.kind === 'speech');
    const pauses = entry.layout.filter((p): p is Extract<Piece, { kind: 'pause' }> => p.kind === 'pause');
    assert.equal(pauses.length, speech.length - 1, `${entry.id}: a pause between every two phrases`);
    assert.ok(pauses.length >= 4, `${entry.id}: ${pauses.length} pauses`);
    assert.equal(entry.text, entry.sources.map((s) => clean(entry, s).text).join(' '));

    let speechPower = 0;
    let speechSamples = 0;
    for (const piece of speech) {
      const source = wavPcm(clean(entry, piece.source).audio).subarray(at(piece.fromMs), at(piece.toMs));
      const here = pcm.subarray(at(piece.atMs), at(piece.atMs) + source.length);
      assert.deepEqual(here, source, `${entry.id}: ${piece.source} ${piece.fromMs}–${piece.toMs} ms copied exactly`);
      speechPower += powerOf(source) * source.length;
      speechSamples += source.length;
    }
    const speechDb = db(speechPower / speechSamples);
    for (const pause of pauses) {
      assert.ok(pause.durationMs >= 500 && pause.durationMs <= 2000, `${entry.id}: pause of ${pause.durationMs} ms`);
      lengths.add(pause.durationMs);
      // Well below the speech as a whole and in every 20 ms of it (pink noise swings a few dB
      // from frame to frame): a pause a VAD or a decoder can hear.
      const pauseDb = db(powerOf(pcm, at(pause.atMs), at(pause.atMs + pause.durationMs)));
      assert.ok(pauseDb < speechDb - 15, `${entry.id}: pause at ${pause.atMs} ms is ${(pauseDb - speechDb).toFixed(1)} dB from speech`);
      for (let ms = pause.atMs; ms + 20 <= pause.atMs + pause.durationMs; ms += 20) {
        const frameDb = db(powerOf(pcm, at(ms), at(ms + 20)));
        assert.ok(frameDb < speechDb - 8, `${entry.id}: frame at ${ms} ms is ${(frameDb - speechDb).toFixed(1)} dB from speech`);
      }
      // Not digital silence: room tone, as a microphone records between phrases.
      assert.ok(powerOf(pcm, at(pause.atMs), at(pause.atMs + pause.durationMs)) > 1, `${entry.id}: pause at ${pause.atMs} ms has background noise`);
    }
  }
  assert.ok(lengths.has(500) && lengths.has(2000) && lengths.size >= 4, `pause lengths ${[...lengths]}`);
});

test('level-quiet is 20 dB down; level-varying alternates −15 dB and 0 dB phrase by phrase', () => {
  for (const entry of set.entries.filter((e) => e.condition === 'level-quiet')) {
    const change = db(powerOf(wavPcm(entry.audio)) / powerOf(wavPcm(clean(entry).audio)));
    assert.ok(Math.abs(change + 20) < 0.1, `${entry.id}: ${change.toFixed(2)} dB`);
  }
  const varying = set.entries.filter((e) => e.condition === 'level-varying');
  assert.ok(varying.length > 0);
  for (const entry of varying) {
    const x = wavPcm(clean(entry).audio);
    const y = wavPcm(entry.audio);
    const gains = entry.layout.map((p) => (p.kind === 'speech' ? p.gainDb : undefined));
    assert.ok(gains.includes(-15) && gains.includes(0) && gains.length >= 2, `${entry.id}: ${gains}`);
    for (const piece of entry.layout) {
      if (piece.kind !== 'speech') continue;
      // Inside each stretch (clear of the 10 ms ramps at its ends) the level is the stated one.
      const from = at(piece.atMs) + 160;
      const to = at(piece.atMs + piece.toMs - piece.fromMs) - 160;
      const change = db(powerOf(y, from, to) / powerOf(x, from, to));
      assert.ok(Math.abs(change - piece.gainDb!) < 0.2, `${entry.id} at ${piece.atMs} ms: ${change.toFixed(2)} dB, expected ${piece.gainDb}`);
    }
  }
});
