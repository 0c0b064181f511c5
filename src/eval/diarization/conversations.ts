/**
 * Real-voice conversations for measuring speaker diarization (issue 17 item 2). Real recorded
 * voices already on a Debian machine — the LibriVox reader and the command-and-digit speakers of
 * `pocketsphinx-testdata`, and John F. Kennedy (test/fixtures/audio/jfk.wav) — are cut into turns
 * of a few seconds and laid end to end with silences from 150 ms (inside one VAD segment) to 1 s,
 * each speaker at its own level, so who speaks when is known to the sample. Built in memory, the
 * same every time: no audio is written or committed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabelledSpan } from './der.js';

export const RATE = 16000;
/** Debian's pocketsphinx-testdata. */
export const POCKETSPHINX_TESTDATA = '/usr/share/pocketsphinx/test/data';
/** The JFK clip kept in the repository (test/fixtures/audio/README.md: source and licence). */
export const JFK_WAV = new URL('../../../test/fixtures/audio/jfk.wav', import.meta.url).pathname;

/** One real speaker and the recordings of them. */
export interface RealVoice {
  id: string;
  description: string;
  files: string[];
}

const librivox = ['0870', '0880', '0890', '0920', '0930'].map((n) => `librivox/sense_and_sensibility_01_austen_64kb-${n}.wav`);

/** The voices, with paths relative to `POCKETSPHINX_TESTDATA` unless absolute. */
export const REAL_VOICES: readonly RealVoice[] = [
  { id: 'narrator', description: 'LibriVox reader of Sense and Sensibility (read book, male, ~100 Hz)', files: librivox },
  { id: 'jfk', description: 'John F. Kennedy, inaugural address 1961 (oratory, old recording, ~215 Hz)', files: [JFK_WAV] },
  { id: 'cards', description: 'pocketsphinx "cards" speaker (playing cards, close microphone, clipped)', files: ['001', '002', '003', '004', '005'].map((n) => `cards/${n}.wav`) },
  { id: 'digits', description: 'pocketsphinx raw clips (goforward, numbers, something: commands and digits)', files: ['goforward.raw', 'numbers.raw', 'something.raw'] },
];

/** A conversation to build: who takes part, and each one's level relative to the first (dB). */
export interface ConversationSpec {
  id: string;
  voices: string[];
  levelsDb: number[];
}

/** Two- and three-speaker conversations over different pairs, so no figure rests on one pair. */
export const CONVERSATIONS: readonly ConversationSpec[] = [
  { id: 'narrator+jfk', voices: ['narrator', 'jfk'], levelsDb: [0, -8] },
  { id: 'narrator+cards', voices: ['narrator', 'cards'], levelsDb: [0, 6] },
  { id: 'jfk+cards', voices: ['jfk', 'cards'], levelsDb: [0, -6] },
  { id: 'narrator+digits', voices: ['narrator', 'digits'], levelsDb: [-4, 4] },
  { id: 'cards+digits', voices: ['cards', 'digits'], levelsDb: [0, -5] },
  { id: 'narrator+jfk+cards', voices: ['narrator', 'jfk', 'cards'], levelsDb: [0, -6, 4] },
  { id: 'jfk+cards+digits', voices: ['jfk', 'cards', 'digits'], levelsDb: [0, 5, -3] },
];

export interface Conversation {
  id: string;
  /** 16 kHz mono. */
  pcm: Int16Array;
  /** Who speaks from when to when (ms), a span per turn. */
  reference: LabelledSpan[];
  speakers: number;
}

/** Silences before each turn, cycled: under the VAD's 500 ms some turn changes fall inside a segment. */
const GAPS_MS = [700, 250, 1000, 150, 450, 350, 600, 200];
/** Turns are cut to about this length at the quietest moment near it. */
const PIECE_MS = 2500;
/** Every voice is first brought to this RMS level over its speech (−20 dBFS) before its offset applies. */
const TARGET_RMS = 0.1 * 32768;

export function availableVoices(dataDir = POCKETSPHINX_TESTDATA): string[] {
  return REAL_VOICES.filter((v) => v.files.every((f) => existsSync(resolvePath(dataDir, f)))).map((v) => v.id);
}

/**
 * Builds a conversation: turns taken round-robin (for three speakers the order rotates every
 * round, so every speaker follows every other), each voice's pieces in recording order, until a
 * voice has none left.
 */
export interface BuildOptions {
  /** Turn length to cut at. Default 2500 ms. */
  pieceMs?: number;
  /** Silences before each turn, cycled. */
  gapsMs?: readonly number[];
  /** Where the spec's voice ids are looked up. Default REAL_VOICES (known-voice tests hold a clip back). */
  voices?: readonly RealVoice[];
}

