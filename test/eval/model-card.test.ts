/** Model cards (measurements in earshot-models.json) and the per-engine default for pocketsphinx. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { cardColumns, cardJson, type ModelMeasurements } from '../../src/engines/models/card.js';
import { CONFIG_FILE, ModelRegistry } from '../../src/engines/models/registry.js';
import { PocketsphinxEngine } from '../../src/engines/pocketsphinx/engine.js';
import { pocketsphinxFactory } from '../../src/engines/pocketsphinx/factory.js';
import { isEarshotError } from '../../src/errors.js';

const MODEL_DIR = '/usr/share/pocketsphinx/model/en-us';
const scratch = mkdtempSync(join(tmpdir(), 'earshot-card-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const wer = { wer: 0.352, cer: 0.206, manifest: '/m.jsonl', files: 5, words: 71, date: '2026-01-01T00:00:00Z', earshotVersion: '0.1.0' };
const rtf = { rtf: 0.21, throughput: 4.7, peakRssMiB: 240, audio: '/clips', date: '2026-01-02T00:00:00Z', earshotVersion: '0.1.0' };

test('measurements merge per model, survive a change of default, and are refused for unknown models', async () => {
  const dir = join(scratch, 'models');
  const registry = new ModelRegistry({ dir });
  await registry.recordMeasurement('en-us', { wer });
  await registry.recordMeasurement('en-us', { rtf });
  await registry.setDefault('en-us');
  const config = JSON.parse(readFileSync(join(dir, CONFIG_FILE), 'utf8')) as { defaults: object; measurements: Record<string, ModelMeasurements> };
  assert.deepEqual(config.defaults, { pocketsphinx: 'en-us' });
  assert.deepEqual(config.measurements['en-us'], { wer, rtf });
  const listing = await registry.find('en-us');
  assert.deepEqual(listing.measurements, { wer, rtf });
  assert.equal((await registry.find('base.en')).measurements, undefined);
  await assert.rejects(registry.recordMeasurement('no-such-model', { wer }), (e: unknown) => isEarshotError(e, 'model_unknown'));

  assert.deepEqual(cardColumns(listing), { wer: '35.2%', rtf: '0.21' });
  assert.deepEqual(cardColumns({}), { wer: '', rtf: '' });
  assert.equal(cardJson(listing).measured_wer, 0.352);
  assert.equal(cardJson(listing).measured_peak_rss_mib, 240);
  assert.equal(cardJson({}).measured_rtf, null);
});

test('a local pocketsphinx model is listed, can be made the default, and is then what the engine loads', async () => {
  const dir = join(scratch, 'local');
  const model = join(dir, 'pocketsphinx', 'en-us-copy');
  mkdirSync(model, { recursive: true });
  for (const part of ['en-us', 'en-us.lm.bin', 'cmudict-en-us.dict']) symlinkSync(join(MODEL_DIR, part), join(model, part));

  const registry = new ModelRegistry({ dir });
  const listing = await registry.find('en-us-copy');
  assert.deepEqual([listing.engine, listing.source, listing.installed], ['pocketsphinx', 'local', true]);
  assert.ok(listing.bytes > 20 * 1024 * 1024, `${listing.bytes} bytes`);
  assert.equal((await registry.defaultFor('pocketsphinx'))?.name, 'en-us', 'the system model comes first');
  assert.equal((await pocketsphinxFactory.status({ modelsDir: dir })).model, 'en-us');

  await registry.setDefault('en-us-copy');
  assert.equal((await pocketsphinxFactory.status({ modelsDir: dir })).model, 'en-us-copy');
  const engine = await PocketsphinxEngine.create({ modelsDir: dir });
  try {
    assert.equal(engine.model, 'en-us-copy', 'no model asked for: the configured default is loaded');
  } finally {
    await engine.close();
  }
  await assert.rejects(registry.remove('en-us-copy'), /delete that folder/);
});
