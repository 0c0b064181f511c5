import type { Transcript, Word } from './model.js';

/**
 * AssemblyAI's `remove_audio_tags: "all"`: bracketed audio and speaker tags ("[MUSIC]",
 * "[Speaker: A]", "[MUSIC PLAYING]") are taken out of the words. whisper writes such tags, and its
 * one-word markers (`[BLANK_AUDIO]`) are always dropped by the engine (engines/whisper/words.ts);
 * this also removes tags of several words, which reach the transcript as several words.
 * pocketsphinx writes none.
 */
export function withoutAudioTags(transcript: Transcript): Transcript {
  const tagged = audioTagWords(transcript.words);
  if (tagged.size === 0) return transcript;
  const keep = (words: readonly Word[]) => words.filter((w) => !tagged.has(keyOf(w)));
  return { ...transcript, words: keep(transcript.words), segments: transcript.segments.map((s) => ({ ...s, words: keep(s.words) })) };
}

/** Keys of the words that open a "[", close it with "]", or sit between. An unclosed "[" is kept. */
function audioTagWords(words: readonly Word[]): Set<string> {
  const tagged = new Set<string>();
  let open: Word[] | null = null;
  for (const word of words) {
    const text = word.text.trim();
    if (open === null && text.startsWith('[')) open = [];
    if (open === null) continue;
    open.push(word);
    if (text.endsWith(']')) {
      for (const w of open) tagged.add(keyOf(w));
      open = null;
    }
  }
  return tagged;
}

function keyOf(word: Word): string {
  return `${word.start}:${word.end}:${word.text}`;
}
