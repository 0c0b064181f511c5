/**
 * `node --import tsx scripts/fit-end-of-turn.ts`: fits the end-of-turn model's weights
 * (src/realtime/end-of-turn.ts), measures it against the rule it replaced and against a model that
 * also hears prosody (test/realtime/helpers/prosody.ts), and writes
 * src/realtime/end-of-turn-weights.ts with the figures. About a minute.
 *
 * Material: pauses in speech, labelled as the end of a sentence (1) or a pause inside one (0).
 * - espeak-ng paragraphs in four voices: the pause at each comma, and at commas placed after
 *   function words (a speaker searching for a word), is inside a sentence; at each full stop or
 *   question mark, the sentence ends. espeak-ng's own pauses are too short for a VAD to see at
 *   commas, so every mark gets an SSML break of 250–850 ms, drawn from the same spread whether
 *   the sentence ends or not: the silence's length then teaches nothing false (test/realtime/helpers/turn-pauses.ts). Pauses are found with the same Silero VAD and turn detector as a live
 *   session and matched to the marks in order (a paragraph whose pause count does not match is
 *   skipped). The word before each pause comes from the text.
 * - The five LibriVox clips (one sentence each): pauses inside a clip are 0, the end of a clip 1;
 *   the word before each pause is the engine's.
 * Each pause gives one sample per 100 ms of its silence (up to 800 ms), as a live session would
 * ask at each moment of it. Paragraphs alternate between fitting and held-out testing; on the
 * held-out pauses each model also runs as a live session would with the default settings: how
 * long after the end of a sentence the final comes, and how many pauses inside a sentence it cuts.
 */
import { writeFileSync } from 'node:fs';
import { EngineCache } from '../src/engines/registry.js';
import { isNonFinal } from '../src/intelligence/punctuation/sentence-cues.js';
import { coreOf } from '../src/intelligence/punctuation/tokens.js';
import type { SentenceEndModel } from '../src/engines/engine.js';
import { featureVector, FEATURES, FITTED_SILENCE_MS, turnEnds, type Weights } from '../src/realtime/end-of-turn.js';
import { DEFAULT_TURN_SETTINGS } from '../src/realtime/protocol.js';
import { wavSamples } from '../bench/speech-file.js';
import { librivoxClips } from '../test/helpers/librivox.js';
import { espeakPauses, pausesIn, type LabelledPause as Pause } from '../test/realtime/helpers/turn-pauses.js';

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

const engines = new EngineCache();
const engine = await engines.get();
const sentenceEnds: SentenceEndModel = await engine.sentenceEnds!();

async function librivoxPauses(): Promise<Pause[]> {
  const pauses: Pause[] = [];
  let group = 1000;
  for (const clip of librivoxClips()) {
    const pcm = wavSamples(clip.path);
    const words = (await engine.recognize(pcm)).words;
    const found = await pausesIn(pcm);
    group++;
    found.forEach((p, i) => {
      const before = words.filter((w) => w.end <= p.atMs + 100).slice(-2);
      pauses.push({ lastWords: before.map((w) => ({ text: w.text, confidence: w.confidence })), prosody: p.prosody, silenceMs: p.silenceMs, label: i === found.length - 1 ? 1 : 0, group });
    });
  }
  return pauses;
}

/** The prosody cues a model may add to the live features, each scaled to about -1..1. */
const PROSODY = ['pitchChange', 'levelChange', 'pitchSlope', 'levelSlope'] as const;
type ProsodyCue = (typeof PROSODY)[number];
const SCALE: Record<ProsodyCue, number> = { pitchChange: 12, levelChange: 20, pitchSlope: 6, levelSlope: 10 };

type Inputs = (p: Pause, silenceMs: number) => number[];

/** The live model's inputs. */
const liveInputs: Inputs = (p, silenceMs) => {
  const f = featureVector({ lastWords: p.lastWords, silenceMs }, sentenceEnds);
  return FEATURES.map((k) => f[k]);
};

/**
 * The model issue 16 first shipped: instead of the language model, an indicator of a word from the
 * punctuation stage's list of words that rarely end a sentence ("the", "and", "you", "that", …),
 * weighted by the word's posterior. Fitted here for comparison.
 */
