import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EarshotError, isEarshotError } from '../../src/errors.js';
import { detectFormat, parseTranscript } from '../../src/transcript/parse.js';
import { parseSrt } from '../../src/transcript/parse-srt.js';
import { parseVtt } from '../../src/transcript/parse-vtt.js';

/** Asserts an invalid_request whose message names the given line. */
function rejectsAtLine(fn: () => unknown, line: number) {
  assert.throws(fn, (err) => {
    assert.ok(isEarshotError(err, 'invalid_request'), String(err));
    assert.match((err as EarshotError).message, new RegExp(`line ${line}:`));
    return true;
  });
}

const timesAndTexts = (words: { text: string; start: number; end: number }[]) => words.map((w) => [w.text, w.start, w.end]);

test('SRT: words of a cue are spread evenly over its span', () => {
  const srt = '\uFEFF1\r\n00:00:01,000 --> 00:00:04,000\r\nthree words <i>here</i>\r\n\r\n2\r\n00:00:05,000 --> 00:00:06,000\r\nA\r\nB\r\n';
  const t = parseSrt(srt);
  assert.deepEqual(timesAndTexts(t.words), [
    ['three', 1000, 2000],
    ['words', 2000, 3000],
    ['here', 3000, 4000],
    ['A', 5000, 5500],
    ['B', 5500, 6000],
  ]);
  assert.equal(t.segments.length, 2);
  assert.equal(t.durationMs, 6000);
});

test('SRT: missing cue numbers and missing blank lines are tolerated, uneven thirds are rounded', () => {
  const t = parseSrt('00:00:00,000 --> 00:00:01,000\none two three\n2\n00:00:01.500 --> 00:00:02,000\nfour\n');
  assert.deepEqual(timesAndTexts(t.words), [
    ['one', 0, 333],
    ['two', 333, 667],
    ['three', 667, 1000],
    ['four', 1500, 2000],
  ]);
});

test('SRT: a malformed timing line is rejected naming its line', () => {
  rejectsAtLine(() => parseSrt('1\n00:00:01,000 --> 00:00:02,000\nfine\n\n2\n00:00:03,000 -> 00:00:04,000\nbroken\n'), 6);
  rejectsAtLine(() => parseSrt('1\n00:00:01,000 --> 00:00:xx,000\nbad time\n'), 2);
  rejectsAtLine(() => parseSrt('1\n00:00:05,000 --> 00:00:04,000\nbackwards\n'), 2);
  rejectsAtLine(() => parseSrt('\n\nnot a caption file\n'), 3);
});

test('WebVTT: header metadata, NOTE and STYLE blocks, identifiers, settings and times without hours', () => {
  const vtt = [
    'WEBVTT - a title',
    'Kind: captions',
    '',
    'NOTE a comment that',
    'spans two lines --> with an arrow',
    '',
    'STYLE',
    '::cue { color: yellow }',
    '',
    'intro',
    '00:01.000 --> 00:03.000 align:start position:10%',
    '<v Ann>Hello &amp; welcome</v>',
    '',
    '01:00:00.000 --> 01:00:02.000',
    '<v.loud Bob>Second <i>line</i>',
    'and <00:00:01.500>more',
    '',
  ].join('\n');
  const t = parseVtt(vtt);
  assert.deepEqual(
    t.words.map((w) => [w.text, w.start, w.end, w.speaker]),
    [
      ['Hello', 1000, 1667, 'Ann'],
      ['&', 1667, 2333, 'Ann'],
      ['welcome', 2333, 3000, 'Ann'],
      ['Second', 3_600_000, 3_600_500, 'Bob'],
      ['line', 3_600_500, 3_601_000, 'Bob'],
      ['and', 3_601_000, 3_601_500, 'Bob'],
      ['more', 3_601_500, 3_602_000, 'Bob'],
    ],
  );
  assert.equal(t.durationMs, 3_602_000);
});

test('WebVTT: a missing header or an identifier without timing is rejected naming the line', () => {
  rejectsAtLine(() => parseVtt('00:00.000 --> 00:01.000\nhello\n'), 1);
  rejectsAtLine(() => parseVtt('WEBVTT\n\ncue-1\nhello there\n'), 4);
  rejectsAtLine(() => parseVtt('WEBVTT\n\n00:00.000 --> 00:01.000\nfine\n\n00:02.000 --> 00:61.000\nbad seconds\n'), 6);
});

test('detectFormat tells the four formats apart and parseTranscript dispatches on it', () => {
  const srt = '1\n00:00:01,000 --> 00:00:02,000\nhi\n';
  const vtt = 'WEBVTT\n\n00:01.000 --> 00:02.000\nhi\n';
  const stamps = '00:00:01 hi\n';
  const json = '{"status":"completed","words":[{"text":"hi","start":1000,"end":2000,"confidence":1,"speaker":null}]}';
  assert.equal(detectFormat(srt), 'srt');
  assert.equal(detectFormat(vtt), 'vtt');
  assert.equal(detectFormat(stamps), 'timestamps');
  assert.equal(detectFormat(`  ${json}`), 'assemblyai-json');
  for (const input of [srt, vtt, stamps, json]) {
    const t = parseTranscript(input);
    assert.equal(t.words.map((w) => w.text).join(' '), 'hi');
    assert.equal(t.words[0].start, 1000);
  }
});
