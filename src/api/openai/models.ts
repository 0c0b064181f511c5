/**
 * Model names on the OpenAI-compatible API (issue #8 item 5). Clients hard-code OpenAI's names,
 * so those name the server's default model; installed models are also reachable by their own
 * registry name (`earshot models list`), so a client can pick one explicitly.
 */
import { stat } from 'node:fs/promises';
import type { SpeechEngine } from '../../engines/engine.js';
import { cardName } from '../../engines/models/card.js';
import type { ModelListing, ModelRegistry } from '../../engines/models/registry.js';
import { DEFAULT_ENGINE, type EngineCache } from '../../engines/registry.js';
import { ParamError } from './errors.js';

/** OpenAI's transcription models (the SDK's `AudioModel`, minus the diarizing one we cannot serve). */
export const OPENAI_MODEL_ALIASES = ['whisper-1', 'gpt-4o-transcribe', 'gpt-4o-mini-transcribe', 'gpt-4o-mini-transcribe-2025-12-15'] as const;

/** The `Model` object of `GET /v1/models`, plus two fields of ours the SDK passes through. */
export interface OpenAiModel {
  id: string;
  object: 'model';
  /** Unix seconds: when the model's files were installed. */
  created: number;
  owned_by: string;
  /** The engine that runs it. */
  engine: string;
  /** For OpenAI's names: the installed model they stand for. */
  root: string;
}

export class OpenAiModels {
  constructor(
    private readonly engines: EngineCache,
    private readonly registry: ModelRegistry,
  ) {}

  /** Installed models first (the server default among them), then OpenAI's names for the default. */
  async list(): Promise<OpenAiModel[]> {
    const installed = (await this.registry.list()).filter((l) => l.installed);
    const models: OpenAiModel[] = [];
    for (const listing of installed) {
      models.push({ id: listing.name, object: 'model', created: await createdAt(listing.path), owned_by: 'earshot', engine: listing.engine, root: listing.name });
    }
    const fallback = installed.find((l) => l.engine === DEFAULT_ENGINE && l.isDefault);
    if (fallback) {
      const created = await createdAt(fallback.path);
      for (const alias of OPENAI_MODEL_ALIASES) {
        models.push({ id: alias, object: 'model', created, owned_by: 'earshot', engine: fallback.engine, root: fallback.name });
      }
    }
    return models;
  }

  /** One model by id, or a 404 in OpenAI's words. */
  async get(id: string): Promise<OpenAiModel> {
    const model = (await this.list()).find((m) => m.id === id);
    if (!model) throw new ParamError('not_found', `The model "${id}" does not exist on this server. ${await this.availableSentence()}`, 'model', 'model_not_found');
    return model;
  }

  /**
   * The engine that serves `id`: OpenAI's names (and no name at all) take the default engine the
   * v2 jobs use, the same instance; an installed model's name (`en-us`, `base.en`, or the
   * `whisper-base.en` form transcripts record) or an engine's name take that model.
   */
  async engineFor(id: string | undefined): Promise<SpeechEngine> {
    if (id === undefined || (OPENAI_MODEL_ALIASES as readonly string[]).includes(id)) return this.engines.get(DEFAULT_ENGINE);
    const listings = await this.registry.list();
    const engineNamed = listings.find((l) => l.engine === id && l.isDefault);
    if (engineNamed) return this.engineForListing(engineNamed);
    const listing = listings.find((l) => l.name === id || `${l.engine}-${l.name}` === id);
    if (listing?.installed) return this.engineForListing(listing);
    if (listing) {
      throw new ParamError(
        'model_not_installed',
        `The model "${id}" is known but not installed on this server (\`earshot models pull ${listing.name}\` installs it). ${await this.availableSentence()}`,
        'model',
      );
    }
    throw new ParamError('model_unknown', `The model "${id}" does not exist on this server. ${await this.availableSentence()}`, 'model');
  }

  /** "Available models: en-us, whisper-1, … (OpenAI's names stand for en-us)." */
  async availableSentence(): Promise<string> {
    const models = await this.list();
    if (models.length === 0) return 'No model is installed here; `earshot models list` shows what can be installed.';
    const alias = models.find((m) => m.id === OPENAI_MODEL_ALIASES[0]);
    const note = alias ? ` (OpenAI's model names stand for ${alias.root}, the server's default)` : '';
    return `Available models: ${models.map((m) => m.id).join(', ')}${note}.`;
  }

  /** The engine's shared default instance when it already runs this model, else one for the model. */
  private async engineForListing(listing: ModelListing): Promise<SpeechEngine> {
    if (listing.isDefault) {
      const shared = await this.engines.get(listing.engine);
      // The default may have been switched (`earshot models default`) since that instance loaded.
      if (cardName(shared.name, shared.model) === listing.name) return shared;
    }
    return this.engines.get(listing.engine, { model: listing.name });
  }
}

async function createdAt(path: string): Promise<number> {
  try {
    return Math.floor((await stat(path)).mtimeMs / 1000);
  } catch {
    return 0;
  }
}
