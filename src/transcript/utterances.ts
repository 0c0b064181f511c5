import type { Utterance, Word } from './model.js';
import { toSpan } from './span.js';

/**
 * Groups speaker-labelled words into utterances at every change of speaker. Returns [] when no
 * word has a label (diarization did not run); an unlabelled word joins the utterance around it.
 */
export function toUtterances(words: readonly Word[]): Utterance[] {
  if (!words.some((w) => w.speaker != null)) return [];
  const utterances: Utterance[] = [];
  let current: Word[] = [];
  let speaker: string | null = null;
  const flush = () => {
    if (current.length === 0) return;
    const channel = current.find((w) => w.channel != null)?.channel;
    utterances.push({ ...toSpan(current), speaker: speaker ?? '', ...(channel ? { channel } : {}) });
  };
  for (const word of words) {
    if (word.speaker != null && speaker != null && word.speaker !== speaker) {
      flush();
      current = [];
      speaker = null;
    }
    current.push(word);
    speaker ??= word.speaker ?? null;
  }
  flush();
  return utterances;
}
