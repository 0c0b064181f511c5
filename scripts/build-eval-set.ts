/**
 * The real-recordings eval set (issue #19), built from what this machine has: the recorded speech
 * of Debian's pocketsphinx-testdata and test/fixtures/audio/jfk.wav, plus conditions derived from it
 * in code (pauses, telephone band, noise, level changes) as eval/sets/real/recipe.json says.
 * Writes 16 kHz mono WAVs and `manifest.jsonl` (`{"id", "audio", "text", "condition"}`) into a
 * cache directory, never into the repository; eval/sets/real/README.md describes the set.
 *
 *   node --import tsx scripts/build-eval-set.ts [--dir DIR] [--force]
 *
 * Tests and benchmarks call buildRealEvalSet(), which reuses an existing build made from the same
 * recipe and sources, so only the first call pays for sox.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { ManifestEntry } from '../src/eval/manifest.js';
import { encodeWav } from '../src/intelligence/redaction/encode.js';

export const DEFAULT_SET_DIR = fileURLToPath(new URL('../.earshot/eval-sets/real/', import.meta.url));
export const RECIPE_PATH = fileURLToPath(new URL('../eval/sets/real/recipe.json', import.meta.url));
const TESTDATA_DIR = '/usr/share/pocketsphinx/test/data';
const SHARED_AUDIO_DIR = fileURLToPath(new URL('../test/fixtures/audio/', import.meta.url));
const SET_FORMAT = 'earshot-eval-set/1';
const RATE = 16000;
/** Energy analysis works on 20 ms frames. */
const FRAME = RATE / 50;

export interface Source {
  /** Short and stable, used in ids and in the recipe: `librivox-0870`, `cards-001`, `jfk`. */
  id: string;
  path: string;
  /** Headerless 16 kHz mono s16le (`.raw`) rather than a WAV. */
  headerless: boolean;
  text: string;
}

/**
 * Where each stretch of an entry's audio came from, in milliseconds (exact to the sample): `at`
 * in the entry, `from`–`to` in the source. The tests check the audio against it.
 */
export type Piece =
  | { kind: 'speech'; source: string; fromMs: number; toMs: number; atMs: number; gainDb?: number }
  | { kind: 'pause'; atMs: number; durationMs: number };

export interface EvalSetEntry extends ManifestEntry {
  condition: string;
  sources: string[];
  durationMs: number;
  layout: Piece[];
  /** The signal-to-noise ratio the noise was mixed at (noise conditions). */
  snrDb?: number;
}

export interface EvalSet {
  dir: string;
  /** manifest.jsonl, for `earshot eval --manifest` or readManifest(). */
  manifest: string;
  entries: EvalSetEntry[];
  /** Sources this machine lacks, and how to get them. */
  skipped: { source: string; reason: string }[];
  /** False when an earlier build with the same recipe and sources was reused. */
  built: boolean;
}

type Step = { condition: string; sources?: string[] } & (
  | { make: 'copy' }
  | { make: 'pauses'; groups: { name: string; sources: string[] }[]; pausesMs: number[]; minGapMs: number }
  | { make: 'telephone'; bandHz: [number, number]; sampleRate: number }
  | { make: 'noise'; snrDb: number; noise: 'pinknoise' | 'brownnoise' | 'whitenoise' }
  | { make: 'gain'; gainDb: number }
  | { make: 'alternating-gain'; gainsDb: number[]; everyMs: [number, number] }
);

interface Recipe {
  conditions: Step[];
}

export interface BuildOptions {
  /** Default: `.earshot/eval-sets/real/` in the checkout (git-ignored). */
  dir?: string;
  recipePath?: string;
  /** Rebuild even when the cached build matches. */
  force?: boolean;
}

