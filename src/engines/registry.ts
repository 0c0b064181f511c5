import { availableParallelism } from 'node:os';
import { EarshotError } from '../errors.js';
import type { EngineFactory, EngineOptions, EngineStatus, SpeechEngine } from './engine.js';
import { pocketsphinxFactory } from './pocketsphinx/factory.js';
import { whisperFactory } from './whisper/factory.js';

/** The engines this build knows, default first. */
export const ENGINE_FACTORIES: readonly EngineFactory[] = [pocketsphinxFactory, whisperFactory];

export const DEFAULT_ENGINE = pocketsphinxFactory.name;

export function engineFactory(name: string): EngineFactory {
  const factory = ENGINE_FACTORIES.find((f) => f.name === name);
  if (!factory) {
    const known = ENGINE_FACTORIES.map((f) => f.name).join(', ');
    throw new EarshotError('engine_unknown', `Unknown engine "${name}". Available engines: ${known}.`);
  }
  return factory;
}

export function engineStatuses(options?: EngineOptions): Promise<EngineStatus[]> {
  return Promise.all(ENGINE_FACTORIES.map((f) => f.status(options)));
}

/**
 * Engines are expensive to create (each loads its model), so a process keeps one per engine and
 * model and hands the same instance to every job.
 */
export class EngineCache {
  private readonly engines = new Map<string, Promise<SpeechEngine>>();

  protected readonly defaults: EngineOptions;

  constructor(defaults: EngineOptions = {}) {
    // One decoder per core, two at most: each holds its own copy of the model (~100 MB).
    this.defaults = { parallelism: Math.min(2, availableParallelism()), ...defaults };
  }

  get(name: string = DEFAULT_ENGINE, options: EngineOptions = {}): Promise<SpeechEngine> {
    const merged = { ...this.defaults, ...options };
    const key = `${name}\u0000${merged.model ?? ''}`;
    let engine = this.engines.get(key);
    if (!engine) {
      engine = engineFactory(name).create(merged);
      // A failed load (missing model, say) must not poison later attempts after the user fixes it.
      engine.catch(() => this.engines.delete(key));
      this.engines.set(key, engine);
    }
    return engine;
  }

  async close(): Promise<void> {
    const engines = [...this.engines.values()];
    this.engines.clear();
    await Promise.all(engines.map(async (e) => (await e.catch(() => null))?.close()));
  }
}