export function buildConversation(spec: ConversationSpec, dataDir = POCKETSPHINX_TESTDATA, options: BuildOptions = {}): Conversation {
  const pieceMs = options.pieceMs ?? PIECE_MS;
  const gaps = options.gapsMs ?? GAPS_MS;
  const pieces = spec.voices.map((id) => {
    const voice = (options.voices ?? REAL_VOICES).find((v) => v.id === id);
    if (!voice) throw new Error(`unknown voice ${id}`);
    const clips = voice.files.map((f) => readPcm(resolvePath(dataDir, f)));
    const gain = TARGET_RMS / speechRms(clips);
    return clips.flatMap((clip) => cutPieces(clip, pieceMs)).map((p) => scale(p, gain));
  });
  const order: number[] = [];
  const n = spec.voices.length;
  for (let round = 0; ; round++) {
    const turn = Array.from({ length: n }, (_, i) => (n === 3 && round % 2 === 1 ? (n - i) % n : i));
    if (turn.some((v) => round >= pieces[v].length)) break;
    order.push(...turn);
  }
  const chunks: Int16Array[] = [];
  const reference: LabelledSpan[] = [];
  let at = 0;
  order.forEach((v, i) => {
    const piece = pieces[v][Math.floor(i / n)];
    const gap = Math.round((gaps[i % gaps.length] * RATE) / 1000);
    chunks.push(new Int16Array(gap));
    at += gap;
    const level = 10 ** (spec.levelsDb[v] / 20);
    chunks.push(scale(piece, level));
    reference.push({ speaker: spec.voices[v], start: (at * 1000) / RATE, end: ((at + piece.length) * 1000) / RATE });
    at += piece.length;
  });
  chunks.push(new Int16Array(RATE / 2));
  const pcm = new Int16Array(at + RATE / 2);
  let offset = 0;
  for (const c of chunks) pcm.set(c, offset), (offset += c.length);
  addNoiseFloor(pcm);
  return { id: spec.id, pcm, reference, speakers: n };
}

/**
 * Stand-in word times for the turns, as an engine would give them (no word crosses a turn):
 * each turn tiled with 280–460 ms words and 40 ms gaps.
 */
export function pseudoWords(reference: readonly LabelledSpan[]): { text: string; start: number; end: number; confidence: number; truth: string }[] {
  const out: { text: string; start: number; end: number; confidence: number; truth: string }[] = [];
  let k = 0;
  for (const turn of reference) {
    let at = turn.start;
    while (at < turn.end - 100) {
      const length = 280 + ((k * 73) % 180);
      const end = Math.min(turn.end, at + length);
      out.push({ text: `w${k++}`, start: Math.round(at), end: Math.round(end), confidence: 0.9, truth: turn.speaker });
      at = end + 40;
    }
  }
  return out;
}

function resolvePath(dataDir: string, file: string): string {
  return file.startsWith('/') ? file : join(dataDir, file);
}

/** 16 kHz mono 16-bit PCM from a WAV file (its `data` chunk) or a headerless .raw file. */
export function readPcm(path: string): Int16Array {
  const bytes = readFileSync(path);
  let from = 0;
  let length = bytes.length;
  if (bytes.toString('latin1', 0, 4) === 'RIFF') {
    for (let at = 12; at + 8 <= bytes.length; ) {
      const size = bytes.readUInt32LE(at + 4);
      if (bytes.toString('latin1', at, at + 4) === 'data') {
        from = at + 8;
        length = Math.min(size, bytes.length - from);
        break;
      }
      at += 8 + size + (size % 2);
    }
  }
  const pcm = new Int16Array(Math.floor(length / 2));
  for (let i = 0; i < pcm.length; i++) pcm[i] = bytes.readInt16LE(from + 2 * i);
  return pcm;
}

/** 10 ms frame energies (mean square). */
function frameEnergies(pcm: Int16Array): Float64Array {
  const frames = Math.floor(pcm.length / 160);
  return Float64Array.from({ length: frames }, (_, f) => {
    let sum = 0;
    for (let i = f * 160; i < (f + 1) * 160; i++) sum += pcm[i] * pcm[i];
    return sum / 160;
  });
}

/** RMS over the frames within 30 dB of the loudest, across all of a voice's clips. */
function speechRms(clips: readonly Int16Array[]): number {
  const energies = clips.flatMap((c) => [...frameEnergies(c)]);
  const floor = Math.max(...energies) / 1000;
  const speech = energies.filter((e) => e >= floor);
  return Math.sqrt(speech.reduce((s, e) => s + e, 0) / Math.max(1, speech.length)) || 1;
}

/**
 * Trims a clip to its speech (frames within 35 dB of its loudest) and cuts it about every
 * `pieceMs` at the quietest 100 ms nearby; pieces under a second join the one before.
 */
function cutPieces(clip: Int16Array, pieceMs: number): Int16Array[] {
  const e = frameEnergies(clip);
  const floor = Math.max(...e) / 3000;
  let a = 0;
  let b = e.length;
  while (a < b && e[a] < floor) a++;
  while (b > a && e[b - 1] < floor) b--;
  const cuts = [a];
  const step = pieceMs / 10;
  while (b - cuts[cuts.length - 1] > step * 1.6) {
    const target = cuts[cuts.length - 1] + step;
    let best = target;
    let quietest = Infinity;
    for (let f = target - 60; f <= target + 60; f++) {
      let sum = 0;
      for (let g = f - 5; g < f + 5; g++) sum += e[g] ?? 0;
      if (sum < quietest) [best, quietest] = [f, sum];
    }
    cuts.push(best);
  }
  cuts.push(b);
  const pieces: Int16Array[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    // Trim each piece again so its reference turn starts and ends with speech.
    let s = cuts[i];
    let t = cuts[i + 1];
    while (s < t && e[s] < floor) s++;
    while (t > s && e[t - 1] < floor) t--;
    if (t - s >= 30) pieces.push(clip.slice(s * 160, t * 160));
  }
  return pieces;
}

function scale(pcm: Int16Array, gain: number): Int16Array {
  return Int16Array.from(pcm, (v) => Math.max(-32768, Math.min(32767, Math.round(v * gain))));
}

/** A faint deterministic hiss (about −66 dBFS) so the silences are not digital zero. */
function addNoiseFloor(pcm: Int16Array): void {
  let seed = 17;
  for (let i = 0; i < pcm.length; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    pcm[i] = Math.max(-32768, Math.min(32767, pcm[i] + ((seed / 0x7fffffff) * 2 - 1) * 16));
  }
}
