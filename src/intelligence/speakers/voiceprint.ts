import { EarshotError } from '../../errors.js';
import { FEATURE_LAYOUT } from './embedder.js';
import type { SpeakerWindow } from './feature-extractor.js';
import { addStats, emptyStats, fitGaussian, frameLogLikelihood, STATS_LENGTH } from './gaussian-stats.js';

/**
 * A voiceprint (issue 14 item 4): what Earshot keeps of an enrolled voice, and all it needs to
 * recognise it in another recording. It is the diarizer's own description of a speaker, pooled
 * over their speech: the full-covariance Gaussian of MFCC 1–12 over every speech frame (kept as
 * per-frame sufficient statistics: mean and second moments, 91 numbers) and the median pitch. It
 * cannot be played back or turned into speech: it is a handful of averages.
 */
export interface Voiceprint {
  /** Versioned: a voiceprint is only compared with one of the same kind. */
  kind: typeof VOICEPRINT_KIND;
  /** Speech frames (10 ms) it was pooled from. */
  frames: number;
  /** gaussian-stats.ts layout divided by the frame count (so [0] is 1). */
  moments: number[];
  /** Median log2 f0 (Hz) over the windows whose pitch was known; null when none was. */
  pitch: number | null;
}

export const VOICEPRINT_KIND = 'mfcc12-gauss-pitch/1';

/** Less speech than this (10 ms frames) describes a voice too poorly to enrol or to name. */
export const MIN_VOICE_FRAMES = 150;

/**
 * Pools a speaker's windows into one voiceprint; null when they hold less than MIN_VOICE_FRAMES
 * of speech or carry no frame statistics (a network embedder's windows: not supported yet).
 */
export function voiceprintOf(windows: readonly SpeakerWindow[]): Voiceprint | null {
  const stats = emptyStats();
  const pitches: number[] = [];
  for (const w of windows) {
    if (!w.frameStats) return null;
    addStats(stats, w.frameStats);
    const p = w.vector[FEATURE_LAYOUT.pitch[0]];
    if (Number.isFinite(p)) pitches.push(p);
  }
  const frames = stats[0];
  if (!(frames >= MIN_VOICE_FRAMES)) return null;
  pitches.sort((a, b) => a - b);
  return {
    kind: VOICEPRINT_KIND,
    frames: Math.round(frames),
    moments: Array.from(stats, (v) => v / frames),
    pitch: pitches.length > 0 ? pitches[Math.floor(pitches.length / 2)] : null,
  };
}

/** How far apart two voices are, in the two parts a voiceprint has. */
export interface VoiceDistance {
  /** Symmetric cross-likelihood loss, nats per frame (≈ symmetric KL divergence of the Gaussians). */
  spectral: number;
  /** |Δ median pitch| in octaves; 0 when either pitch is unknown. */
  pitch: number;
}

export function voiceDistance(a: Voiceprint, b: Voiceprint): VoiceDistance {
  checkKind(a);
  checkKind(b);
  const sa = Float64Array.from(a.moments);
  const sb = Float64Array.from(b.moments);
  const ga = fitGaussian(sa);
  const gb = fitGaussian(sb);
  const spectral = 0.5 * (frameLogLikelihood(ga, sa) - frameLogLikelihood(gb, sa) + frameLogLikelihood(gb, sb) - frameLogLikelihood(ga, sb));
  const pitch = a.pitch === null || b.pitch === null ? 0 : Math.abs(a.pitch - b.pitch);
  return { spectral, pitch };
}

/** Pitch gaps up to this (octaves) are within one voice's range across recordings; beyond, they count against. */
const PITCH_TOLERANCE = 0.5;
/** Distance per octave of pitch gap beyond the tolerance, on the spectral scale. */
const PITCH_WEIGHT = 8;
/** Distance at which the similarity falls to 1/e. */
const DISTANCE_SCALE = 5;

/**
 * Similarity in (0, 1]: 1 for identical voiceprints, exp(−distance / 5). The spectral distance
 * carries it; a pitch gap of more than half an octave (a deeper or higher voice than any one
 * reader spans across recordings) adds to it.
 */
export function voiceSimilarity(a: Voiceprint, b: Voiceprint): number {
  const d = voiceDistance(a, b);
  return Math.exp(-(d.spectral + PITCH_WEIGHT * Math.max(0, d.pitch - PITCH_TOLERANCE)) / DISTANCE_SCALE);
}

function checkKind(v: Voiceprint): void {
  if (v.kind !== VOICEPRINT_KIND || v.moments.length !== STATS_LENGTH) {
    throw new EarshotError('invalid_request', `A voiceprint of kind ${v.kind} cannot be compared: this server makes ${VOICEPRINT_KIND}; enrol the voice again.`);
  }
}
