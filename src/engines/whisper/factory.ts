import { EarshotError, isEarshotError } from '../../errors.js';
import type { EngineFactory, EngineOptions, EngineStatus, SpeechEngine } from '../engine.js';
import { loadWhisperBinding, openWhisperContext } from './binding.js';
import { WhisperEngine } from './engine.js';
import { resolveWhisperModel } from './model.js';

const DESCRIPTION = 'whisper.cpp with ggml models: more accurate than pocketsphinx, needs a model download';

/**
 * The whisper engine. `model` is a name from `earshot models list` (resolved in the models
 * directory) or a path to a ggml `.bin`; without one the whisper default is used.
 */
export const whisperFactory: EngineFactory = {
  name: 'whisper',
  description: DESCRIPTION,

  async status(options: EngineOptions = {}): Promise<EngineStatus> {
    const base = { name: 'whisper', description: DESCRIPTION };
    const resolution = await resolveWhisperModel(options);
    if (!resolution.ok) return { ...base, ready: false, reason: resolution.reason, model: options.model };
    try {
      await loadWhisperBinding();
    } catch (error) {
      if (!isEarshotError(error)) throw error;
      return { ...base, ready: false, reason: error.message, model: resolution.model.name };
    }
    return { ...base, ready: true, model: resolution.model.name };
  },

  async create(options: EngineOptions = {}): Promise<SpeechEngine> {
    const resolution = await resolveWhisperModel(options);
    if (!resolution.ok) throw new EarshotError(resolution.code, resolution.reason);
    const binding = await loadWhisperBinding();
    const context = await openWhisperContext(binding, resolution.model.path);
    return new WhisperEngine(binding, context, resolution.model);
  },
};
