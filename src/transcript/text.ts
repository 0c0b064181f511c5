/**
 * Rendering word texts as running text, and reading sentence punctuation from them. Engines
 * differ: Whisper puts punctuation inside words ("Hello,"), others emit it as its own token (","),
 * and some emit clitics apart ("do" "n't"). One renderer covers all of them.
 */

/** Tokens that belong to the word before them: closing punctuation and English clitics. */
const ATTACH_LEFT = /^(?:[.,!?;:%…)\]}»”’。，！？、]+|['’](?:s|re|ve|ll|d|m|t)|n['’]t)$/i;
/** Tokens that belong to the word after them: opening brackets and quotes. */
const ATTACH_RIGHT = /^[([{«“¿¡]+$/;

/** Joins word texts with single spaces, except around punctuation-only tokens. */
export function joinWords(words: readonly { text: string }[]): string {
  let out = '';
  let glueNext = false;
  for (const word of words) {
    const text = word.text.trim();
    if (text === '') continue;
    if (out === '' || glueNext || ATTACH_LEFT.test(text)) out += text;
    else out += ' ' + text;
    glueNext = ATTACH_RIGHT.test(text);
  }
  return out;
}

/**
 * Abbreviations whose period does not end a sentence. Kept short on purpose: "etc." and "U.S."
 * end sentences as often as not, so they count as ends.
 */
const ABBREVIATIONS = new Set(['mr.', 'mrs.', 'ms.', 'dr.', 'prof.', 'st.', 'jr.', 'sr.', 'vs.', 'e.g.', 'i.e.', 'approx.']);

/** Whether a word's text closes a sentence: it ends in . ? ! … (before any closing quote). */
export function endsSentence(text: string): boolean {
  const trimmed = text.trim().replace(/["'”’»)\]]+$/, '');
  if (!/[.?!…。？！]$/.test(trimmed)) return false;
  return !ABBREVIATIONS.has(trimmed.toLowerCase());
}

/** Whether any word carries sentence punctuation, i.e. a punctuation stage (or the engine) ran. */
export function hasPunctuation(words: readonly { text: string }[]): boolean {
  return words.some((w) => endsSentence(w.text));
}
