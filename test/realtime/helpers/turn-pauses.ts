/**
 * Pauses in speech labelled as the end of a sentence (1) or a pause inside one (0), as a live
 * session's VAD and turn detector see them: the material scripts/fit-end-of-turn.ts fits the
 * end-of-turn model on, and test/realtime/parts.test.ts checks it against (on other sentences).
 *
 * espeak-ng's own pauses are too short for a VAD to see at commas, so every mark gets an SSML
 * break of 250–850 ms, drawn from the same spread whether the sentence ends or not: the silence's
 * length then teaches nothing false. Pauses are matched to the marks in order (a paragraph whose
 * pause count does not match is skipped); the word before each pause comes from the text.
 */
import { execFileSync } from 'node:child_process';
import { createVadStream } from '../../../src/audio/vad/vad-stream.js';
import type { CueWord } from '../../../src/realtime/end-of-turn.js';
import { DEFAULT_TURN_SETTINGS } from '../../../src/realtime/protocol.js';
import { ProsodyTracker, type ProsodyFeatures } from './prosody.js';
import { Resampler } from '../../../src/realtime/resampler.js';
import { TurnDetector } from '../../../src/realtime/turn-detector.js';

export interface LabelledPause {
  /** The last two words before the pause (fewer at the start), oldest first, with the engine's posteriors when they came from the engine rather than the text. */
  lastWords: CueWord[];
  prosody: ProsodyFeatures;
  silenceMs: number;
  label: 0 | 1;
  /** Which paragraph or clip it came from (for splitting into fitting and held-out sets). */
  group: number;
}

export interface FoundPause {
  atMs: number;
  silenceMs: number;
  prosody: ProsodyFeatures;
}

/** Pauses in `pcm` (16 kHz) as the live turn detector sees them: where each starts, how long, and the prosody before it. */
export async function pausesIn(pcm: Int16Array): Promise<FoundPause[]> {
  const vad = await createVadStream();
  const detector = new TurnDetector(DEFAULT_TURN_SETTINGS);
  const prosody = new ProsodyTracker();
  const out: FoundPause[] = [];
  let open: FoundPause | undefined;
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
function breaks(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return 250 + Math.round((seed / 2 ** 31) * 600);
  };
}

/** `text` spoken by espeak-ng in `voice`, with a break after each punctuation mark, at 16 kHz. */
export function espeakWithBreaks(text: string, voice: string, breakMs: () => number): Int16Array {
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

/** The last two words of `text` before `at`, lowercase. */
function wordsBefore(text: string, at: number): CueWord[] {
  return (text.slice(0, at).toLowerCase().match(/[a-z']+/g) ?? []).slice(-2).map((word) => ({ text: word }));
}

/** Labelled pauses from `sentences` read three at a time in each voice. */
export async function espeakPauses(sentences: readonly string[], voices: readonly string[], seed = 16): Promise<{ pauses: LabelledPause[]; skipped: number; paragraphs: number }> {
  const breakMs = breaks(seed);
  const pauses: LabelledPause[] = [];
  let skipped = 0;
  let paragraphs = 0;
  for (const voice of voices) {
    for (let s = 0; s < sentences.length; s += 3) {
      const text = sentences.slice(s, s + 3).join(' ');
      paragraphs++;
      // Each punctuation mark, with the word before it and whether a sentence ends there.
      const marks = [...text.matchAll(/([A-Za-z']+)([,.?])/g)].map((m) => ({ words: wordsBefore(text, m.index! + m[1].length), end: m[2] !== ',' }));
      const found = await pausesIn(espeakWithBreaks(text, voice, breakMs));
      if (found.length !== marks.length) {
        skipped++;
        continue;
      }
      found.forEach((p, i) => pauses.push({ lastWords: marks[i].words, prosody: p.prosody, silenceMs: p.silenceMs, label: marks[i].end ? 1 : 0, group: paragraphs }));
    }
  }
  return { pauses, skipped, paragraphs };
}