/** Builds the set into `dir`, or returns the build already there when recipe and sources match. */
export function buildRealEvalSet(options: BuildOptions = {}): EvalSet {
  const dir = resolve(options.dir ?? DEFAULT_SET_DIR);
  const recipe = readRecipe(options.recipePath ?? RECIPE_PATH);
  const { sources, skipped } = findSources();
  if (sources.length === 0) {
    throw new Error(`No recorded speech found to build the eval set from: ${skipped.map((s) => `${s.source} (${s.reason})`).join('; ')}.`);
  }
  const key = createHash('sha256')
    // This file's own text is part of the key: a change to how the audio is made rebuilds the set.
    .update(readFileSync(fileURLToPath(import.meta.url)))
    .update(JSON.stringify({ recipe, sources: sources.map((s) => [s.id, s.text, statSync(s.path).size]) }))
    .digest('hex');
  if (!options.force) {
    const cached = readCached(dir, key);
    if (cached) return { dir, manifest: join(dir, 'manifest.jsonl'), entries: cached, skipped, built: false };
  }

  // Built beside the target and renamed into place, so a reader (another test file building the
  // same set at the same time) never sees half a set.
  const staging = `${dir.replace(/\/$/, '')}.building-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    const entries = makeEntries(recipe, sources, staging, skipped);
    const manifestLines = entries.map((e) => JSON.stringify({ id: e.id, audio: relative(staging, e.audio), text: e.text, condition: e.condition }));
    writeFileSync(join(staging, 'manifest.jsonl'), manifestLines.join('\n') + '\n');
    const stored = entries.map((e) => ({ ...e, audio: relative(staging, e.audio) }));
    writeFileSync(join(staging, 'set.json'), JSON.stringify({ format: SET_FORMAT, key, entries: stored }, null, 1) + '\n');
    const raced = !options.force && readCached(dir, key);
    if (!raced) {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dirname(dir), { recursive: true });
      renameSync(staging, dir);
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  const entries = readCached(dir, key);
  if (!entries) throw new Error(`The eval set written to ${dir} cannot be read back; remove the directory and build again.`);
  return { dir, manifest: join(dir, 'manifest.jsonl'), entries, skipped, built: true };
}

function readRecipe(path: string): Recipe {
  let recipe: Recipe;
  try {
    recipe = JSON.parse(readFileSync(path, 'utf8')) as Recipe;
  } catch (error) {
    throw new Error(`Cannot read the eval set recipe ${path}: ${(error as Error).message}.`);
  }
  if (!recipe.conditions?.length) throw new Error(`${path} lists no conditions; see eval/sets/real/README.md.`);
  const makes = ['copy', 'pauses', 'telephone', 'noise', 'gain', 'alternating-gain'];
  for (const step of recipe.conditions) {
    if (!makes.includes(step.make)) throw new Error(`${path}: condition "${step.condition}" has make "${step.make}"; use one of ${makes.join(', ')}.`);
  }
  return recipe;
}

function readCached(dir: string, key: string): EvalSetEntry[] | undefined {
  try {
    const set = JSON.parse(readFileSync(join(dir, 'set.json'), 'utf8')) as { format: string; key: string; entries: EvalSetEntry[] };
    if (set.format !== SET_FORMAT || set.key !== key) return undefined;
    const entries = set.entries.map((e) => ({ ...e, audio: join(dir, e.audio) }));
    return entries.every((e) => existsSync(e.audio)) ? entries : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The recorded clips with trustworthy references. numbers.raw and something.raw are left out:
 * pocketsphinx's own tests decode them without ever checking a transcript, and the package
 * ships none. The tidigits .mfc files are features, not audio.
 */
export function findSources(): { sources: Source[]; skipped: { source: string; reason: string }[] } {
  const sources: Source[] = [];
  const skipped: { source: string; reason: string }[] = [];
  if (existsSync(TESTDATA_DIR)) {
    for (const [fileId, text] of readTranscription(join(TESTDATA_DIR, 'librivox', 'transcription'))) {
      sources.push({ id: `librivox-${fileId.split('-').pop()}`, path: join(TESTDATA_DIR, 'librivox', `${fileId}.wav`), headerless: false, text });
    }
    for (const [fileId, text] of readTranscription(join(TESTDATA_DIR, 'cards', 'cards.transcription'))) {
      sources.push({ id: `cards-${fileId}`, path: join(TESTDATA_DIR, 'cards', `${fileId}.wav`), headerless: false, text });
    }
    // The transcript pocketsphinx's unit tests assert for goforward.raw.
    sources.push({ id: 'goforward', path: join(TESTDATA_DIR, 'goforward.raw'), headerless: true, text: 'go forward ten meters' });
    // TIDIGITS names a file by its digits (z = zero); pocketsphinx's Python test asserts this one.
    sources.push({ id: 'tidigits-2934z', path: join(TESTDATA_DIR, 'tidigits', 'dhd.2934z.raw'), headerless: true, text: 'two nine three four zero' });
  } else {
    skipped.push({ source: 'pocketsphinx-testdata', reason: `${TESTDATA_DIR} is missing; install it with \`apt-get install pocketsphinx-testdata\` (scripts/setup.sh --test)` });
  }
  sources.push({
    id: 'jfk',
    path: join(SHARED_AUDIO_DIR, 'jfk.wav'),
    headerless: false,
    text: 'and so my fellow americans ask not what your country can do for you ask what you can do for your country',
  });
  const present = sources.filter((s) => {
    if (existsSync(s.path)) return true;
    skipped.push({ source: s.id, reason: `${s.path} is missing` });
    return false;
  });
  return { sources: present, skipped };
}

