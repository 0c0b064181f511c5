/** `earshot bench` for real: the pocketsphinx engine on one short LibriVox clip, in a child process. */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { readHistory } from '../../src/bench/history.js';
import { ModelRegistry } from '../../src/engines/models/registry.js';
import { librivoxClips } from '../helpers/librivox.js';
import { runEarshot } from '../eval/helpers/run.js';

let scratch: string;
let env: NodeJS.ProcessEnv;

before(() => {
  scratch = mkdtempSync(join(tmpdir(), 'earshot-bench-'));
  env = { EARSHOT_MODELS_DIR: join(scratch, 'models'), EARSHOT_DATA_DIR: join(scratch, 'data') };
});
after(() => rmSync(scratch, { recursive: true, force: true }));

test('a bench run appends a record to the history, updates the model card, and the report plots it', async () => {
  const audio = join(scratch, 'audio');
  mkdirSync(audio);
  // The shortest clip (he was not an ill disposed young man), about 3 s.
  const clip = librivoxClips().find((c) => c.id.endsWith('0880'))!;
  copyFileSync(clip.path, join(audio, 'clip.wav'));

  const r = await runEarshot(['bench', '--audio', audio, '--label', 'test run'], env);
  assert.equal(r.code, 0, r.stderr);
  const historyPath = join(scratch, 'data', 'bench-history.jsonl');
  assert.match(r.stdout, new RegExp(`appended to ${historyPath}`));
  const { records } = await readHistory(historyPath);
  assert.equal(records.length, 1);
  const [record] = records;
  assert.equal(record.engine, 'pocketsphinx');
  assert.equal(record.model, 'en-us');
  assert.deepEqual([record.audio.source, record.audio.files], [audio, 1]);
  assert.ok(record.audio.durationMs > 2000 && record.audio.durationMs < 5000, `${record.audio.durationMs} ms`);
  assert.ok(record.rtf > 0 && record.throughput > 0);
  assert.ok(Math.abs(record.rtf * record.throughput - 1) < 1e-9, 'throughput is the inverse of the RTF');
  // A child that loaded the en-us model (~95 MB per decoder) and Node itself.
  assert.ok(record.peakRssMiB > 80 && record.peakRssMiB < 2000, `${record.peakRssMiB} MiB`);
  assert.ok(record.words > 0);
  assert.equal(record.label, 'test run');

  const card = (await new ModelRegistry({ dir: env.EARSHOT_MODELS_DIR }).find('en-us')).measurements?.rtf;
  assert.equal(card?.rtf, record.rtf);
  assert.equal(card?.peakRssMiB, record.peakRssMiB);

  const out = join(scratch, 'report.html');
  const report = await runEarshot(['bench', 'report', '-o', out], env);
  assert.equal(report.code, 0, report.stderr);
  assert.match(report.stdout, /1 runs, 0 regressions flagged/);
  const html = readFileSync(out, 'utf8');
  const svgs = [...html.matchAll(/<svg\b[^>]*data-metric="([^"]+)"[^>]*>([\s\S]*?)<\/svg>/g)];
  assert.deepEqual(svgs.map((m) => m[1]), ['rtf', 'throughput', 'peakRssMiB']);
  for (const [, metric, body] of svgs) {
    const values = [...body.matchAll(/class="point[^"]*"[^>]*data-value="([^"]+)"/g)].map((m) => Number(m[1]));
    assert.deepEqual(values, [record[metric as 'rtf' | 'throughput' | 'peakRssMiB']]);
  }
});

test('an unknown engine and an empty audio folder fail with coded errors', async () => {
  const empty = join(scratch, 'empty');
  mkdirSync(empty);
  const none = await runEarshot(['bench', '--audio', empty, '--history', join(scratch, 'h.jsonl')], env);
  assert.equal(none.code, 1);
  assert.match(none.stderr, /holds no audio files .*\[invalid_request\]/);
  const clips = join(scratch, 'one');
  mkdirSync(clips);
  copyFileSync(librivoxClips()[1].path, join(clips, 'a.wav'));
  const unknown = await runEarshot(['bench', '--audio', clips, '--engine', 'nonesuch', '--history', join(scratch, 'h.jsonl')], env);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /Unknown engine "nonesuch".*\[engine_unknown\]/);
});
