/**
 * `node --import tsx scripts/fit-end-of-turn.ts`: fits the end-of-turn model's weights
 * (src/realtime/end-of-turn.ts) and writes src/realtime/end-of-turn-weights.ts with the fit's
 * accuracy. About a minute.
 *
 * Material: pauses in speech, labelled as the end of a sentence (1) or a pause inside one (0).
 * - espeak-ng paragraphs in four voices: the pause at each comma, and at commas placed after
 *   function words (a speaker searching for a word), is inside a sentence; at each full stop or
 *   question mark, the sentence ends. espeak-ng's own pauses are too short for a VAD to see at
 *   commas, so every mark gets an SSML break of 250–850 ms, drawn from the same spread whether
 *   the sentence ends or not: the silence's length then teaches nothing false, and the model
 *   learns the ending from espeak-ng's intonation (a comma's continuation rise, a full stop's
 *   fall) and the words. Pauses are found with the same Silero VAD and turn detector as a live
 *   session and matched to the marks in order (a paragraph whose pause count does not match is
 *   skipped). The word before each pause comes from the text.
 * - The five LibriVox clips (one sentence each): pauses inside a clip are 0, the end of a clip 1;
 *   the word before each pause is the engine's.
 * Each pause gives one sample per 100 ms of its silence (up to 800 ms), as a live session would
 * ask at each moment of it; features are those of a live session (prosody.ts, end-of-turn.ts).
 * Paragraphs alternate between fitting and held-out testing.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createVadStream } from '../src/audio/vad/vad-stream.js';
import { EngineCache } from '../src/engines/registry.js';
import { featureVector, FEATURES, type Weights } from '../src/realtime/end-of-turn.js';
import { DEFAULT_TURN_SETTINGS } from '../src/realtime/protocol.js';
import { ProsodyTracker, type ProsodyFeatures } from '../src/realtime/prosody.js';
import { Resampler } from '../src/realtime/resampler.js';
import { TurnDetector } from '../src/realtime/turn-detector.js';
import { librivoxClips } from '../test/helpers/librivox.js';
import { wavSamples } from '../bench/speech-file.js';

const OUT = new URL('../src/realtime/end-of-turn-weights.ts', import.meta.url);
const VOICES = ['en-us', 'en-us+f3', 'en-gb', 'en-us+m3'];
const SENTENCES = [
  'The train to the city leaves at nine, so we should be at the station by half past eight.',
  'When the rain stopped, the children ran out into the garden.',
  'I think that the, report will be ready on Friday.',
  'She opened the letter and read it twice.',
  'Could you send me the figures for the last quarter?',
  'We looked at three houses, but none of them had a garden.',
  'The meeting is on Tuesday, in the small room on the second floor.',
  'He said that he would call, and then he never did.',
  'My brother lives in a small town near the coast.',
  'If you need anything, just ask one of the, nurses at the desk.',
  'The results were better than we expected.',
  'Please check the address before you post the parcel.',
  'After dinner, we sat by the fire and talked about the, old days.',
  'Is there a pharmacy near here?',
  'The new software is faster, but it uses more memory.',
  'We will need a bigger table for the party.',
  'They moved to Canada in the spring, and they have been happy ever since.',
  'I left my keys on the, kitchen counter this morning.',
  'The museum is closed on Mondays.',
  'Turn left at the bank, then walk straight on for about five minutes.',
  'Our flight was delayed by two hours.',
  'She wanted to buy a, red coat, but the shop only had blue ones.',
  'Do you know where the, library is?',
  'The doctor told him to rest for a week.',
  'We can meet at the cafe, or I can come to your office.',
  'The bridge was built more than a hundred years ago.',
  'I am not sure if the, printer is working today.',
  'Everyone agreed that the plan was too expensive.',
  'When you get to the corner, look for a green door.',
  'The price of the tickets went up again this year.',
  'He plays the piano and, the guitar.',
  'Can we finish this tomorrow?',
];

interface Pause {
  lastWord: string | undefined;
  prosody: ProsodyFeatures;
  silenceMs: number;
  label: 0 | 1;
  group: number;
}

/** Pauses in `pcm` (16 kHz) as the live turn detector sees them: where each starts, how long, and the prosody before it. */
async function pausesIn(pcm: Int16Array): Promise<{ atMs: number; silenceMs: number; prosody: ProsodyFeatures }[]> {
  const vad = await createVadStream();
  const detector = new TurnDetector(DEFAULT_TURN_SETTINGS);
  const prosody = new ProsodyTracker();
  const out: { atMs: number; silenceMs: number; prosody: ProsodyFeatures }[] = [];
  let open: { atMs: number; silenceMs: number; prosody: ProsodyFeatures } | undefined;
  let heardSpeech = false;
  const padded = new Int16Array(pcm.length + 1.5 * 16000);
  padded.set(pcm);
  for (let i = 0; i < padded.length; i += 800) {
    const chunk = padded.subarray(i, i + 800);
    prosody.push(chunk);
    for (const p of await vad.push(chunk)) {
      const event = detector.frame(p);
      prosody.frame(event !== 'silence');
      if (event !== 'silence') {
        heardSpeech = true;
        if (open) out.push(open);
        open = undefined;
      } else if (heardSpeech) {
        open ??= { atMs: detector.nowMs - detector.silenceMs, silenceMs: 0, prosody: prosody.features() };
        open.silenceMs = detector.silenceMs;
      }
    }
  }
  if (open) out.push(open);
  // A pause shorter than 100 ms is a stop consonant, not a pause.
  return out.filter((p) => p.silenceMs >= 100);
}