/** `<s> words </s> (file-id)` per line → [file-id, words]. */
function readTranscription(path: string): [string, string][] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => {
      const match = /^(.*)\((\S+)\)\s*$/.exec(line);
      if (!match) throw new Error(`${path}: unexpected line "${line}"; expected "<s> words </s> (file-id)".`);
      return [match[2], match[1].replace(/<\/?s>/g, '').replace(/\s+/g, ' ').trim()];
    });
}

function makeEntries(recipe: Recipe, sources: Source[], dir: string, skipped: { source: string; reason: string }[]): EvalSetEntry[] {
  const pcmCache = new Map<string, Int16Array>();
  const pcmOf = (s: Source) => pcmCache.get(s.id) ?? pcmCache.set(s.id, readPcm(s)).get(s.id)!;
  const entries: EvalSetEntry[] = [];
  const add = (condition: string, name: string, used: Source[], pcm: Int16Array, layout: Piece[], extra: { snrDb?: number } = {}) => {
    const audio = join(dir, 'audio', condition, `${name}.wav`);
    mkdirSync(dirname(audio), { recursive: true });
    writeFileSync(audio, encodeWav(pcm, RATE));
    const text = used.map((s) => s.text).join(' ');
    entries.push({ id: `${condition}/${name}`, audio, text, condition, line: entries.length + 1, sources: used.map((s) => s.id), durationMs: ms(pcm.length), layout, ...extra });
  };
  const whole = (s: Source, pcm: Int16Array, gainDb?: number): Piece[] => [
    { kind: 'speech', source: s.id, fromMs: 0, toMs: ms(pcm.length), atMs: 0, ...(gainDb === undefined ? {} : { gainDb }) },
  ];

  for (const step of recipe.conditions) {
    if (step.make === 'pauses') {
      for (const group of step.groups) {
        const used = select(sources, group.sources, `${step.condition}/${group.name}`, skipped);
        if (used.length > 0) {
          const { pcm, layout } = withPauses(used.map((s) => [s, pcmOf(s)]), step.pausesMs, step.minGapMs);
          add(step.condition, group.name, used, pcm, layout);
        }
      }
      continue;
    }
    for (const source of select(sources, step.sources ?? ['*'], step.condition, skipped)) {
      const clean = pcmOf(source);
      switch (step.make) {
        case 'copy':
          add(step.condition, source.id, [source], clean, whole(source, clean));
          break;
        case 'telephone': {
          const pcm = telephone(clean, step.bandHz, step.sampleRate);
          add(step.condition, source.id, [source], pcm, whole(source, pcm));
          break;
        }
        case 'noise':
          add(step.condition, source.id, [source], withNoise(clean, step.noise, step.snrDb), whole(source, clean), { snrDb: step.snrDb });
          break;
        case 'gain':
          add(step.condition, source.id, [source], scaled(clean, step.gainDb), whole(source, clean, step.gainDb));
          break;
        case 'alternating-gain': {
          const { pcm, layout } = alternatingGain(source, clean, step.gainsDb, step.everyMs);
          add(step.condition, source.id, [source], pcm, layout);
          break;
        }
      }
    }
  }
  return entries;
}

