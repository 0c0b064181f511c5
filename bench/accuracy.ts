/**
 * Earshot against the engine it wraps on real recordings (issue #19): the real-recordings set
 * (eval/sets/real/README.md) through Earshot's pipeline and through `pocketsphinx_continuous`
 * with the same model, in one run. Prints per condition both WERs and the ratio Earshot ÷ raw,
 * overall, and the wall time of both paths and their ratio. Ratios are from this run only: the
 * machine's load moves both paths alike.
 *   node --import tsx bench/accuracy.ts [--dir DIR]   (default: the set's cache directory)
 */
import { parseArgs } from 'node:util';
import { buildRealEvalSet, DEFAULT_SET_DIR } from '../scripts/build-eval-set.js';
import { EngineCache } from '../src/engines/registry.js';
import { formatConditionTable } from '../src/eval/conditions.js';
import { evaluate } from '../src/eval/evaluate.js';
import { rawEngineFor } from '../src/eval/raw-engine.js';

const { values } = parseArgs({ options: { dir: { type: 'string', default: DEFAULT_SET_DIR } } });
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

const buildStarted = performance.now();
const set = buildRealEvalSet({ dir: values.dir });
const audioMs = set.entries.reduce((n, e) => n + e.durationMs, 0);
console.log(
  `set: ${set.entries.length} files, ${(audioMs / 60_000).toFixed(1)} min of audio (${set.built ? 'built' : 'cached'} in ${seconds(performance.now() - buildStarted)}), ${set.manifest}`,
);
for (const s of set.skipped) console.log(`  skipped ${s.source}: ${s.reason}`);

const engines = new EngineCache();
const loadStarted = performance.now();
const engine = await engines.get();
const loadMs = performance.now() - loadStarted;
const raw = rawEngineFor(engine);

// Earshot's files all run before the raw engine's, so the moment the last of them is scored
// splits the run into the two paths' wall times.
const started = performance.now();
let earshotDone = started;
const results = await evaluate(set.entries, engine, {
  manifest: set.manifest,
  raw,
  onFile: (done) => {
    if (done === set.entries.length) earshotDone = performance.now();
  },
});
const finished = performance.now();
await engines.close();

const earshotWall = earshotDone - started;
const rawWall = finished - earshotDone;
console.log('');
console.log(formatConditionTable(results));
console.log(
  `wall: earshot ${seconds(earshotWall)} (model loaded once before, ${seconds(loadMs)}), raw ${seconds(rawWall)} (a process per file); earshot/raw ${(earshotWall / rawWall).toFixed(2)}; audio ${seconds(audioMs)}`,
);
const failed = [...results.files, ...(results.raw?.files ?? [])].filter((f) => f.error);
for (const f of failed) console.log(`failed: ${f.id}: ${f.error}`);
