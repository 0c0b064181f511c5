/**
 * `earshot eval --diarization` (issue 17 item 2): the real-voice conversations are built the same
 * every time with known turns, and the command prints DER and the speaker count per conversation.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { availableVoices, buildConversation, CONVERSATIONS, pseudoWords, RATE, REAL_VOICES } from '../../src/eval/diarization/conversations.js';
import type { DiarizationEvalResult } from '../../src/eval/diarization/evaluate.js';
import { runCli } from '../helpers/cli.js';

test('every real voice is on this machine (pocketsphinx-testdata, the JFK fixture)', () => {
  assert.deepEqual(availableVoices(), REAL_VOICES.map((v) => v.id));
});

test('conversations are deterministic, with turns in order, silences between, and every voice at its level', () => {
  for (const spec of CONVERSATIONS) {
    const a = buildConversation(spec);
    const b = buildConversation(spec);
    assert.deepEqual(a.reference, b.reference, spec.id);
    assert.ok(Buffer.from(a.pcm.buffer).equals(Buffer.from(b.pcm.buffer)), spec.id);
    assert.equal(new Set(a.reference.map((t) => t.speaker)).size, spec.voices.length, spec.id);
    assert.ok(a.reference.length >= 3 * spec.voices.length, `${spec.id}: ${a.reference.length} turns`);
    for (let i = 1; i < a.reference.length; i++) {
      assert.ok(a.reference[i].start - a.reference[i - 1].end >= 150 - 1, `${spec.id} gap before turn ${i}`);
      assert.notEqual(a.reference[i].speaker, a.reference[i - 1].speaker, `${spec.id}: turn ${i} changes speaker`);
    }
    assert.ok(a.pcm.length / RATE >= 15, `${spec.id} lasts ${a.pcm.length / RATE} s`);
    // Silence between turns is near zero (only the faint noise floor).
    const gapStart = Math.ceil((a.reference[0].end * RATE) / 1000) + 80;
    const gap = a.pcm.subarray(gapStart, gapStart + 800);
    assert.ok(Math.max(...gap.map(Math.abs)) <= 40, `${spec.id}: silence between turns`);
  }
});

test('stand-in words tile each turn and never cross a turn change', () => {
  const { reference } = buildConversation(CONVERSATIONS[0]);
  const words = pseudoWords(reference);
  for (const w of words) {
    const turn = reference.find((t) => w.start >= t.start && w.end <= t.end);
    assert.ok(turn, `word ${w.text} inside a turn`);
    assert.equal(turn.speaker, w.truth);
  }
});

test('earshot eval --diarization prints DER and the speaker count per conversation', async () => {
  const r = await runCli(['eval', '--diarization', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const result = JSON.parse(r.stdout) as DiarizationEvalResult;
  assert.equal(result.format, 'earshot-eval-diarization/1');
  assert.deepEqual(result.conversations.map((c) => c.id), CONVERSATIONS.map((c) => c.id));
  assert.deepEqual(result.skipped, []);
  for (const c of result.conversations) {
    assert.ok(c.wordDer >= 0 && c.wordDer <= 1 && c.timelineDer >= 0 && c.timelineDer <= 1, c.id);
    assert.ok(c.speakersFound >= 1, c.id);
  }
  const table = await runCli(['eval', '--diarization']);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /CONVERSATION +SECONDS +TURNS +SPEAKERS +FOUND +COUNT +DER WORDS +DER TIMELINE/);
  assert.match(table.stdout, /narrator\+jfk +[\d.]+ +\d+ +2 +\d +(right|wrong) +[\d.]+%/);
  assert.match(table.stdout, /overall: DER [\d.]+% of speech time on words; speaker count right in \d of 7/);
});

test('conversations whose recordings are missing are skipped; none at all is a coded error', async () => {
  const { evaluateDiarization } = await import('../../src/eval/diarization/evaluate.js');
  const jfkFree = CONVERSATIONS.filter((c) => c.id === 'cards+digits' || c.id === 'narrator+jfk');
  await assert.rejects(evaluateDiarization(jfkFree, {}, '/nonexistent'), /pocketsphinx-testdata/);
});

test('--turn-ms builds the conversations with other turn lengths, and is validated', async () => {
  const long = buildConversation(CONVERSATIONS[0], undefined, { pieceMs: 3500 });
  const usual = buildConversation(CONVERSATIONS[0]);
  assert.ok(long.reference.length < usual.reference.length, `${long.reference.length} turns of ~3.5 s, ${usual.reference.length} of ~2.5 s`);
  const bad = await runCli(['eval', '--diarization', '--turn-ms', '50']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /whole milliseconds from 1000 to 10000/);
});

test('earshot eval without --manifest, --diarization or --intelligence is a coded error', async () => {
  const r = await runCli(['eval']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /--manifest FILE \(or --diarization, or --intelligence \[DIR\]\)/);
});