const wordListInputs: Inputs = (p, silenceMs) => {
  const last = p.lastWords.at(-1);
  const f = featureVector({ lastWords: p.lastWords, silenceMs });
  return [1, last !== undefined && isNonFinal(coreOf(last.text)) ? (last.confidence ?? 1) : 0, f.noWords, f.silence];
};

function withProsody(base: Inputs, prosody: readonly ProsodyCue[]): Inputs {
  return (p, silenceMs) => [...base(p, silenceMs), ...prosody.map((k) => Math.max(-1, Math.min(1, p.prosody[k] / SCALE[k])))];
}

/**
 * One sample per 100 ms of each pause's silence, up to FITTED_SILENCE_MS: the last pause of a paragraph or
 * clip runs into the padding, and sampling its padding would teach that sentence ends are long.
 */
function samples(pauses: Pause[], inputs: Inputs): { x: number[]; y: number }[] {
  return pauses.flatMap((p) => {
    const out: { x: number[]; y: number }[] = [];
    for (let s = 100; s <= Math.min(p.silenceMs, FITTED_SILENCE_MS); s += 100) out.push({ x: inputs(p, s), y: p.label });
    return out;
  });
}

/** L2-regularised logistic regression by gradient descent, classes weighted to balance. */
function fit(data: { x: number[]; y: number }[]): number[] {
  const w = new Array<number>(data[0].x.length).fill(0);
  const positives = data.filter((d) => d.y === 1).length;
  const weightOf = (y: number) => (y === 1 ? data.length / (2 * positives) : data.length / (2 * (data.length - positives)));
  for (let iter = 0; iter < 4000; iter++) {
    const grad = new Array<number>(w.length).fill(0);
    for (const { x, y } of data) {
      const p = sigmoid(dot(x, w));
      for (let i = 0; i < w.length; i++) grad[i] += weightOf(y) * (p - y) * x[i];
    }
    for (let i = 0; i < w.length; i++) w[i] -= 0.5 * (grad[i] / data.length + (i === 0 ? 0 : 0.01 * w[i]));
  }
  return w;
}

const dot = (x: number[], w: number[]) => x.reduce((s, v, i) => s + v * w[i], 0);
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const round = (v: number, places = 4) => Math.round(v * 10 ** places) / 10 ** places;

/** Accuracy at confidence 0.5, and balanced accuracy (the mean of both classes' recall). */
function scores(data: { x: number[]; y: number }[], confidence: (x: number[]) => number): { accuracy: number; balanced: number } {
  const decide = (x: number[]) => (confidence(x) >= 0.5 ? 1 : 0);
  const recall = (label: number) => {
    const of = data.filter((d) => d.y === label);
    return of.filter((d) => decide(d.x) === label).length / Math.max(1, of.length);
  };
  return { accuracy: round(data.filter((d) => decide(d.x) === d.y).length / Math.max(1, data.length)), balanced: round((recall(0) + recall(1)) / 2) };
}

/**
 * The rule used before issue 16: a prior by the last word (0.1 after a function word, 0.7 after
 * any other, 0.3 with none), ramped in over min_turn_silence.
 */
function ruleConfidence(p: Pause, silenceMs: number): number {
  const last = p.lastWords.at(-1);
  const prior = last === undefined ? 0.3 : isNonFinal(coreOf(last.text)) ? 0.1 : 0.7;
  return prior * Math.min(1, silenceMs / DEFAULT_TURN_SETTINGS.minTurnSilenceMs);
}

/**
 * A live session with the default settings over each held-out pause, asking at every 32 ms VAD
 * frame whether the turn ends: for a sentence end, how long after the VAD's end of speech the
 * final comes (the speaker is taken to have stopped); for a pause inside a sentence, whether a
 * final comes before the speaker goes on (a false final).
 */
