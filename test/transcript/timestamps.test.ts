import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isEarshotError, type EarshotError } from '../../src/errors.js';
import { toTimestamps } from '../../src/transcript/format-timestamps.js';
import { createTranscript, type Word } from '../../src/transcript/model.js';
import { MS_PER_WORD, parseTimestamps } from '../../src/transcript/parse-timestamps.js';
import { joinWords } from '../../src/transcript/text.js';

const word = (text: string, start: number, end = start + 300): Word => ({ text, start, end, confidence: 1 });

test('one line per segment, stamped with its first word, hours always present and seconds rounded down', () => {
  const t = createTranscript({
    segments: [
      { start: 0, end: 2000, words: [word('Hello', 500), word('there.', 900)] },
      { start: 60_000, end: 70_000, words: [] },
      { start: 64_000, end: 70_000, words: [word('and', 65_999), word('then', 66_500)] },
      { start: 3_700_000, end: 3_800_000, words: [word('later', 3_725_000)] },
    ],
  });
  assert.equal(toTimestamps(t), '00:00:00 Hello there.\n00:01:05 and then\n01:02:05 later\n');
});

test('parsing spreads each line until the next line, and the last by a speaking rate', () => {
  const t = parseTimestamps('00:00:10 one two\n\n00:00:14 three\n');
  assert.deepEqual(
    t.words.map((w) => [w.text, w.start, w.end]),
    [
      ['one', 10_000, 12_000],
      ['two', 12_000, 14_000],
      ['three', 14_000, 14_000 + MS_PER_WORD],
    ],
  );
  const capped = parseTimestamps('00:00:10 one two\n00:00:14 three four\n', { durationMs: 14_500 });
  assert.equal(capped.words.at(-1)!.end, 14_500);
  assert.equal(capped.durationMs, 14_500);
});

test('parsing tolerates MM:SS, [HH:MM:SS] and (MM:SS) stamps, dashes after the stamp and bare stamps', () => {
  const t = parseTimestamps('01:05 a\n[00:01:07] - b\n(1:10)c\n00:01:12\n');
  assert.deepEqual(
    t.words.map((w) => [w.text, w.start, w.end]),
    [
      ['a', 65_000, 67_000],
      ['b', 67_000, 70_000],
      ['c', 70_000, 72_000],
    ],
  );
  assert.equal(t.durationMs, 72_000);
});

test('timestamps output round-trips: same text per line, times within the second they were rounded to', () => {
  const segments = [0, 1, 2, 3].map((k) => {
    const start = 3_590_000 + k * 7_777;
    const words = 'this is line number'.split(' ').concat(String(k)).map((text, i) => word(text, start + i * 500 + 123));
    return { start: start - 100, end: start + 3000, words };
  });
  const t = createTranscript({ segments });
  const parsed = parseTimestamps(toTimestamps(t));
  assert.deepEqual(
    parsed.segments.map((s) => joinWords(s.words)),
    segments.map((s) => joinWords(s.words)),
  );
  parsed.segments.forEach((s, i) => {
    const delta = segments[i].words[0].start - s.start;
    assert.ok(delta >= 0 && delta < 1000, `line ${i}: ${delta}`);
  });
});

test('a line without a time, a glued time or a time going backwards is rejected naming the line', () => {
  const cases: [string, number][] = [
    ['00:00:01 fine\n\nno time here\n', 3],
    ['00:00:01 fine\n00:00:02text\n', 2],
    ['00:00:05 fine\n00:00:04 earlier\n', 2],
    ['00:61 bad seconds\n', 1],
  ];
  for (const [input, line] of cases) {
    assert.throws(
      () => parseTimestamps(input),
      (err) => isEarshotError(err, 'invalid_request') && (err as EarshotError).message.includes(`line ${line}:`),
      input,
    );
  }
});