/** Sources by id, `prefix-*` or `*`, in the order the patterns list them. */
function select(sources: Source[], patterns: string[], what: string, skipped: { source: string; reason: string }[]): Source[] {
  const chosen: Source[] = [];
  for (const pattern of patterns) {
    const matches = sources.filter((s) => (pattern.endsWith('*') ? s.id.startsWith(pattern.slice(0, -1)) : s.id === pattern));
    if (matches.length === 0) skipped.push({ source: pattern, reason: `not on this machine, so ${what} is built without it` });
    for (const m of matches) if (!chosen.includes(m)) chosen.push(m);
  }
  return chosen;
}

// ---- audio ----

/** Exact (a 16 kHz sample is 1/16 ms), so a layout locates every sample. */
function ms(samples: number): number {
  return (samples * 1000) / RATE;
}

const RAW_ARGS = ['-t', 'raw', '-e', 'signed-integer', '-b', '16', '-c', '1', '-r', String(RATE), '-L'];

/**
 * sox with -R (repeatable: a fixed seed for noise) and -D (no dither), so every build of the set
 * has the same samples.
 */
function sox(args: string[], input?: Buffer): Buffer {
  try {
    return execFileSync('sox', ['-R', '-D', ...args], { input, maxBuffer: 256 << 20, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: Buffer };
    if (e.code === 'ENOENT') throw new Error('sox is not installed; install it with `apt-get install sox` (scripts/setup.sh --test).');
    throw new Error(`sox ${args.join(' ')} failed: ${e.stderr?.toString().trim() || e.message}`);
  }
}

function toPcm(bytes: Buffer): Int16Array {
  const copy = Buffer.from(bytes);
  return new Int16Array(copy.buffer, copy.byteOffset, copy.byteLength >> 1);
}

function pcmBytes(pcm: Int16Array): Buffer {
  return Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
}

function readPcm(source: Source): Int16Array {
  return toPcm(sox([...(source.headerless ? RAW_ARGS : []), source.path, ...RAW_ARGS, '-']));
}

function rms(pcm: ArrayLike<number>, from = 0, to = pcm.length): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += pcm[i] * pcm[i];
  return to > from ? Math.sqrt(sum / (to - from)) : 0;
}

/** Rounds and clips to 16 bits. */
function toInt16(samples: Float64Array): Int16Array {
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = Math.max(-32768, Math.min(32767, Math.round(samples[i])));
  return out;
}

function scaled(pcm: Int16Array, gainDb: number): Int16Array {
  const gain = 10 ** (gainDb / 20);
  return toInt16(Float64Array.from(pcm, (x) => x * gain));
}

/** `samples` of sox's noise of that colour; the same samples on every call (sox -R). */
function noise(kind: string, samples: number): Int16Array {
  return toPcm(sox(['-r', String(RATE), '-c', '1', '-n', ...RAW_ARGS, '-', 'synth', `${samples}s`, kind]));
}

/**
 * Noise mixed in at `snrDb` = 20·log10(RMS of the clip ÷ RMS of the added noise), both over the
 * whole clip. When the sum would clip, clip and noise are scaled down together (SNR unchanged).
 */
