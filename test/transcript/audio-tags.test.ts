import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withoutAudioTags } from '../../src/transcript/audio-tags.js';
import { createTranscript } from '../../src/transcript/model.js';

test('remove_audio_tags "all": one- and several-word bracketed tags go; an unclosed bracket stays', () => {
  let at = 0;
  const words = '[MUSIC] hello there [Speaker: A] welcome [applause and cheering] to [the show'
    .split(' ')
    .map((text) => ({ text, start: (at += 300), end: at + 250, confidence: 1 }));
  const t = withoutAudioTags(createTranscript({ segments: [{ start: 0, end: at + 300, words }] }));
  assert.deepEqual(t.words.map((w) => w.text), ['hello', 'there', 'welcome', 'to', '[the', 'show']);
  assert.deepEqual(t.segments[0].words, t.words);
});
