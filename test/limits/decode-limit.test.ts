/**
 * Issue 15 item 1: the longest decoded audio is enforced while decoding, from the samples ffmpeg
 * produces, so a few kilobytes that decode to a day of audio stop at the limit.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { decodeAudio, decodeAudioToPcm } from '../../src/audio/decode.js';
import { decodingBomb } from '../helpers/decoding-bomb.js';
import { expectCode } from '../helpers/errors.js';
import { SHARED_AUDIO_DIR } from '../helpers/librivox.js';

test('a decoding bomb (24 h of silence in a few kB) stops at the limit with audio_too_long', async () => {
  const bomb = await decodingBomb(24);
  assert.ok(bomb.length < 32 * 1024, `the bomb is ${bomb.length} bytes`);
  let decoded = 0;
  const decode = (async () => {
    for await (const chunk of decodeAudio(bomb, { maxSeconds: 120 })) decoded += chunk.length;
  })();
  await expectCode(decode, 'audio_too_long', /more than 2 min.*EARSHOT_MAX_AUDIO_SECONDS=120.*raise the setting/);
  // Stopped at the limit: nothing past it was handed on.
  assert.ok(decoded <= 120 * 16000, `${decoded} samples yielded`);
  assert.ok(decoded >= 119 * 16000, `${decoded} samples yielded before the limit`);
});

test('the limit is on decoded samples: at or under it the audio decodes, a second over it does not', async () => {
  const jfk = readFileSync(join(SHARED_AUDIO_DIR, 'jfk.wav'));
  const pcm = await decodeAudioToPcm(jfk);
  const seconds = pcm.length / 16000;
  assert.equal((await decodeAudioToPcm(jfk, { maxSeconds: Math.ceil(seconds) })).length, pcm.length);
  await expectCode(decodeAudioToPcm(jfk, { maxSeconds: Math.floor(seconds) - 1 }), 'audio_too_long');
});

test('a streamed input is held to the limit too', async () => {
  const bomb = await decodingBomb(2);
  async function* chunks(): AsyncGenerator<Uint8Array> {
    for (let i = 0; i < bomb.length; i += 1000) yield bomb.subarray(i, i + 1000);
  }
  await expectCode(decodeAudioToPcm(chunks(), { maxSeconds: 60 }), 'audio_too_long', /EARSHOT_MAX_AUDIO_SECONDS=60/);
});
