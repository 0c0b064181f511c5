import { DEFAULT_ENGINE, ENGINE_FACTORIES } from '../engines/registry.js';
import { type Check, fail, ok, warn } from './check.js';

/**
 * One check per engine, from the same status `earshot engines` prints (library loads, model files
 * present). Only the default engine is needed to transcribe; another that is not ready is a warning.
 */
export function engineChecks(): Check[] {
  return ENGINE_FACTORIES.map((factory) => ({
    name: `engine ${factory.name}`,
    run: async () => {
      const status = await factory.status();
      const model = status.model ? `model ${status.model}` : 'no model';
      if (status.ready) return ok(`ready (${model})`);
      const reason = status.reason ?? 'not ready';
      // The engines' reasons already end with the command that fixes them.
      const fix = factory.name === DEFAULT_ENGINE ? 'run scripts/setup.sh, or follow the message above' : `optional: only --engine ${factory.name} needs it; follow the message above`;
      return factory.name === DEFAULT_ENGINE ? fail(`not ready: ${reason}`, fix) : warn(`not ready: ${reason}`, fix);
    },
  }));
}