function withNoise(clean: Int16Array, kind: string, snrDb: number): Int16Array {
  const n = noise(kind, clean.length);
  const gain = rms(clean) / (rms(n) * 10 ** (snrDb / 20));
  const mixed = Float64Array.from(clean, (x, i) => x + n[i] * gain);
  const peak = mixed.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
  if (peak > 32767) for (let i = 0; i < mixed.length; i++) mixed[i] *= 32767 / peak;
  return toInt16(mixed);
}

/** Band-limited, down to `rate` in 8-bit μ-law (G.711) and back up to 16 kHz, as a phone call is. */
function telephone(clean: Int16Array, [low, high]: [number, number], rate: number): Int16Array {
  const mulaw = sox([...RAW_ARGS, '-', '-t', 'wav', '-e', 'mu-law', '-b', '8', '-r', String(rate), '-', 'sinc', `${low}-${high}`], pcmBytes(clean));
  return toPcm(sox(['-t', 'wav', '-', ...RAW_ARGS, '-'], mulaw));
}

/** Frame energies in dBFS and the level between background and speech. */
function frameLevels(pcm: Int16Array): { db: number[]; threshold: number } {
  const db: number[] = [];
  for (let i = 0; i + FRAME <= pcm.length; i += FRAME) db.push(20 * Math.log10(rms(pcm, i, i + FRAME) / 32768 + 1e-9));
  const sorted = [...db].sort((a, b) => a - b);
  const floor = sorted[Math.floor(sorted.length * 0.1)];
  const speech = sorted[Math.floor(sorted.length * 0.9)];
  // 30 % of the way from background to speech: below it a frame is background, between words too.
  return { db, threshold: floor + 0.3 * (speech - floor) };
}

/** Sample offsets in the middle of each quiet run of at least `minGapMs` with speech on both sides. */
function phraseBreaks(pcm: Int16Array, minGapMs: number): number[] {
  const { db, threshold } = frameLevels(pcm);
  const minFrames = Math.ceil(minGapMs / 20);
  const breaks: number[] = [];
  let runStart = -1;
  let spokeBefore = false;
  db.forEach((d, i) => {
    if (d < threshold) {
      if (runStart < 0) runStart = i;
      return;
    }
    if (runStart >= 0 && spokeBefore && i - runStart >= minFrames) breaks.push(Math.round((runStart + i) / 2) * FRAME);
    runStart = -1;
    spokeBefore = true;
  });
  return breaks;
}

/** The background's RMS: frames below the speech threshold, so a pause sounds like the room. */
function backgroundRms(pcm: Int16Array): number {
  const { db, threshold } = frameLevels(pcm);
  const quiet = db.filter((d) => d < threshold).map((d) => (10 ** (d / 20) * 32768) ** 2);
  return quiet.length ? Math.sqrt(quiet.reduce((a, b) => a + b, 0) / quiet.length) : 0;
}

/**
 * The clips one after another, each cut at its phrase breaks, with a pause after every phrase but
 * the last; pause lengths cycle through `pausesMs`. A pause is pink noise at the background level
 * of the clip it follows, not digital silence, which no microphone records.
 */
