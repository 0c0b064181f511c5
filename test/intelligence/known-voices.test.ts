/**
 * The voiceprint and its threshold on real voices (issue 14 item 4): the error rates at
 * KNOWN_VOICE_THRESHOLD on pocketsphinx-testdata's speakers and JFK (src/eval/voices/trials.ts),
 * and the one-to-one naming of speakers.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errorRates, realSessions, runTrials } from '../../src/eval/voices/trials.js';
import { identifySpeakers, KNOWN_VOICE_THRESHOLD } from '../../src/intelligence/speakers/known-voices.js';
import { voiceSimilarity } from '../../src/intelligence/speakers/voiceprint.js';

test('on real voices, the threshold rejects nearly every impostor and accepts nearly every genuine speaker', async () => {
  const trials = await runTrials(realSessions());
  const rates = errorRates(trials, KNOWN_VOICE_THRESHOLD);
  assert.ok(rates.genuine >= 20 && rates.impostor >= 80, `enough trials: ${JSON.stringify(rates)}`);
  // docs/voices.md quotes these figures; a change to the features or the threshold shows here.
  assert.ok(rates.falseAccept <= 0.05, `false accepts ${JSON.stringify(rates)}`);
  assert.ok(rates.falseReject <= 0.1, `false rejects ${JSON.stringify(rates)}`);
  for (const t of trials) assert.ok(t.similarity > 0 && t.similarity <= 1);
  // Symmetric: enrolling A and testing B scores as enrolling B and testing A.
  const one = trials.find((t) => t.enrolled === 'librivox-0870' && t.tested === 'jfk-first-half')!;
  const other = trials.find((t) => t.enrolled === 'jfk-first-half' && t.tested === 'librivox-0870')!;
  assert.ok(Math.abs(one.similarity - other.similarity) < 1e-9);
});

test('a voice names at most one speaker, the most similar, and a speaker takes at most one name', async () => {
  const { voiceprintFromAudio } = await import('../../src/pipeline/voice-enrolment.js');
  const { encodeWav } = await import('../../src/intelligence/redaction/encode.js');
  const sessions = realSessions();
  const print = async (name: string) => voiceprintFromAudio(encodeWav(sessions.find((s) => s.name === name)!.pcm()));
  const [reader1, reader2, jfk] = await Promise.all([print('librivox-0870'), print('librivox-0920'), print('jfk-first-half')]);
  const known = [{ id: 'v1', name: 'Reader', voiceprint: reader1 }];
  // Two speakers both like the reader: only the closer one is named.
  const closer = voiceSimilarity(reader1, reader2) >= voiceSimilarity(reader1, reader1) ? 'B' : 'A';
  const named = identifySpeakers([{ speaker: 'A', voiceprint: reader1 }, { speaker: 'B', voiceprint: reader2 }, { speaker: 'C', voiceprint: jfk }], known);
  assert.equal(named.length, 1);
  assert.equal(named[0].label, closer);
  assert.equal(named[0].speaker, 'Reader');
  // Nobody like the voice: nobody named.
  assert.deepEqual(identifySpeakers([{ speaker: 'A', voiceprint: jfk }], known), []);
  // Two voices, one speaker: the better match wins.
  const both = identifySpeakers([{ speaker: 'A', voiceprint: reader2 }], [...known, { id: 'v2', name: 'Kennedy', voiceprint: jfk }]);
  assert.deepEqual(both.map((i) => i.name), ['Reader']);
});
