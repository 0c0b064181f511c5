import type { AnnotatedSentence } from '../nlp/annotate.js';
import { scoreSentences } from './extractive.js';

/**
 * The transcript as the LLM reads it: "Speaker A: …" lines when diarization ran, else plain
 * sentences. When it is longer than `maxChars`, the best-scoring sentences that fit are kept in
 * their original order, so a long podcast reaches a small local model as its most central
 * sentences rather than as its first minutes. `condensed` says whether anything was dropped.
 */
export function transcriptForPrompt(sentences: readonly AnnotatedSentence[], maxChars: number): { text: string; condensed: boolean } {
  const lines = sentences.map((s) => (s.speaker != null ? `Speaker ${s.speaker}: ${s.text}` : s.text));
  const full = lines.join('\n');
  if (full.length <= maxChars) return { text: full, condensed: false };
  const { scores } = scoreSentences(sentences);
  const order = scores.map((_, i) => i).sort((a, b) => scores[b] - scores[a]);
  const keep = new Set<number>();
  let used = 0;
  for (const i of order) {
    if (used + lines[i].length + 1 > maxChars) continue;
    keep.add(i);
    used += lines[i].length + 1;
  }
  return { text: lines.filter((_, i) => keep.has(i)).join('\n'), condensed: true };
}
