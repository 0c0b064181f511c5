import { createTranscript, type Segment, type Transcript, type Word } from '../../../src/transcript/model.js';

/**
 * Words with timings from a compact spec: each word lasts 300 ms with 20 ms between words;
 * "/" adds a 300 ms pause, "|" an 800 ms pause and "||" starts a new VAD segment (after 600 ms).
 */
export function timedTranscript(spec: string, start = 0): Transcript {
  const segments: Segment[] = [];
  let words: Word[] = [];
  let t = start;
  const close = () => {
    if (words.length > 0) segments.push({ start: words[0].start - 100, end: words[words.length - 1].end + 100, words });
    words = [];
  };
  for (const token of spec.trim().split(/\s+/)) {
    if (token === '/') t += 300;
    else if (token === '|') t += 800;
    else if (token === '||') {
      close();
      t += 600;
    } else {
      words.push({ text: token, start: t, end: t + 300, confidence: 0.9 });
      t += 320;
    }
  }
  close();
  return createTranscript({ segments });
}

export const textOf = (words: readonly { text: string }[]): string => words.map((w) => w.text).join(' ');
