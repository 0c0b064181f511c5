/**
 * `npm run bench`: the core pipeline against the raw engine, measured in the same run.
 *   1. wall time of our pipeline (model loaded once) ÷ `pocketsphinx_continuous` per file, on the
 *      LibriVox clips and jfk.wav;
 *   2. real-time factor;
 *   3. peak RSS transcribing 5 and 30 minutes of speech, each in a fresh process.
 * Options: --minutes 30 (the long file), --skip-memory.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { transcribeAudio } from '../src/pipeline/transcribe.js';
import { EngineCache } from '../src/engines/registry.js';
import { librivoxClips, rawPocketsphinx, SHARED_AUDIO_DIR } from '../test/helpers/librivox.js';
import { wavSamples } from './speech-file.js';

const run = promisify(execFile);
const args = process.argv.slice(2);
const longMinutes = Number(args[args.indexOf('--minutes') + 1] ?? 30) || 30;

const files = [...librivoxClips().map((c) => c.path), `${SHARED_AUDIO_DIR}jfk.wav`];
const audioSeconds = files.reduce((sum, f) => sum + wavSamples(f).length / 16000, 0);

async function timeIt<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const value = await fn();
  return [value, performance.now() - started];
}

console.log(`files: ${files.length}, ${audioSeconds.toFixed(1)} s of speech\n`);

const [, rawMs] = await timeIt(async () => {
  for (const f of files) await rawPocketsphinx(f);
});
// The product path: one engine per process (decoders for both cores), files one after another as
// the CLI does, then two at a time as the server's job queue does.
const [, oursMs] = await timeIt(async () => {
  const engines = new EngineCache();
  const engine = await engines.get();
  for (const f of files) await transcribeAudio(readFileSync(f), engine);
  await engines.close();
});
const [, concurrentMs] = await timeIt(async () => {
  const engines = new EngineCache();
  const engine = await engines.get();
  const queue = [...files];
  const worker = async () => {
    for (let f = queue.shift(); f; f = queue.shift()) await transcribeAudio(readFileSync(f), engine);
  };
  await Promise.all([worker(), worker()]);
  await engines.close();
});

const rows = [
  ['raw pocketsphinx_continuous (per file)', rawMs],
  ['earshot pipeline, one file at a time', oursMs],
  ['earshot pipeline, two files at a time', concurrentMs],
] as const;
for (const [name, ms] of rows) console.log(`${name.padEnd(42)} ${(ms / 1000).toFixed(2).padStart(7)} s   RTF ${(ms / 1000 / audioSeconds).toFixed(3)}`);
console.log(`${'ratio earshot ÷ raw, sequential (target ≤ 0.8)'.padEnd(42)} ${(oursMs / rawMs).toFixed(2).padStart(7)}`);
console.log(`${'ratio earshot ÷ raw, two at a time'.padEnd(42)} ${(concurrentMs / rawMs).toFixed(2).padStart(7)}\n`);

if (!args.includes('--skip-memory')) {
  console.log('peak RSS (each in a fresh process):');
  for (const minutes of [5, longMinutes]) {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', new URL('./memory-child.ts', import.meta.url).pathname, String(minutes)], {
      maxBuffer: 1 << 20,
    });
    const r = JSON.parse(stdout);
    console.log(
      `  ${String(minutes).padStart(3)} min: peak RSS ${r.peakRssMiB.toFixed(0)} MiB (target < 500), wall ${(r.wallMs / 1000).toFixed(1)} s, RTF ${(r.wallMs / r.audioMs).toFixed(3)}, ${r.words} words`,
    );
  }
}
