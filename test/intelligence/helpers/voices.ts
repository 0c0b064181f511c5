import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { decodeAudioToPcm } from '../../../src/audio/decode.js';
import { segmentSpeech, type SpeechSegment } from '../../../src/audio/vad/segmenter.js';

const run = promisify(execFile);
export const RATE = 16000;

/** Synthetic speech from espeak-ng, decoded to 16 kHz mono through the real decoder, with the
 * silence espeak puts around it cut off so a turn's bounds are its speech. */
export async function speak(voice: string, text: string): Promise<Int16Array> {
  const { stdout } = await run('espeak-ng', ['-v', voice, '-s', '165', '--stdout', text], { encoding: 'buffer', maxBuffer: 64 << 20 });
  return trimSilence(await decodeAudioToPcm(stdout));
}

function trimSilence(pcm: Int16Array, threshold = 300): Int16Array {
  let a = 0;
  let b = pcm.length;
  while (a < b && Math.abs(pcm[a]) < threshold) a++;
  while (b > a && Math.abs(pcm[b - 1]) < threshold) b--;
  return pcm.slice(a, b);
}

export interface Line {
  speaker: string;
  voice: string;
  text: string;
  /** Silence before the line (ms). */
  gapMs: number;
}

/** Reference speech: who speaks from when to when (ms). */
export interface ReferenceTurn {
  speaker: string;
  start: number;
  end: number;
}

/** Concatenates spoken lines with the given silences; the reference turns are known exactly. */
export async function buildConversation(lines: readonly Line[]): Promise<{ pcm: Int16Array; reference: ReferenceTurn[] }> {
  const pieces = await Promise.all(lines.map((l) => speak(l.voice, l.text)));
  const total = lines.reduce((n, l, i) => n + (l.gapMs * RATE) / 1000 + pieces[i].length, 0) + RATE / 2;
  const pcm = new Int16Array(Math.ceil(total));
  const reference: ReferenceTurn[] = [];
  let at = 0;
  lines.forEach((line, i) => {
    at += Math.round((line.gapMs * RATE) / 1000);
    pcm.set(pieces[i], at);
    reference.push({ speaker: line.speaker, start: (at * 1000) / RATE, end: ((at + pieces[i].length) * 1000) / RATE });
    at += pieces[i].length;
  });
  return { pcm, reference };
}

/** Speech segments from the real Silero VAD, as the pipeline produces them. */
export async function vadSegments(pcm: Int16Array): Promise<SpeechSegment[]> {
  const segments: SpeechSegment[] = [];
  const chunks = function* () {
    for (let i = 0; i < pcm.length; i += RATE) yield pcm.subarray(i, i + RATE);
  };
  for await (const s of segmentSpeech(chunks())) segments.push(s);
  return segments;
}

/**
 * Words for the spoken lines, each line's words spread over its known time in proportion to
 * their length, with the true speaker kept aside for scoring. Stands in for an engine's word
 * times (the default engine does poorly on espeak voices, see ../shared/speech-data.md).
 */
export function spreadWords(lines: readonly Line[], reference: readonly ReferenceTurn[]): { text: string; start: number; end: number; confidence: number; truth: string }[] {
  return lines.flatMap((line, i) => {
    const turn = reference[i];
    const words = line.text.replace(/[^\w\s']/g, '').split(/\s+/).filter(Boolean);
    const total = words.reduce((n, w) => n + w.length + 1, 0);
    let at = turn.start;
    return words.map((text) => {
      const length = ((turn.end - turn.start) * (text.length + 1)) / total;
      const word = { text, start: Math.round(at), end: Math.round(at + length * 0.9), confidence: 0.9, truth: line.speaker };
      at += length;
      return word;
    });
  });
}

/** A short interview in two clearly different espeak-ng voices, for end-to-end speaker tests. */
export const INTERVIEW: readonly Line[] = [
  'welcome back to the show, today we are talking about speech recognition on small computers',
  'thanks for having me, it is a topic I have worked on for many years',
  'what got you started in this field?',
  'honestly it was curiosity about how machines listen to people',
].map((text, i) => ({ speaker: i % 2 ? 'B' : 'A', voice: i % 2 ? 'en-us+f4' : 'en-us+m3', text, gapMs: 400 }));