function withPauses(clips: [Source, Int16Array][], pausesMs: number[], minGapMs: number): { pcm: Int16Array; layout: Piece[] } {
  const phrases: { source: Source; pcm: Int16Array; from: number; to: number }[] = [];
  for (const [source, pcm] of clips) {
    const cuts = [0, ...phraseBreaks(pcm, minGapMs), pcm.length];
    for (let i = 0; i + 1 < cuts.length; i++) phrases.push({ source, pcm, from: cuts[i], to: cuts[i + 1] });
  }
  const parts: Int16Array[] = [];
  const layout: Piece[] = [];
  let at = 0;
  phrases.forEach((phrase, i) => {
    parts.push(phrase.pcm.subarray(phrase.from, phrase.to));
    layout.push({ kind: 'speech', source: phrase.source.id, fromMs: ms(phrase.from), toMs: ms(phrase.to), atMs: ms(at) });
    at += phrase.to - phrase.from;
    if (i === phrases.length - 1) return;
    const length = (pausesMs[i % pausesMs.length] * RATE) / 1000;
    const fill = noise('pinknoise', length);
    const gain = backgroundRms(phrase.pcm) / (rms(fill) || 1);
    parts.push(toInt16(Float64Array.from(fill, (x) => x * gain)));
    layout.push({ kind: 'pause', atMs: ms(at), durationMs: ms(length) });
    at += length;
  });
  const pcm = new Int16Array(at);
  let offset = 0;
  for (const part of parts) {
    pcm.set(part, offset);
    offset += part.length;
  }
  return { pcm, layout };
}

/**
 * The level steps between `gainsDb` every `everyMs[0]`–`everyMs[1]`, at the quietest 20 ms frame
 * of that window (usually between words), with a 10 ms ramp so a step never clicks.
 */
function alternatingGain(source: Source, clean: Int16Array, gainsDb: number[], [minMs, maxMs]: [number, number]): { pcm: Int16Array; layout: Piece[] } {
  const { db } = frameLevels(clean);
  const steps: number[] = [0];
  for (;;) {
    const last = steps[steps.length - 1] / FRAME;
    const lo = last + minMs / 20;
    const hi = last + maxMs / 20;
    if (hi >= db.length) break;
    let best = lo;
    for (let f = lo; f <= hi; f++) if (db[f] < db[best]) best = f;
    steps.push(best * FRAME + FRAME / 2);
  }
  steps.push(clean.length);
  const gains = new Float64Array(clean.length);
  const layout: Piece[] = [];
  const ramp = RATE / 100;
  for (let k = 0; k + 1 < steps.length; k++) {
    const gainDb = gainsDb[k % gainsDb.length];
    gains.fill(10 ** (gainDb / 20), steps[k], steps[k + 1]);
    layout.push({ kind: 'speech', source: source.id, fromMs: ms(steps[k]), toMs: ms(steps[k + 1]), atMs: ms(steps[k]), gainDb });
  }
  for (let k = 1; k + 1 < steps.length; k++) {
    const from = gains[steps[k] - ramp / 2 - 1];
    const to = gains[steps[k] + ramp / 2];
    for (let i = 0; i < ramp; i++) gains[steps[k] - ramp / 2 + i] = from + ((to - from) * (i + 1)) / (ramp + 1);
  }
  return { pcm: toInt16(Float64Array.from(clean, (x, i) => x * gains[i])), layout };
}

// ---- command line ----

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { dir: { type: 'string' }, force: { type: 'boolean' } } });
  const set = buildRealEvalSet({ dir: values.dir, force: values.force });
  const byCondition = new Map<string, EvalSetEntry[]>();
  for (const e of set.entries) byCondition.set(e.condition, [...(byCondition.get(e.condition) ?? []), e]);
  console.log(`${set.built ? 'built' : 'already built'}: ${set.manifest}`);
  for (const [condition, entries] of byCondition) {
    const seconds = entries.reduce((n, e) => n + e.durationMs, 0) / 1000;
    console.log(`  ${condition.padEnd(14)} ${String(entries.length).padStart(3)} files ${seconds.toFixed(1).padStart(7)} s`);
  }
  const total = set.entries.reduce((n, e) => n + e.durationMs, 0) / 1000;
  console.log(`  ${'total'.padEnd(14)} ${String(set.entries.length).padStart(3)} files ${total.toFixed(1).padStart(7)} s (${(total / 60).toFixed(1)} min)`);
  for (const s of set.skipped) console.log(`skipped ${s.source}: ${s.reason}`);
  console.log(`\nnode bin/earshot.js eval --manifest ${relative(process.cwd(), set.manifest) || set.manifest} --against-raw`);
}
