import type { Word } from '../../transcript/model.js';
import type { SpeakerWindow, TimedSlice } from './feature-extractor.js';
import { addStats, emptyStats, fitGaussian, frameLogLikelihood, type FittedGaussian } from './gaussian-stats.js';

/**
 * Nats a change of speaker costs between two words with no pause between them; it falls to
 * PAUSED_SWITCH_NATS once the pause reaches PAUSE_MS. A word of real speech (30–40 frames) that
 * fits one speaker by 0.5–1 nat per frame better than the other pays for a change inside a VAD
 * segment; a single ambiguous word does not.
 */
const SWITCH_NATS = 25;
const PAUSED_SWITCH_NATS = 6;
const PAUSE_MS = 400;

/**
 * Word-level re-segmentation (issue 17): the windows the clustering labels are 1.5 s long, so a
 * turn change inside a VAD segment lands somewhere in a window that straddles it. Here every
 * speaker gets a Gaussian of its windows' MFCC frames, every word the frame statistics of the
 * 250 ms slices under it, and a Viterbi pass over the words picks the labels that explain the
 * frames best, a change of speaker costing less after a pause. Words with no speech frames keep
 * the label the windows gave them as far as the path allows.
 */
export function relabelWords(words: readonly Word[], slices: readonly TimedSlice[], windows: readonly SpeakerWindow[], clusters: Int32Array, byWindows: readonly number[]): number[] {
  const k = clusters.length === 0 ? 0 : Math.max(...clusters) + 1;
  if (k < 2 || words.length === 0 || slices.length === 0 || windows.some((w) => !w.frameStats)) return [...byWindows];
  const speakerStats = Array.from({ length: k }, () => emptyStats());
  windows.forEach((w, i) => addStats(speakerStats[clusters[i]], w.frameStats!));
  if (speakerStats.some((s) => s[0] < 50)) return [...byWindows];
  const models: FittedGaussian[] = speakerStats.map(fitGaussian);

  // Emission: the word's frames' log-likelihood under each speaker (nats), plus a nudge towards
  // the windows' label so words without speech frames keep it.
  const emissions = wordStats(words, slices).map((stats, i) => {
    const n = stats[0];
    return models.map((m, c) => (n > 0 ? n * frameLogLikelihood(m, stats) : 0) + (c === byWindows[i] ? 2 : 0));
  });
  const score = Float64Array.from(emissions[0]);
  const back: Int32Array[] = [];
  for (let i = 1; i < words.length; i++) {
    const gap = Math.max(0, words[i].start - words[i - 1].end);
    const penalty = SWITCH_NATS - (SWITCH_NATS - PAUSED_SWITCH_NATS) * Math.min(1, gap / PAUSE_MS);
    const from = new Int32Array(k);
    const next = new Float64Array(k);
    for (let c = 0; c < k; c++) {
      let best = c;
      let value = score[c];
      for (let p = 0; p < k; p++) {
        if (p !== c && score[p] - penalty > value) [best, value] = [p, score[p] - penalty];
      }
      from[c] = best;
      next[c] = value + emissions[i][c];
    }
    back.push(from);
    score.set(next);
  }
  const out = new Array<number>(words.length);
  let state = score.indexOf(Math.max(...score));
  for (let i = words.length - 1; i >= 0; i--) {
    out[i] = state;
    if (i > 0) state = back[i - 1][state];
  }
  return out;
}

/** Each word's share of the slices it overlaps (slices in time order). */
function wordStats(words: readonly Word[], slices: readonly TimedSlice[]): Float64Array[] {
  let first = 0;
  return words.map((word) => {
    const stats = emptyStats();
    while (first < slices.length && slices[first].end <= word.start) first++;
    for (let j = first; j < slices.length && slices[j].start < word.end; j++) {
      const s = slices[j];
      const share = (Math.min(s.end, word.end) - Math.max(s.start, word.start)) / (s.end - s.start);
      if (share <= 0) continue;
      for (let x = 0; x < stats.length; x++) stats[x] += share * s.stats[x];
    }
    return stats;
  });
}
