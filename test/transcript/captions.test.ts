import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isEarshotError } from '../../src/errors.js';
import { buildCues, charLength, wrapLines } from '../../src/transcript/captions.js';
import { toSrt } from '../../src/transcript/format-srt.js';
import { toVtt } from '../../src/transcript/format-vtt.js';
import { createTranscript, type Segment, type Word } from '../../src/transcript/model.js';
import { parseSrt } from '../../src/transcript/parse-srt.js';
import { parseVtt } from '../../src/transcript/parse-vtt.js';
import { joinWords } from '../../src/transcript/text.js';

const LOREM =
  'So, the first thing we looked at was the microphone placement; it matters more than people think. ' +
  'Then we tried three different rooms (a kitchen, a closet & a studio) and compared the noise floors. ' +
  'Honestly? The closet won. Internationalisation-related recordings were harder, of course, ' +
  'because speakers switched languages mid-sentence. <laughs> We measured everything twice.';

/** A transcript of LOREM in segments of 9–17 words with varied word lengths and times. */
function sample(startMs = 0): ReturnType<typeof createTranscript> {
  const tokens = LOREM.split(' ');
  const segments: Segment[] = [];
  let t = startMs;
  for (let i = 0, size = 9; i < tokens.length; i += size, size = 9 + ((size * 7) % 9)) {
    const words: Word[] = tokens.slice(i, i + size).map((text, k) => {
      const start = t;
      const end = t + 120 + text.length * 37 + (k % 3) * 0.4; // fractional ms on purpose
      t = end + (k % 5 === 4 ? 700 : 60);
      return { text, start, end, confidence: 0.9 };
    });
    segments.push({ start: words[0].start - 200, end: words[words.length - 1].end + 200, words });
    t += 1500;
  }
  return createTranscript({ segments });
}

test('every cue respects charsPerCaption and the line limits, unless it is a single long word', () => {
  const t = sample();
  for (const charsPerCaption of [8, 16, 32, 60, 100]) {
    for (const cue of buildCues(t, { charsPerCaption, maxLineLength: 42, maxLines: 2 })) {
      const text = cue.lines.join(' ');
      if (!text.includes(' ')) continue;
      assert.ok(charLength(text) <= charsPerCaption, `${charsPerCaption}: ${text}`);
      assert.ok(cue.lines.length <= 2, `${charsPerCaption}: ${cue.lines.join(' / ')}`);
      for (const line of cue.lines) if (line.includes(' ')) assert.ok(charLength(line) <= 42, line);
    }
  }
});

test('cues keep every word once, in order, and never span two segments', () => {
  const t = sample();
  const cues = buildCues(t, { charsPerCaption: 24 });
  assert.equal(cues.map((c) => c.lines.join(' ')).join(' '), joinWords(t.words));
  for (const cue of cues) {
    const inside = t.segments.filter((s) => s.words.some((w) => w.start >= cue.start && w.end <= cue.end));
    assert.equal(inside.length, 1, cue.lines.join(' '));
  }
  for (let i = 1; i < cues.length; i++) assert.ok(cues[i].start >= cues[i - 1].end);
});

test('a cue takes its times from its first and last words', () => {
  const words: Word[] = [
    { text: 'short', start: 1000, end: 1400, confidence: 1 },
    { text: 'cue', start: 1500, end: 1800, confidence: 1 },
  ];
  const cues = buildCues(createTranscript({ segments: [{ start: 500, end: 2500, words }] }));
  assert.deepEqual(cues, [{ start: 1000, end: 1800, lines: ['short cue'] }]);
});

test('a long cue wraps into two balanced lines', () => {
  const lines = wrapLines('the quick brown fox jumps over the lazy dog', 43, 2); // exactly 43 characters
  assert.equal(lines.length, 1);
  const wrapped = wrapLines('the quick brown fox jumps over the lazy dog', 30, 2);
  assert.equal(wrapped.length, 2);
  assert.ok(Math.abs(charLength(wrapped[0]) - charLength(wrapped[1])) <= 6, wrapped.join(' / '));
});

test('SRT output round-trips through the SRT parser', () => {
  const t = sample(3_599_000); // crosses the one-hour mark
  for (const charsPerCaption of [16, 32, 80]) {
    const cues = buildCues(t, { charsPerCaption });
    const parsed = parseSrt(toSrt(t, { charsPerCaption }));
    assert.equal(joinWords(parsed.words), joinWords(t.words));
    assert.equal(parsed.segments.length, cues.length);
    parsed.segments.forEach((segment, i) => {
      assert.ok(Math.abs(segment.start - cues[i].start) <= 0.5);
      assert.ok(Math.abs(segment.end - cues[i].end) <= 0.5);
    });
  }
});

test('WebVTT output round-trips through the WebVTT parser, markup characters included', () => {
  const t = sample(3_599_000);
  assert.ok(joinWords(t.words).includes('<laughs>') && joinWords(t.words).includes('&'));
  const cues = buildCues(t, { charsPerCaption: 50 });
  const vtt = toVtt(t, { charsPerCaption: 50 });
  assert.ok(vtt.startsWith('WEBVTT\n\n'));
  const parsed = parseVtt(vtt);
  assert.equal(joinWords(parsed.words), joinWords(t.words));
  parsed.segments.forEach((segment, i) => {
    assert.ok(Math.abs(segment.start - cues[i].start) <= 0.5);
    assert.ok(Math.abs(segment.end - cues[i].end) <= 0.5);
  });
});

test('SRT cues are numbered from 1 and use commas; WebVTT cues use periods', () => {
  const t = sample();
  const srtBlocks = toSrt(t).trimEnd().split('\n\n');
  srtBlocks.forEach((block, i) => {
    const [number, timing] = block.split('\n');
    assert.equal(number, String(i + 1));
    assert.match(timing, /^\d{2}:\d{2}:\d{2},\d{3} --> \d{2}:\d{2}:\d{2},\d{3}$/);
  });
  for (const block of toVtt(t).trimEnd().split('\n\n').slice(1)) {
    assert.match(block.split('\n')[0], /^\d{2}:\d{2}:\d{2}\.\d{3} --> \d{2}:\d{2}:\d{2}\.\d{3}$/);
  }
});

test('an empty transcript gives an empty SRT and a bare WebVTT header', () => {
  const t = createTranscript({ segments: [] });
  assert.equal(toSrt(t), '');
  assert.equal(parseVtt(toVtt(t)).words.length, 0);
});

test('a bad charsPerCaption is an invalid_request', () => {
  for (const charsPerCaption of [0, -5, 2.5, Number.NaN]) {
    assert.throws(() => toSrt(sample(), { charsPerCaption }), (err) => isEarshotError(err, 'invalid_request'));
  }
});
