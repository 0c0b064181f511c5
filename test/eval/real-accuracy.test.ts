/**
 * Issue #19's bar, on the real-recordings set (eval/sets/real/README.md): Earshot's pipeline is
 * never worse than the engine it wraps. Both paths transcribe the same files in this run, so the
 * comparison holds whatever the machine's speed; no figure here is a timing.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { buildRealEvalSet } from '../../scripts/build-eval-set.js';
import type { SpeechEngine } from '../../src/engines/engine.js';
import { EngineCache } from '../../src/engines/registry.js';
import { evaluate } from '../../src/eval/evaluate.js';
import { rawEngineFor } from '../../src/eval/raw-engine.js';
import type { EvalResults } from '../../src/eval/results.js';

let engines: EngineCache;
let engine: SpeechEngine;
let results: EvalResults;

before(async () => {
  const set = buildRealEvalSet();
  engines = new EngineCache();
  engine = await engines.get();
  results = await evaluate(set.entries, engine, { manifest: set.manifest, raw: rawEngineFor(engine) });
});
after(async () => {
  await engines.close();
});

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

test('every condition: Earshot WER ≤ the raw engine on the same files', (t) => {
  const conditions = results.conditions!;
  assert.ok(conditions.length >= 7, `only ${conditions.length} conditions in the set`);
  for (const c of conditions) {
    const raw = c.raw!;
    t.diagnostic(`${c.condition}: earshot ${pct(c.earshot.wer)}, raw ${pct(raw.wer)} (${c.earshot.words.reference} words)`);
    assert.ok(c.earshot.wer <= raw.wer, `${c.condition}: Earshot ${pct(c.earshot.wer)} is worse than raw ${pct(raw.wer)}`);
  }
});

test('overall: Earshot WER ≤ 0.85 × the raw engine', (t) => {
  const ours = results.totals.wer;
  const raw = results.raw!.totals.wer;
  t.diagnostic(`overall: earshot ${pct(ours)}, raw ${pct(raw)}, ratio ${(ours / raw).toFixed(2)}`);
  assert.ok(ours <= 0.85 * raw, `overall Earshot ${pct(ours)} vs raw ${pct(raw)}: ratio ${(ours / raw).toFixed(2)} > 0.85`);
});

test("the quick start's clip, jfk.wav: WER ≤ 40%", (t) => {
  const jfk = results.files.find((f) => f.id === 'clean/jfk');
  assert.ok(jfk, `no clean/jfk in the set: ${results.files.map((f) => f.id).join(', ')}`);
  t.diagnostic(`jfk.wav: ${pct(jfk.wer)} "${jfk.hypothesis}"`);
  assert.ok(jfk.wer <= 0.4, `jfk.wav WER ${pct(jfk.wer)}: "${jfk.hypothesis}"`);
});