function simulate(pauses: Pause[], confidence: (p: Pause, silenceMs: number) => number) {
  const firesAt = (p: Pause) => {
    for (let t = 32; ; t += 32) if (turnEnds(confidence(p, t), t, DEFAULT_TURN_SETTINGS)) return t;
  };
  const latencies = pauses.filter((p) => p.label === 1).map(firesAt).sort((a, b) => a - b);
  const inside = pauses.filter((p) => p.label === 0);
  const pct = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  const falseFinals = inside.filter((p) => firesAt(p) < p.silenceMs).length;
  return { latencyP50Ms: pct(0.5), latencyP90Ms: pct(0.9), falseFinals, falseFinalRate: round(falseFinals / Math.max(1, inside.length), 3) };
}

const espeakSet = await espeakPauses(SENTENCES, VOICES);
const all = [...espeakSet.pauses, ...(await librivoxPauses())];
for (const label of [0, 1]) {
  const of = all.filter((p) => p.label === label);
  const mean = (f: (p: Pause) => number) => (of.reduce((s, p) => s + f(p), 0) / of.length).toFixed(2);
  console.log(
    `${label ? 'sentence ends' : 'inside sentences'}: ${of.length} pauses; mean pitch change ${mean((p) => p.prosody.pitchChange)} st, slope ${mean((p) => p.prosody.pitchSlope)} st/300 ms; level change ${mean((p) => p.prosody.levelChange)} dB, slope ${mean((p) => p.prosody.levelSlope)} dB/300 ms`,
  );
}
const fitting = all.filter((p) => p.group % 2 === 1);
const heldOut = all.filter((p) => p.group % 2 === 0);

/** A model over `names`, fitted and measured on the held-out pauses. */
function measure(inputs: Inputs, names: readonly string[]) {
  const w = fit(samples(fitting, inputs));
  const confidence = (x: number[]) => sigmoid(dot(x, w));
  return {
    weights: Object.fromEntries(names.map((f, i) => [f, round(w[i])])),
    train: scores(samples(fitting, inputs), confidence),
    test: scores(samples(heldOut, inputs), confidence),
    simulated: simulate(heldOut, (p, t) => confidence(inputs(p, t))),
  };
}
const measureWithProsody = (prosody: readonly ProsodyCue[]) => measure(withProsody(liveInputs, prosody), [...FEATURES, ...prosody]);

const live = measure(liveInputs, FEATURES);
const report = {
  pauses: all.length,
  sentenceEnds: all.filter((p) => p.label === 1).length,
  heldOutSentenceEnds: heldOut.filter((p) => p.label === 1).length,
  heldOutPausesInside: heldOut.filter((p) => p.label === 0).length,
  espeakParagraphs: espeakSet.paragraphs,
  espeakParagraphsSkipped: espeakSet.skipped,
  model: { train: live.train, test: live.test, simulated: live.simulated },
  wordRule: {
    test: scores(samples(heldOut, wordListInputs), (x) => (x[1] > 0.5 ? 0 : 1)),
    simulated: simulate(heldOut, ruleConfidence),
  },
  wordListModel: measure(wordListInputs, ['bias', 'nonFinalWord', 'noWords', 'silence']),
  withProsodySlopes: measureWithProsody(['pitchSlope', 'levelSlope']),
  withAllProsody: measureWithProsody(PROSODY),
};
const weights = live.weights as Weights;
// What an unknown word, or a session without a language model, counts as.
const priorLog10 = round(featureVector({ lastWords: [], silenceMs: 0 }, sentenceEnds).sentenceEnd);
await engines.close();
console.log(JSON.stringify({ weights, priorLog10, fit: report }, null, 2));
writeFileSync(
  OUT,
  `// Generated by scripts/fit-end-of-turn.ts; do not edit. train/test: accuracy at confidence 0.5 on the fitting and
// the held-out pauses (balanced: the mean of both classes' recall); simulated: a live session with the default
// settings on the held-out pauses (latency after the end of a sentence, finals cut inside one). priorLog10: the
// sentence-end cue of an unknown word. wordRule: the rule used before issue 16; wordListModel: this model with a
// list of function words in place of the language model; withProsody*: models that also hear prosody (measured,
// not used: docs/streaming.md).
export const FITTED_END_OF_TURN = ${JSON.stringify({ weights, priorLog10, fit: report }, null, 2)};
`,
);
process.exit(0);
