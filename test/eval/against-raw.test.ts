/**
 * `earshot eval --against-raw` (issue #19): the same files through Earshot and through the real
 * `pocketsphinx_continuous`, in one run. The raw column must be exactly what running the tool by
 * hand gives, scored the same way, per file, per condition and overall.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { buildRealEvalSet, type EvalSetEntry } from '../../scripts/build-eval-set.js';
import type { ConditionSummary, EvalResults } from '../../src/eval/results.js';
import { rawEngineFor } from '../../src/eval/raw-engine.js';
import { aggregate, wordErrorRate } from '../../src/eval/wer.js';
import { expectCode } from '../helpers/errors.js';
import { JFK_REFERENCE, rawPocketsphinx, SHARED_AUDIO_DIR } from '../helpers/librivox.js';
import { runEarshot } from './helpers/run.js';

const scratch = mkdtempSync(join(tmpdir(), 'earshot-against-raw-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const env = { EARSHOT_MODELS_DIR: join(scratch, 'models') };
let entries: EvalSetEntry[];
let manifest: string;

/** A rate as the tables print it, as a regular expression. */
const pct = (v: number) => `${(v * 100).toFixed(1)}%`.replace('.', '\\.');

before(() => {
  const set = buildRealEvalSet({ dir: join(scratch, 'set') });
  // Three short clips, two conditions: enough to check the columns, quick to decode twice.
  entries = ['clean/cards-001', 'clean/librivox-0880', 'telephone/cards-005'].map((id) => set.entries.find((e) => e.id === id)!);
  manifest = join(scratch, 'tiny.jsonl');
  writeFileSync(manifest, entries.map((e) => JSON.stringify({ id: e.id, audio: e.audio, text: e.text, condition: e.condition })).join('\n') + '\n');
});

test('both columns per file, per condition and overall; the raw one is pocketsphinx_continuous run by hand', async () => {
  const output = join(scratch, 'results.json');
  const r = await runEarshot(['eval', '--manifest', manifest, '--against-raw', '--output', output, '--no-record'], env);
  assert.equal(r.code, 0, r.stderr);
  const results = JSON.parse(readFileSync(output, 'utf8')) as EvalResults;
  assert.ok(results.raw, 'the results carry the raw engine');
  assert.equal(results.raw.engine, 'pocketsphinx_continuous');
  assert.deepEqual(results.raw.command.slice(-4), ['-infile', '<wav>', '-logfn', '/dev/null']);

  const byHand = await Promise.all(entries.map(async (e) => ({ entry: e, hypothesis: await rawPocketsphinx(e.audio) })));
  const scored = byHand.map(({ entry, hypothesis }) => ({ entry, hypothesis, wer: wordErrorRate(entry.text, hypothesis) }));
  assert.deepEqual(
    results.raw.files.map((f) => [f.id, f.condition, f.hypothesis, f.wer, f.words.substitutions, f.words.deletions, f.words.insertions]),
    scored.map((s) => [s.entry.id, s.entry.condition, s.hypothesis, s.wer.wer, s.wer.substitutions, s.wer.deletions, s.wer.insertions]),
  );
  assert.ok(scored.some((s) => s.hypothesis.split(' ').length >= 3), 'the raw engine recognised words');
  for (const f of results.raw.files) assert.ok(Math.abs(f.durationMs - entries.find((e) => e.id === f.id)!.durationMs) < 1, f.id);
  assert.equal(results.raw.totals.wer, aggregate(scored.map((s) => s.wer)).wer);
  assert.equal(results.raw.werRatio, results.totals.wer / results.raw.totals.wer);

  // Per condition: clean holds two files, telephone one, each side totalled from its own counts.
  const expected = [
    ['clean', scored.slice(0, 2)],
    ['telephone', scored.slice(2)],
  ] as const;
  assert.deepEqual(results.conditions?.map((c) => c.condition), ['clean', 'telephone']);
  for (const [condition, rows] of expected) {
    const summary: ConditionSummary = results.conditions!.find((c) => c.condition === condition)!;
    const earshotFiles = results.files.filter((f) => f.condition === condition);
    const rawWer = aggregate(rows.map((s) => s.wer)).wer;
    const earshotWer = aggregate(earshotFiles.map((f) => wordErrorRate(f.reference, f.hypothesis))).wer;
    assert.equal(summary.raw!.wer, rawWer, condition);
    assert.equal(summary.earshot.wer, earshotWer, condition);
    assert.equal(summary.earshot.files, rows.length);

    // The printed row: condition, files, words, Earshot WER, raw WER, their ratio.
    const ratio = rawWer > 0 ? (earshotWer / rawWer).toFixed(2).replace('.', '\\.') : '-';
    const words = rows.reduce((n, s) => n + s.wer.referenceWords, 0);
    assert.match(r.stdout, new RegExp(`^${condition}\\s+${rows.length}\\s+${words}\\s+${pct(earshotWer)}\\s+${pct(rawWer)}\\s+${ratio}$`, 'm'));
  }
  assert.match(r.stdout, /EARSHOT WER\s+RAW WER\s+EARSHOT\/RAW/);
  assert.match(r.stdout, new RegExp(`^overall\\s+3\\s+\\d+\\s+${pct(results.totals.wer)}\\s+${pct(results.raw.totals.wer)}\\s+\\S+$`, 'm'));
  assert.match(r.stdout, /^time: earshot \d+\.\d s, raw \d+\.\d s, earshot\/raw \d+\.\d\d$/m);
  // Per file, the raw engine's WER is the last column.
  for (const s of scored) assert.match(r.stdout, new RegExp(`^${s.entry.id}\\s.*\\s${pct(s.wer.wer)}$`, 'm'));
});

test('another engine is refused with the reason, before any model loads', async () => {
  const r = await runEarshot(['eval', '--manifest', manifest, '--against-raw', '--engine', 'whisper'], env);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /only meaningful with --engine pocketsphinx \(this run uses whisper\); leave out --against-raw/);
  await expectCode(Promise.resolve().then(() => rawEngineFor({ name: 'whisper', model: 'base.en' })), 'invalid_request');
});

test('a file that is not a 16 kHz WAV is converted for the tool, and the temporary copy removed', async () => {
  const tmp = join(scratch, 'tmp');
  mkdirSync(tmp);
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = tmp;
  try {
    const raw = rawEngineFor({ name: 'pocketsphinx', model: 'en-us' });
    const mp3 = `${SHARED_AUDIO_DIR}jfk.mp3`;
    const { text, durationMs } = await raw.transcribe(mp3);
    assert.deepEqual(readdirSync(tmp), [], 'no temporary file left behind');

    const wav = join(scratch, 'jfk-by-hand.wav');
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', mp3, '-ac', '1', '-ar', '16000', '-c:a', 'pcm_s16le', '-map_metadata', '-1', '-fflags', '+bitexact', '-flags:a', '+bitexact', wav]);
    assert.equal(text, await rawPocketsphinx(wav));
    assert.ok(Math.abs(durationMs - 11_000) < 100, `${durationMs} ms`);
    assert.ok(wordErrorRate(JFK_REFERENCE, text).hits > 3, text);
  } finally {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
  }
});
