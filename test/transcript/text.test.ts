import assert from 'node:assert/strict';
import { test } from 'node:test';
import { endsSentence, hasPunctuation, joinWords } from '../../src/transcript/text.js';

const w = (...texts: string[]) => texts.map((text) => ({ text }));

test('joinWords puts single spaces between words and keeps punctuation inside words', () => {
  assert.equal(joinWords(w('Hello,', 'world.', 'How', 'are', 'you?')), 'Hello, world. How are you?');
});

test('joinWords attaches punctuation-only tokens and clitics to the word before', () => {
  assert.equal(joinWords(w('Hello', ',', 'I', 'do', "n't", 'know', '...', 'it', "'s", 'odd', '!')), "Hello, I don't know... it's odd!");
});

test('joinWords attaches opening brackets to the word after', () => {
  assert.equal(joinWords(w('a', '(', 'quiet', ')', 'room')), 'a (quiet) room');
});

test('joinWords trims engine whitespace and skips empty tokens', () => {
  assert.equal(joinWords(w(' leading', '', '  ', 'trailing ')), 'leading trailing');
  assert.equal(joinWords([]), '');
});

test('endsSentence reads . ? ! and … but not common abbreviations', () => {
  for (const end of ['done.', 'why?', 'yes!', 'well…', 'said."', 'it.)']) assert.ok(endsSentence(end), end);
  for (const notEnd of ['Dr.', 'mr.', 'e.g.', 'hello,', '3.5', 'word']) assert.ok(!endsSentence(notEnd), notEnd);
});

test('hasPunctuation is false for raw engine output and true once any sentence ends', () => {
  assert.equal(hasPunctuation(w('hello', 'world', 'again')), false);
  assert.equal(hasPunctuation(w('hello,', 'world')), false);
  assert.equal(hasPunctuation(w('hello', 'world.', 'again')), true);
});
