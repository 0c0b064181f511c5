import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toText } from '../../src/transcript/format-txt.js';
import { createTranscript, type Word } from '../../src/transcript/model.js';

/** 300 ms words with 100 ms gaps; `pauses` adds silence after a word index. */
function words(text: string, pauses: Record<number, number> = {}, speakers?: string[]): Word[] {
  let t = 0;
  return text.split(' ').map((token, i) => {
    const word: Word = { text: token, start: t, end: t + 300, confidence: 1 };
    if (speakers) word.speaker = speakers[i];
    t += 300 + (pauses[i] ?? 100);
    return word;
  });
}

const transcriptOf = (ws: Word[]) => createTranscript({ segments: [{ start: 0, end: ws[ws.length - 1].end, words: ws }] });

test('paragraphs become blocks separated by one blank line', () => {
  const text = toText(transcriptOf(words('First one. Still first. Second one.', { 3: 2000 })));
  assert.equal(text, 'First one. Still first.\n\nSecond one.\n');
});

test('speaker labels prefix each paragraph once diarization ran', () => {
  const text = toText(transcriptOf(words('Hi. Hello there.', {}, ['A', 'B', 'B'])));
  assert.equal(text, 'Speaker A: Hi.\n\nSpeaker B: Hello there.\n');
});

test('an empty transcript is empty text', () => {
  assert.equal(toText(createTranscript({ segments: [] })), '');
});
