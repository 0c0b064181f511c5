import type { Word } from '../../transcript/model.js';
import type { SpeakerWindow } from './feature-extractor.js';

/** A stretch of time given to one speaker. */
export interface SpeakerTurn {
  speaker: string;
  start: number;
  end: number;
}

/** Runs of words this short (ms) inside continuous speech are taken for clustering noise. */
const MIN_FLIP_MS = 1000;
/** …when the silences on both sides are shorter than this; a pause around it suggests a real reply. */
const FLIP_GAP_MS = 250;

/**
 * Removes one-window flips: a window whose neighbours in the same segment agree with each other
 * but not with it takes their cluster. Overlapping windows share half their audio, so a lone
 * disagreeing one is more likely noise than a speaker change.
 */
export function smoothWindows(windows: readonly SpeakerWindow[], clusters: Int32Array): void {
  for (let i = 1; i < windows.length - 1; i++) {
    const same = windows[i - 1].segment === windows[i].segment && windows[i + 1].segment === windows[i].segment;
    if (same && clusters[i - 1] === clusters[i + 1] && clusters[i] !== clusters[i - 1]) clusters[i] = clusters[i - 1];
  }
}

/**
 * Contiguous turns from the windows: overlapping windows split their overlap at its middle;
 * neighbouring turns of the same cluster merge across short gaps.
 */
export function toTurns(windows: readonly SpeakerWindow[], clusters: Int32Array): { cluster: number; start: number; end: number }[] {
  const turns: { cluster: number; start: number; end: number }[] = [];
  windows.forEach((w, i) => {
    const previous = windows[i - 1];
    const next = windows[i + 1];
    const start = previous && previous.end > w.start ? (previous.end + w.start) / 2 : w.start;
    const end = next && next.start < w.end ? (w.end + next.start) / 2 : w.end;
    const last = turns[turns.length - 1];
    if (last && last.cluster === clusters[i] && start - last.end < FLIP_GAP_MS * 4) last.end = end;
    else turns.push({ cluster: clusters[i], start, end });
  });
  return turns;
}

/**
 * A cluster per word: the windows overlapping the word vote, each with its overlap weighted by
 * closeness to the window's centre (a window describes its middle best). A word no window
 * touches (a short segment that got none) takes the nearest window's cluster. Then runs shorter
 * than MIN_FLIP_MS inside continuous speech take their neighbours' cluster.
 */
export function assignWords(words: readonly Word[], windows: readonly SpeakerWindow[], clusters: Int32Array): number[] {
  if (windows.length === 0) return words.map(() => 0);
  const out: number[] = [];
  let first = 0;
  for (const word of words) {
    while (first < windows.length && windows[first].end <= word.start) first++;
    const votes = new Map<number, number>();
    for (let i = first; i < windows.length && windows[i].start < word.end; i++) {
      const w = windows[i];
      const overlap = Math.min(w.end, word.end) - Math.max(w.start, word.start);
      if (overlap <= 0) continue;
      const centre = (w.start + w.end) / 2;
      const half = (w.end - w.start) / 2;
      const closeness = 1 - Math.min(1, Math.abs((word.start + word.end) / 2 - centre) / half) * 0.9;
      votes.set(clusters[i], (votes.get(clusters[i]) ?? 0) + overlap * closeness);
    }
    out.push(votes.size > 0 ? [...votes].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0][0] : clusters[nearest(windows, word)]);
  }
  smoothWordRuns(words, out);
  return out;
}

function nearest(windows: readonly SpeakerWindow[], word: Word): number {
  const mid = (word.start + word.end) / 2;
  let best = 0;
  windows.forEach((w, i) => {
    const d = Math.max(w.start - mid, mid - w.end, 0);
    const bestD = Math.max(windows[best].start - mid, mid - windows[best].end, 0);
    if (d < bestD) best = i;
  });
  return best;
}

function smoothWordRuns(words: readonly Word[], clusters: number[]): void {
  let i = 0;
  while (i < words.length) {
    let j = i;
    while (j + 1 < words.length && clusters[j + 1] === clusters[i]) j++;
    const before = clusters[i - 1];
    const after = clusters[j + 1];
    const short = words[j].end - words[i].start < MIN_FLIP_MS;
    const joined = i > 0 && j + 1 < words.length && words[i].start - words[i - 1].end < FLIP_GAP_MS && words[j + 1].start - words[j].end < FLIP_GAP_MS;
    if (short && joined && before === after) for (let k = i; k <= j; k++) clusters[k] = before;
    i = j + 1;
  }
}
