import type { Segment, Transcript, Word } from './model.js';
import { searchKey } from './word-search.js';

/** AssemblyAI's `custom_spelling` entry: any of `from` (words or phrases) is written as `to`. */
export interface CustomSpelling {
  from: string[];
  to: string;
}

interface Rule {
  keys: string[];
  to: string;
}

/**
 * Applies `custom_spelling` to the words (AssemblyAI: "replace words or phrases with the spelling
 * you give"). Matching ignores case and surrounding punctuation, as word search does; the
 * punctuation of the original word stays around the replacement. A phrase (several words in
 * `from`) becomes one word spanning their times. The longest phrase wins where rules overlap.
 */
export function applyCustomSpelling(transcript: Transcript, spellings: readonly CustomSpelling[]): Transcript {
  const rules: Rule[] = spellings
    .flatMap((s) => s.from.map((from) => ({ keys: from.split(/\s+/).map(searchKey).filter((k) => k !== ''), to: s.to })))
    .filter((r) => r.keys.length > 0)
    .sort((a, b) => b.keys.length - a.keys.length);
  if (rules.length === 0) return transcript;
  const segments: Segment[] = transcript.segments.map((s) => ({ ...s, words: respell(s.words, rules) }));
  const total = transcript.segments.reduce((n, s) => n + s.words.length, 0);
  // Words normally are the segments' words; if a source ever differs, respell them on their own.
  const words = total === transcript.words.length ? segments.flatMap((s) => s.words) : respell(transcript.words, rules);
  return { ...transcript, segments, words };
}

function respell(words: readonly Word[], rules: readonly Rule[]): Word[] {
  const keys = words.map((w) => searchKey(w.text));
  const out: Word[] = [];
  for (let i = 0; i < words.length; ) {
    const rule = rules.find((r) => i + r.keys.length <= words.length && r.keys.every((k, j) => keys[i + j] === k));
    if (!rule) {
      out.push(words[i]);
      i++;
      continue;
    }
    const span = words.slice(i, i + rule.keys.length);
    const first = span[0];
    const last = span[span.length - 1];
    const word: Word = {
      text: leading(first.text) + rule.to + trailing(last.text),
      start: first.start,
      end: last.end,
      confidence: Math.min(...span.map((w) => w.confidence)),
    };
    if (first.speaker !== undefined) word.speaker = first.speaker;
    out.push(word);
    i += rule.keys.length;
  }
  return out;
}

const leading = (text: string) => /^[^\p{L}\p{N}]*/u.exec(text)?.[0] ?? '';
const trailing = (text: string) => /[^\p{L}\p{N}]*$/u.exec(text)?.[0] ?? '';
