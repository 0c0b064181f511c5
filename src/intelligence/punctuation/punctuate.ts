import { wordSegmentIndexes, type Segment, type Transcript, type Word } from '../../transcript/model.js';
import { toUtterances } from '../../transcript/utterances.js';
import { defaultCasingLexicon, type CasingLexicon } from './casing-lexicon.js';
import { applyCasing, capitalise } from './casing.js';
import { formatNumbers } from './format-numbers.js';
import { COMMA_BEFORE, COMMA_OPENERS, isNonFinal, isQuestion, isStarter } from './sentence-cues.js';
import { toToken, tokenWord, type Token } from './tokens.js';

export interface PunctuateOptions {
  /** AssemblyAI's `format_text`: spelled numbers become digits (rules in format-numbers.ts). */
  formatText: boolean;
  /**
   * Where VAD segments end: `true` (default) reads them from the transcript's segments, `false`
   * ignores them (segments that are not pauses, say caption lines), or a set of word indexes i
   * such that a segment ends after word i.
   */
  segmentBreaks?: boolean | ReadonlySet<number>;
  /** Capitals at sentence starts, for "I" and proper nouns. Default true. */
  casing?: boolean;
  /** Commas after openers ("Well, …") and before "but"/"so" after a pause. Default true. */
  commas?: boolean;
  /** Defaults to the system word list, loaded once. */
  lexicon?: CasingLexicon;
  pauses?: Partial<PauseThresholds>;
  /** A sentence longer than this is split at its longest pause. Default 30. */
  maxSentenceWords?: number;
}

export interface PauseThresholds {
  /** A silence this long ends a sentence on its own (ms). */
  sentenceMs: number;
  /** A silence this long ends a sentence when the next word typically opens one ("so", "what", "i"). */
  cueMs: number;
  /** A silence this long before "but"/"so" inside a sentence takes a comma. */
  commaMs: number;
  /** After a word that cannot end a sentence ("the", "of"), only a silence this long ends one. */
  hardMs: number;
}

export const PAUSE_DEFAULTS: PauseThresholds = { sentenceMs: 700, cueMs: 250, commaMs: 150, hardMs: 1500 };

/**
 * Restores sentence punctuation and casing on a transcript of bare lowercase words (issue 7 item
 * 1, AssemblyAI's `punctuate` and `format_text`). Deterministic: the output depends only on the
 * words, their times and the segments. A transcript whose words already carry sentence
 * punctuation (Whisper's) is returned as it is, since its engine punctuated with more context.
 */
export function punctuate(transcript: Transcript, options: PunctuateOptions): Transcript {
  if (transcript.words.length === 0 || isPunctuated(transcript.words)) return transcript;
  const segmentOf = wordSegmentIndexes(transcript);
  const breaks = breakSet(transcript, segmentOf, options.segmentBreaks ?? true);
  const tokens = transcript.words.map((w, i) => toToken(w, segmentOf[i], breaks.has(i)));
  const punctuated = run(tokens, options);
  const words = punctuated.map(tokenWord);
  const segments: Segment[] = transcript.segments.map((s) => ({ ...s, words: [] }));
  punctuated.forEach((token, i) => segments[token.segment]?.words.push(words[i]));
  const out: Transcript = { ...transcript, words, segments };
  if (transcript.utterances) out.utterances = toUtterances(words);
  return out;
}

/**
 * Punctuates one finished streaming turn (a real-time `end_of_turn` message): the turn is one
 * or more sentences and always ends with "." or "?".
 */
export function punctuateTurn(words: readonly Word[], options: Omit<PunctuateOptions, 'segmentBreaks'> = { formatText: false }): Word[] {
  if (words.length === 0 || isPunctuated(words)) return [...words];
  return run(words.map((w) => toToken(w, 0, false)), options).map(tokenWord);
}

/**
 * Whether an engine already punctuated the words: a "?" or "!", a comma, or a full stop after a
 * word of two or more letters. pocketsphinx's dictionary spells letters and some titles with a
 * dot ("s.", "u.s."), which does not count.
 */
