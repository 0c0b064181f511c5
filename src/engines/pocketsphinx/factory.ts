import { isEarshotError } from '../../errors.js';
import type { EngineFactory, EngineOptions, EngineStatus } from '../engine.js';
import { PocketsphinxEngine, type PocketsphinxOptions } from './engine.js';
import { loadPocketsphinx } from './library.js';
import { configuredModel, DEFAULT_MODEL, resolveModel } from './model.js';

const NAME = 'pocketsphinx';
const DESCRIPTION = 'CMU PocketSphinx via libpocketsphinx: offline, light on CPU, US English by default; less accurate than Whisper-class engines.';

export const pocketsphinxFactory: EngineFactory = {
  name: NAME,
  description: DESCRIPTION,

  /** Checks the library loads and the model files are present, without loading the model. */
  async status(options: PocketsphinxOptions = {}): Promise<EngineStatus> {
    let model = options.model ?? DEFAULT_MODEL;
    try {
      await loadPocketsphinx();
      const chosen = await configuredModel(options);
      model = chosen.model;
      resolveModel(chosen.model, { ...options, modelsDir: chosen.modelsDir });
      return { name: NAME, description: DESCRIPTION, ready: true, model };
    } catch (err) {
      if (!isEarshotError(err)) throw err;
      return { name: NAME, description: DESCRIPTION, ready: false, reason: err.message, model };
    }
  },

  create(options?: EngineOptions) {
    return PocketsphinxEngine.create(options);
  },
};
