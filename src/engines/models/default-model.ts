import type { ModelEngine } from './catalog.js';
import { defaultModelsDir } from './models-dir.js';
import { ModelRegistry } from './registry.js';

/**
 * The model an engine should load when a job names none: the one chosen with
 * `earshot models default` (a configuration change, no code change), else the first installed in
 * catalogue order; undefined when the engine has none installed.
 */
export async function configuredDefaultModel(engine: ModelEngine, modelsDir: string = defaultModelsDir()): Promise<string | undefined> {
  return (await new ModelRegistry({ dir: modelsDir }).defaultFor(engine))?.name;
}
