/**
 * Verification trials for known voices (issue 14 item 4): every real voice on a Debian machine
 * (pocketsphinx-testdata's LibriVox reader, "cards" and command speakers, and JFK) is enrolled
 * from one recording session and scored against every other session, its own (genuine trials)
 * and everyone else's (impostor trials), through the same VAD and speaker features as
 * POST /v2/voices. espeak-ng voices, when installed, add impostors and genuine pairs of their own,
 * reported apart: a synthesizer's voices are not people.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { encodeWav } from '../../intelligence/redaction/encode.js';
import { voiceSimilarity, type Voiceprint } from '../../intelligence/speakers/voiceprint.js';
import { voiceprintFromAudio } from '../../pipeline/voice-enrolment.js';
import { JFK_WAV, POCKETSPHINX_TESTDATA, readPcm } from '../diarization/conversations.js';

/** One recording session of a voice: clips recorded together, joined. */
interface Session {
  voice: string;
  name: string;
  synthetic: boolean;
  pcm: () => Int16Array;
}

export interface Trial {
  enrolled: string;
  tested: string;
  genuine: boolean;
  synthetic: boolean;
  similarity: number;
}

const librivox = (n: string) => join(POCKETSPHINX_TESTDATA, `librivox/sense_and_sensibility_01_austen_64kb-${n}.wav`);
const joined = (paths: string[]) => () => concat(paths.map((p) => readPcm(p)));

/**
 * The cards clips are under 2 s of speech each, too short to enrol alone, so they form two
 * sessions; the command clips (goforward, numbers, something) are taken as one speaker, as the
 * diarization set does; JFK's one clip is cut in two halves.
 */
export function realSessions(dataDir = POCKETSPHINX_TESTDATA): Session[] {
  const at = (f: string) => join(dataDir, f);
  const half = (which: 0 | 1) => () => {
    const pcm = readPcm(JFK_WAV);
    const mid = Math.floor(pcm.length / 2);
    return which === 0 ? pcm.slice(0, mid) : pcm.slice(mid);
  };
  return [
    ...['0870', '0880', '0890', '0920', '0930'].map((n) => ({ voice: 'narrator', name: `librivox-${n}`, synthetic: false, pcm: joined([librivox(n)]) })),
    { voice: 'jfk', name: 'jfk-first-half', synthetic: false, pcm: half(0) },
    { voice: 'jfk', name: 'jfk-second-half', synthetic: false, pcm: half(1) },
    { voice: 'cards', name: 'cards-001-003', synthetic: false, pcm: joined(['001', '002', '003'].map((n) => at(`cards/${n}.wav`))) },
    { voice: 'cards', name: 'cards-004-005', synthetic: false, pcm: joined(['004', '005'].map((n) => at(`cards/${n}.wav`))) },
    ...['goforward', 'numbers', 'something'].map((n) => ({ voice: 'commands', name: n, synthetic: false, pcm: joined([at(`${n}.raw`)]) })),
  ];
}

const ESPEAK_VOICES = ['en-us', 'en-us+f3', 'en-gb', 'en-us+m3', 'en-gb-scotland'];
const ESPEAK_TEXTS = [
  'Welcome back to the show. This week we talk about speech recognition on your own machine.',
  'Our guest builds servers that keep the audio private, and she explains how that works.',
];

/** Two sessions (different sentences) per espeak-ng voice; none when espeak-ng or sox is missing. */
export function syntheticSessions(): Session[] {
  const out: Session[] = [];
  for (const voice of ESPEAK_VOICES) {
    ESPEAK_TEXTS.forEach((text, i) =>
      out.push({ voice: `espeak:${voice}`, name: `espeak-${voice}-${i + 1}`, synthetic: true, pcm: () => speak(voice, text) }),
    );
  }
  try {
    execFileSync('espeak-ng', ['--version'], { stdio: 'ignore' });
    execFileSync('sox', ['--version'], { stdio: 'ignore' });
  } catch {
    return [];
  }
  return out;
}

function speak(voice: string, text: string): Int16Array {
  const wav = execFileSync('sh', ['-c', 'espeak-ng -v "$0" --stdout "$1" | sox -q -t wav - -r 16000 -c 1 -b 16 -t raw -', voice, text]);
  return new Int16Array(wav.buffer.slice(wav.byteOffset, wav.byteOffset + (wav.length & ~1)));
}

/** Every ordered pair of sessions: enrolled from the first, tested on the second. */
export async function runTrials(sessions: readonly Session[]): Promise<Trial[]> {
  const prints = new Map<string, Voiceprint>();
  for (const s of sessions) prints.set(s.name, await voiceprintFromAudio(encodeWav(s.pcm())));
  const trials: Trial[] = [];
  for (const a of sessions) {
    for (const b of sessions) {
      if (a === b) continue;
      trials.push({
        enrolled: a.name,
        tested: b.name,
        genuine: a.voice === b.voice,
        synthetic: a.synthetic || b.synthetic,
        similarity: voiceSimilarity(prints.get(a.name)!, prints.get(b.name)!),
      });
    }
  }
  return trials;
}

export interface ErrorRates {
  threshold: number;
  genuine: number;
  impostor: number;
  /** Impostor trials accepted (fraction). */
  falseAccept: number;
  /** Genuine trials rejected (fraction). */
  falseReject: number;
}

export function errorRates(trials: readonly Trial[], threshold: number): ErrorRates {
  const genuine = trials.filter((t) => t.genuine);
  const impostor = trials.filter((t) => !t.genuine);
  return {
    threshold,
    genuine: genuine.length,
    impostor: impostor.length,
    falseAccept: impostor.filter((t) => t.similarity >= threshold).length / Math.max(1, impostor.length),
    falseReject: genuine.filter((t) => t.similarity < threshold).length / Math.max(1, genuine.length),
  };
}

function concat(parts: readonly Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) out.set(p, at), (at += p.length);
  return out;
}
