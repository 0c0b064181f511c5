import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatClock, formatTimecode, parseTimecode } from '../../src/transcript/timecode.js';

test('formatTimecode writes hours, minutes, seconds and milliseconds with the chosen separator', () => {
  assert.equal(formatTimecode(0, ','), '00:00:00,000');
  assert.equal(formatTimecode(3_723_004, ','), '01:02:03,004');
  assert.equal(formatTimecode(3_723_004, '.'), '01:02:03.004');
  assert.equal(formatTimecode(1999.6, '.'), '00:00:02.000');
  assert.equal(formatTimecode(100 * 3_600_000, ','), '100:00:00,000');
  assert.equal(formatTimecode(-5, ','), '00:00:00,000');
});

test('formatClock rounds down to the second', () => {
  assert.equal(formatClock(65_999), '00:01:05');
  assert.equal(formatClock(3_600_000), '01:00:00');
});

test('parseTimecode reads what formatTimecode writes', () => {
  for (let ms = 0; ms < 400_000_000; ms = ms * 3 + 7919) {
    assert.equal(parseTimecode(formatTimecode(ms, ',')), ms);
    assert.equal(parseTimecode(formatTimecode(ms, '.')), ms);
  }
});

test('parseTimecode accepts short forms and decimal fractions', () => {
  assert.equal(parseTimecode('01:05'), 65_000);
  assert.equal(parseTimecode('75:30'), 4_530_000);
  assert.equal(parseTimecode('1:02:03'), 3_723_000);
  assert.equal(parseTimecode('00:00:01.5'), 1500);
  assert.equal(parseTimecode('00:00:01,05'), 1050);
});

test('parseTimecode refuses out-of-range fields and non-times', () => {
  for (const bad of ['00:60', '01:60:00', '00:00:00.0000', '1:2', 'abc', '', '00:00:xx', '1:123:00']) {
    assert.equal(parseTimecode(bad), undefined, bad);
  }
});