export function isPunctuated(words: readonly Word[]): boolean {
  return words.some((w) => /[?!,;]["')\]]*$/.test(w.text) || (/\.["')\]]*$/.test(w.text) && !/^(\p{L}\.)+$/u.test(w.text) && /\p{L}{2,}\.$/u.test(w.text) && !/^(mr|mrs|ms|dr|st|jr|sr)\.$/i.test(w.text)));
}

function run(input: Token[], options: Omit<PunctuateOptions, 'segmentBreaks'>): Token[] {
  const tokens = options.formatText ? formatNumbers(input) : input.map((t) => ({ ...t }));
  const pauses = { ...PAUSE_DEFAULTS, ...options.pauses };
  const ends = sentenceEnds(tokens, pauses, options.maxSentenceWords ?? 30);
  if (options.casing ?? true) {
    const lexicon = options.lexicon ?? defaultCasingLexicon();
    applyCasing(tokens, { lexicon, abbreviateTitles: options.formatText });
  }
  let sentenceStart = 0;
  tokens.forEach((token, i) => {
    if (i === sentenceStart && (options.casing ?? true)) token.text = capitalise(token.text);
    if (!ends[i]) {
      if ((options.commas ?? true) && wantsComma(tokens, i, sentenceStart, pauses)) token.text += ',';
      return;
    }
    const cores = tokens.slice(sentenceStart, i + 1).map((t) => t.core);
    // A spelled letter ("s.") already carries a dot: one mark, never "s..".
    token.text = token.text.replace(/\.$/, '') + (isQuestion(cores) ? '?' : '.');
    sentenceStart = i + 1;
  });
  return tokens;
}

const gapAfter = (tokens: readonly Token[], i: number): number => {
  const a = tokens[i].words[tokens[i].words.length - 1];
  const b = tokens[i + 1].words[0];
  return b.start - a.end;
};

/**
 * Sentence ends: a VAD segment end or a long pause, unless the word before it cannot end a
 * sentence (then only a very long pause counts); a shorter pause before a word that usually
 * opens a sentence ("so", "what", "and then"); a change of speaker; the last word. Sentences
 * over the word budget are then split at their longest pause.
 */
function sentenceEnds(tokens: readonly Token[], p: PauseThresholds, maxWords: number): boolean[] {
  const ends = tokens.map(() => false);
  ends[tokens.length - 1] = true;
  let length = 0;
  for (let i = 0; i < tokens.length - 1; i++) {
    length++;
    const a = tokens[i];
    const b = tokens[i + 1];
    const gap = gapAfter(tokens, i);
    const speakerA = a.words[a.words.length - 1].speaker;
    const speakerB = b.words[0].speaker;
    const nonFinal = isNonFinal(a.core);
    const opens = isStarter(b.core) || (b.core === 'and' && tokens[i + 2]?.core === 'then');
    let end = false;
    if (speakerA != null && speakerB != null && speakerA !== speakerB) end = true;
    else if (a.breakAfter || gap >= p.sentenceMs) end = !nonFinal || gap >= p.hardMs;
    else if (gap >= p.cueMs && opens && !nonFinal && length >= 3) end = true;
    if (end) {
      ends[i] = true;
      length = 0;
    }
  }
  splitLong(tokens, ends, maxWords);
  return ends;
}

function splitLong(tokens: readonly Token[], ends: boolean[], maxWords: number): void {
  let start = 0;
  for (let i = 0; i < tokens.length; i++) {
    if (!ends[i]) continue;
    if (i - start + 1 > maxWords) {
      // The longest pause that leaves at least three words either side, preferring a word that
      // can end a sentence; a sentence-opening word after it counts as a longer pause.
      let best = -1;
      let bestScore = -Infinity;
      for (let j = start + 2; j <= i - 3; j++) {
        const score = gapAfter(tokens, j) * (isStarter(tokens[j + 1].core) ? 1.5 : 1) - (isNonFinal(tokens[j].core) ? 1e6 : 0);
        if (score > bestScore) [best, bestScore] = [j, score];
      }
      if (best !== -1) {
        ends[best] = true;
        i = start - 1; // re-check both halves
        continue;
      }
    }
    start = i + 1;
  }
}

function wantsComma(tokens: readonly Token[], i: number, sentenceStart: number, p: PauseThresholds): boolean {
  const token = tokens[i];
  if (/[,;:]$/.test(token.text) || i + 1 >= tokens.length) return false;
  const gap = gapAfter(tokens, i);
  if (i === sentenceStart && COMMA_OPENERS.has(token.core) && gap >= p.commaMs) return true;
  return COMMA_BEFORE.has(tokens[i + 1].core) && gap >= p.commaMs && i - sentenceStart >= 2 && !isNonFinal(token.core);
}


function breakSet(transcript: Transcript, segmentOf: number[], option: boolean | ReadonlySet<number>): ReadonlySet<number> {
  if (typeof option !== 'boolean') return option;
  const breaks = new Set<number>();
  if (!option) return breaks;
  for (let i = 0; i < transcript.words.length - 1; i++) if (segmentOf[i] !== segmentOf[i + 1]) breaks.add(i);
  return breaks;
}
