import type { Transcript, Utterance, Word } from '../../transcript/model.js';
import { toSpan } from '../../transcript/span.js';

/**
 * Profane word roots and the endings they take ("fuck" → "fucking", "fuckers"). Whole words only:
 * "class", "assess", "Scunthorpe" and "cocktail" are never touched. Words with common innocent
 * senses ("cock", "prick", "screw") are left out on purpose; masking them would damage ordinary
 * transcripts more than leaving them helps. `strength` feeds content-safety severity.
 */
export const PROFANITY: readonly { root: string; strength: number }[] = [
  { root: 'fuck', strength: 0.9 },
  { root: 'motherfuck', strength: 1 },
  { root: 'cunt', strength: 1 },
  { root: 'shit', strength: 0.7 },
  { root: 'bullshit', strength: 0.6 },
  { root: 'bitch', strength: 0.7 },
  { root: 'bastard', strength: 0.6 },
  { root: 'asshole', strength: 0.7 },
  { root: 'arsehole', strength: 0.7 },
  { root: 'dick', strength: 0.6 },
  { root: 'dickhead', strength: 0.7 },
  { root: 'piss', strength: 0.5 },
  { root: 'twat', strength: 0.8 },
  { root: 'wanker', strength: 0.8 },
  { root: 'bollocks', strength: 0.5 },
  { root: 'slut', strength: 0.8 },
  { root: 'whore', strength: 0.8 },
  { root: 'goddamn', strength: 0.4 },
  { root: 'damn', strength: 0.3 },
  { root: 'crap', strength: 0.3 },
  { root: 'ass', strength: 0.4 },
  { root: 'arse', strength: 0.4 },
];

const ROOTS = [...PROFANITY].sort((a, b) => b.root.length - a.root.length).map((p) => p.root);
const WORD = new RegExp(`^(${ROOTS.join('|')})(s|es|ed|ing|in|in'|er|ers|y|ty|head|heads|hole|holes)?$`, 'i');
const STRENGTH = new Map(PROFANITY.map((p) => [p.root, p.strength]));

/** The profanity in a word's text (punctuation around it ignored), or undefined. */
export function profanityOf(text: string): { root: string; strength: number } | undefined {
  const core = coreOf(text);
  const match = WORD.exec(core.word);
  if (!match) return undefined;
  const root = match[1].toLowerCase();
  return { root, strength: STRENGTH.get(root) ?? 0.5 };
}

/** "Shit!" → "S***!": the first letter stays and every other letter becomes "*", as AssemblyAI masks. */
export function maskWord(text: string): string {
  const { before, word, after } = coreOf(text);
  if (!WORD.test(word)) return text;
  return before + word.charAt(0) + '*'.repeat(word.length - 1) + after;
}

/** `filter_profanity`: copies of the words with profanity masked. */
export function filterProfanity(words: readonly Word[]): Word[] {
  return words.map((w) => {
    const masked = maskWord(w.text);
    return masked === w.text ? w : { ...w, text: masked };
  });
}

/** The transcript with `filter_profanity` applied to its segments, words and utterances. */
export function filterTranscriptProfanity(transcript: Transcript): Transcript {
  const segments = transcript.segments.map((s) => ({ ...s, words: filterProfanity(s.words) }));
  const out: Transcript = { ...transcript, segments, words: segments.flatMap((s) => s.words) };
  // Segments normally hold every word; when they do not, the word list is filtered on its own.
  if (out.words.length !== transcript.words.length) out.words = filterProfanity(transcript.words);
  if (transcript.utterances) out.utterances = transcript.utterances.map(filterUtterance);
  return out;
}

function filterUtterance(u: Utterance): Utterance {
  const words = filterProfanity(u.words);
  return { ...u, words, text: toSpan(words).text };
}

function coreOf(text: string): { before: string; word: string; after: string } {
  const match = /^([^\p{L}]*)([\p{L}][\p{L}'’]*?)([^\p{L}]*)$/u.exec(text);
  if (!match) return { before: '', word: text, after: '' };
  return { before: match[1], word: match[2], after: match[3] };
}
