/** language_detection: what each engine can tell, computed from its output (src/intelligence/language). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detectLanguage } from '../../src/intelligence/language/detect.js';
import type { Segment, Word } from '../../src/transcript/model.js';

const words = (text: string, confidence: number): Word[] => text.split(' ').map((t, i) => ({ text: t, start: i * 300, end: i * 300 + 250, confidence }));
const segments = (...s: Segment[]) => ({ segments: s, words: s.flatMap((x) => x.words) });

test('English-only engines: "en", with the mean confidence of the words that are English words', () => {
  const english = segments({ start: 0, end: 3000, words: words('the cat sat on the mat', 0.8) });
  assert.deepEqual(detectLanguage(english), { code: 'en', confidence: 0.8 });
  // whisper .en reports no confidences (1): then it is the share of English words.
  const mixed = segments({ start: 0, end: 3000, words: words('das Wetter ist heute schön', 1) });
  const { confidence } = detectLanguage(mixed);
  assert.ok(confidence! < 0.5, `"das wetter ist heute schön" is mostly not English: ${confidence}`);
  assert.deepEqual(detectLanguage(segments({ start: 0, end: 3000, words: words('42 7', 1) })), { code: 'en', confidence: null }, 'numbers belong to no language');
});

test('an engine that identifies languages: the language most words were heard in, and its share', () => {
  const t = segments(
    { start: 0, end: 3000, words: words('guten morgen meine damen und herren', 1), language: 'de' },
    { start: 3000, end: 6000, words: words('good morning', 1), language: 'en' },
  );
  assert.deepEqual(detectLanguage(t), { code: 'de', confidence: 0.75 });
});