/** Deterministic break lengths: 250–850 ms. */
let seed = 16;
function breakMs(): number {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return 250 + Math.round((seed / 2 ** 31) * 600);
}

function espeak(text: string, voice: string): Int16Array {
  const ssml = `<speak>${text.replace(/([,.?])/g, (mark) => `${mark}<break time="${breakMs()}ms"/>`)}</speak>`;
  const wav = execFileSync('espeak-ng', ['-m', '-v', voice, '--stdout', ssml], { maxBuffer: 64 << 20 });
  const rate = wav.readUInt32LE(24);
  const data = wav.indexOf('data', 12, 'ascii');
  const bytes = wav.subarray(data + 8);
  const pcm = new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + (bytes.length & ~1)));
  const resampler = new Resampler(rate, 16000);
  const out = resampler.push(pcm);
  const tail = resampler.flush();
  const all = new Int16Array(out.length + tail.length);
  all.set(out);
  all.set(tail, out.length);
  return all;
}

async function espeakPauses(): Promise<{ pauses: Pause[]; skipped: number; paragraphs: number }> {
  const pauses: Pause[] = [];
  let skipped = 0;
  let paragraphs = 0;
  for (let v = 0; v < VOICES.length; v++) {
    for (let s = 0; s < SENTENCES.length; s += 3) {
      const text = SENTENCES.slice(s, s + 3).join(' ');
      paragraphs++;
      // Each punctuation mark, with the word before it and whether a sentence ends there.
      const marks = [...text.matchAll(/([A-Za-z']+)([,.?])/g)].map((m) => ({ word: m[1].toLowerCase(), end: m[2] !== ',' }));
      const found = await pausesIn(espeak(text, VOICES[v]));
      if (found.length !== marks.length) {
        skipped++;
        continue;
      }
      found.forEach((p, i) => pauses.push({ lastWord: marks[i].word, prosody: p.prosody, silenceMs: p.silenceMs, label: marks[i].end ? 1 : 0, group: paragraphs }));
    }
  }
  return { pauses, skipped, paragraphs };
}

async function librivoxPauses(): Promise<Pause[]> {
  const engines = new EngineCache();
  const engine = await engines.get();
  const pauses: Pause[] = [];
  let group = 1000;
  for (const clip of librivoxClips()) {
    const pcm = wavSamples(clip.path);
    const words = (await engine.recognize(pcm)).words;
    const found = await pausesIn(pcm);
    group++;
    found.forEach((p, i) => {
      const before = words.filter((w) => w.end <= p.atMs + 100).at(-1);
      pauses.push({ lastWord: before?.text, prosody: p.prosody, silenceMs: p.silenceMs, label: i === found.length - 1 ? 1 : 0, group });
    });
  }
  await engines.close();
  return pauses;
}

/**
 * One sample per 100 ms of each pause's silence, up to 800 ms: the last pause of a paragraph or
 * clip runs into the padding, and sampling its padding would teach that sentence ends are long.
 */
function samples(pauses: Pause[]): { x: number[]; y: number }[] {
  return pauses.flatMap((p) => {
    const out: { x: number[]; y: number }[] = [];
    for (let s = 100; s <= Math.min(p.silenceMs, 800); s += 100) {
      const f = featureVector({ lastWord: p.lastWord, prosody: p.prosody, silenceMs: s });
      out.push({ x: FEATURES.map((k) => f[k]), y: p.label });
    }
    return out;
  });
}

/** L2-regularised logistic regression by gradient descent, classes weighted to balance. */
function fit(data: { x: number[]; y: number }[]): number[] {
  const w = new Array<number>(FEATURES.length).fill(0);
  const positives = data.filter((d) => d.y === 1).length;
  const weightOf = (y: number) => (y === 1 ? data.length / (2 * positives) : data.length / (2 * (data.length - positives)));
  for (let iter = 0; iter < 4000; iter++) {
    const grad = new Array<number>(w.length).fill(0);
    for (const { x, y } of data) {
      const p = 1 / (1 + Math.exp(-x.reduce((s, v, i) => s + v * w[i], 0)));
      for (let i = 0; i < w.length; i++) grad[i] += weightOf(y) * (p - y) * x[i];
    }
    for (let i = 0; i < w.length; i++) w[i] -= 0.5 * (grad[i] / data.length + (i === 0 ? 0 : 0.01 * w[i]));
  }
  return w;
}

/** Accuracy of a decision rule, and its balanced accuracy (the mean of both classes' recall). */
function scores(data: { x: number[]; y: number }[], decide: (x: number[]) => number): { accuracy: number; balanced: number } {
  const recall = (label: number) => {
    const of = data.filter((d) => d.y === label);
    return of.filter((d) => decide(d.x) === label).length / Math.max(1, of.length);
  };
  const round = (v: number) => Math.round(v * 1e4) / 1e4;
  return { accuracy: round(data.filter((d) => decide(d.x) === d.y).length / Math.max(1, data.length)), balanced: round((recall(0) + recall(1)) / 2) };
}

const byModel = (w: number[]) => (x: number[]) => (x.reduce((s, v, i) => s + v * w[i], 0) >= 0 ? 1 : 0);
/** The rule before issue 16: a turn ends unless its last word is a function word. */
const byWordRule = (x: number[]) => (x[FEATURES.indexOf('nonFinalWord')] === 1 ? 0 : 1);

const espeakSet = await espeakPauses();
const all = [...espeakSet.pauses, ...(await librivoxPauses())];
for (const label of [0, 1]) {
  const of = all.filter((p) => p.label === label);
  const mean = (f: (p: Pause) => number) => (of.reduce((s, p) => s + f(p), 0) / of.length).toFixed(2);
  console.log(`${label ? 'sentence ends' : 'inside sentences'}: ${of.length} pauses; mean pitch change ${mean((p) => p.prosody.pitchChange)} st, level change ${mean((p) => p.prosody.levelChange)} dB, silence ${mean((p) => p.silenceMs)} ms`);
}
const train = samples(all.filter((p) => p.group % 2 === 1));
const test = samples(all.filter((p) => p.group % 2 === 0));
const w = fit(train);
const weights = Object.fromEntries(FEATURES.map((f, i) => [f, Math.round(w[i] * 1e4) / 1e4])) as Weights;
const report = {
  pauses: all.length,
  sentenceEnds: all.filter((p) => p.label === 1).length,
  espeakParagraphs: espeakSet.paragraphs,
  espeakParagraphsSkipped: espeakSet.skipped,
  trainSamples: train.length,
  testSamples: test.length,
  train: scores(train, byModel(w)),
  test: scores(test, byModel(w)),
  testOfWordRule: scores(test, byWordRule),
};
console.log(JSON.stringify({ weights, fit: report }, null, 2));
writeFileSync(
  OUT,
  `// Generated by scripts/fit-end-of-turn.ts; do not edit. Accuracy at confidence 0.5 on the fitting and the
// held-out pauses; balanced: the mean of both classes' recall. testOfWordRule: the rule used before issue 16
// (a turn ends unless its last word is a function word) on the same held-out samples.
export const FITTED_END_OF_TURN = ${JSON.stringify({ weights, fit: report }, null, 2)};
`,
);
process.exit(0);
