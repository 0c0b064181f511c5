import { randomBytes } from 'node:crypto';
import { readdir, readFile, rename, stat, unlink, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { EarshotError } from '../../errors.js';
import {
  MODEL_CATALOG,
  modelUrl,
  type CatalogModel,
  type ModelEngine,
} from './catalog.js';
import type { ModelMeasurements } from './card.js';
import { downloadModelFile, partialPath, type DownloadProgress, type DownloadResult } from './download.js';
import { defaultModelsBaseUrl, defaultModelsDir } from './models-dir.js';

/** Per-engine defaults live beside the models, so moving the directory moves the choice too. */
export const CONFIG_FILE = 'earshot-models.json';

/** Where local pocketsphinx models live inside the models directory (one folder per model). */
export const POCKETSPHINX_DIR = 'pocketsphinx';

interface ModelsConfig {
  defaults: Partial<Record<ModelEngine, string>>;
  /** Measured figures per model name (card.ts), from `earshot eval` and `earshot bench`. */
  measurements: Record<string, ModelMeasurements>;
}

export interface ModelListing {
  name: string;
  engine: ModelEngine;
  /** `catalog`: a known model; `local`: a ggml file someone put in the models directory. */
  source: 'catalog' | 'local';
  installed: boolean;
  /** Where the model is (or will be, once pulled). */
  path: string;
  /** Bytes on disk when installed, else the catalogue's figure. */
  bytes: number;
  /** The model this engine uses when none is asked for. */
  isDefault: boolean;
  /** Set by `models default`, rather than implied by being the only/first installed one. */
  defaultIsExplicit: boolean;
  model?: CatalogModel;
  /** WER / RTF measured here, when the model has been evaluated or benchmarked. */
  measurements?: ModelMeasurements;
}

export interface ModelRegistryOptions {
  dir?: string;
  baseUrl?: string;
  /** The known models; a mirror with extra files (or a test) can pass its own. */
  catalog?: readonly CatalogModel[];
}

export interface PullOptions {
  onProgress?: (progress: DownloadProgress) => void;
  signal?: AbortSignal;
  /** Download again even if the file is there. */
  force?: boolean;
  retries?: number;
  retryDelayMs?: number;
}

export type PullResult = (DownloadResult & { alreadyInstalled: false }) | { path: string; alreadyInstalled: true };

/**
 * The models directory: what is installed, what can be pulled, and which model each engine uses
 * by default. Every method reads the directory afresh, so the CLI, the server and a test each see
 * the same state without sharing a process.
 */
export class ModelRegistry {
  readonly dir: string;
  readonly baseUrl: string;
  readonly catalog: readonly CatalogModel[];

  constructor(options: ModelRegistryOptions = {}) {
    this.dir = options.dir ?? defaultModelsDir();
    this.baseUrl = options.baseUrl ?? defaultModelsBaseUrl();
    this.catalog = options.catalog ?? MODEL_CATALOG;
  }

  /** The catalogue plus any extra `ggml-*.bin` in the directory, with install and default state. */
  async list(): Promise<ModelListing[]> {
    const config = await this.readConfig();
    const listings: ModelListing[] = [];
    for (const model of this.catalog) {
      const path = this.pathOf(model);
      const size = await sizeOf(path);
      listings.push({
        name: model.name,
        engine: model.engine,
        source: 'catalog',
        installed: size !== undefined,
        path,
        bytes: model.kind === 'download' && size !== undefined ? size : model.approxBytes,
        isDefault: false,
        defaultIsExplicit: false,
        model,
      });
    }
    const known = new Set(this.catalog.flatMap((m) => (m.kind === 'download' ? [m.file] : [])));
    for (const file of await this.files()) {
      const match = /^ggml-(.+)\.bin$/.exec(file);
      if (!match || known.has(file)) continue;
      const path = join(this.dir, file);
      listings.push({
        name: match[1],
        engine: 'whisper',
        source: 'local',
        installed: true,
        path,
        bytes: (await sizeOf(path)) ?? 0,
        isDefault: false,
        defaultIsExplicit: false,
      });
    }
    // Pocketsphinx models a user unpacked into <dir>/pocketsphinx/<name> (an acoustic model folder,
    // a *.lm.bin and a *.dict), which the pocketsphinx engine resolves by that name.
    const catalogNames = new Set(this.catalog.map((m) => m.name));
    for (const name of await subdirectories(join(this.dir, POCKETSPHINX_DIR))) {
      if (catalogNames.has(name)) continue;
      const path = join(this.dir, POCKETSPHINX_DIR, name);
      listings.push({ name, engine: 'pocketsphinx', source: 'local', installed: true, path, bytes: await treeSize(path, 2), isDefault: false, defaultIsExplicit: false });
    }
    for (const listing of listings) {
      const measured = config.measurements[listing.name];
      if (measured) listing.measurements = measured;
    }
    for (const engine of new Set(listings.map((l) => l.engine))) {
      const installed = listings.filter((l) => l.engine === engine && l.installed);
      const chosen = installed.find((l) => l.name === config.defaults[engine]);
      const effective = chosen ?? installed[0];
      if (effective) {
        effective.isDefault = true;
        effective.defaultIsExplicit = effective === chosen;
      }
    }
    return listings;
  }

  /** A model by name, installed or not; throws `model_unknown` for names nobody knows. */
  async find(name: string): Promise<ModelListing> {
    const listing = (await this.list()).find((l) => l.name === name);
    if (!listing) {
      throw new EarshotError(
        'model_unknown',
        `Unknown model "${name}". Run \`earshot models list\` to see the models Earshot can pull.`,
      );
    }
    return listing;
  }

  /**
   * The model an engine uses when none is named: the one set with `models default`, else the first
   * installed in catalogue order (smallest first); undefined when the engine has none installed.
   */
  async defaultFor(engine: ModelEngine): Promise<ModelListing | undefined> {
    return (await this.list()).find((l) => l.engine === engine && l.isDefault);
  }

  async setDefault(name: string): Promise<ModelListing> {
    const listing = await this.find(name);
    if (!listing.installed) throw notInstalled(listing);
    const config = await this.readConfig();
    config.defaults[listing.engine] = listing.name;
    await this.writeConfig(config);
    return { ...listing, isDefault: true, defaultIsExplicit: true };
  }

  /**
   * Stores a measurement on a model's card (merged into what is there: an eval leaves the RTF of an
   * earlier bench alone). Unknown names are refused, so a path-given model records nothing.
   */
  async recordMeasurement(name: string, update: ModelMeasurements): Promise<ModelMeasurements> {
    await this.find(name);
    const config = await this.readConfig();
    const merged = { ...config.measurements[name], ...update };
    config.measurements[name] = merged;
    await this.writeConfig(config);
    return merged;
  }

  async pull(name: string, options: PullOptions = {}): Promise<PullResult> {
    const listing = await this.find(name);
    const model = listing.model;
    if (model?.kind === 'system') {
      if (listing.installed) return { path: listing.path, alreadyInstalled: true };
      throw new EarshotError(
        'model_not_installed',
        `Model "${name}" comes from a Debian package, not a download: run \`${model.installCommand}\` (as root).`,
      );
    }
    if (!model) {
      if (listing.installed) return { path: listing.path, alreadyInstalled: true };
      throw notInstalled(listing);
    }
    if (listing.installed && !options.force) return { path: listing.path, alreadyInstalled: true };
    const result = await downloadModelFile({
      url: modelUrl(model, this.baseUrl),
      dest: listing.path,
      checksum: model.checksum,
      onProgress: options.onProgress,
      signal: options.signal,
      retries: options.retries,
      retryDelayMs: options.retryDelayMs,
    });
    return { ...result, alreadyInstalled: false };
  }

  /** Deletes a pulled model (and any partial download); a removed default is forgotten too. */
  async remove(name: string): Promise<ModelListing> {
    const listing = await this.find(name);
    if (listing.model?.kind === 'system') {
      throw new EarshotError(
        'invalid_request',
        `Model "${name}" belongs to a Debian package; remove it with \`${listing.model.removeCommand}\` (as root).`,
      );
    }
    if (listing.engine === 'pocketsphinx' && listing.source === 'local') {
      throw new EarshotError('invalid_request', `Model "${name}" is a folder you put in ${listing.path}; delete that folder to remove it.`);
    }
    const hadPartial = (await sizeOf(partialPath(listing.path))) !== undefined;
    if (!listing.installed && !hadPartial) throw notInstalled(listing);
    await unlink(listing.path).catch(ignoreMissing);
    await unlink(partialPath(listing.path)).catch(ignoreMissing);
    const config = await this.readConfig();
    if (config.defaults[listing.engine] === listing.name) {
      delete config.defaults[listing.engine];
      await this.writeConfig(config);
    }
    return { ...listing, installed: false, isDefault: false, defaultIsExplicit: false };
  }

  pathOf(model: CatalogModel): string {
    return model.kind === 'system' ? model.path : join(this.dir, model.file);
  }

  private async files(): Promise<string[]> {
    try {
      return (await readdir(this.dir)).sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  private async readConfig(): Promise<ModelsConfig> {
    let text: string;
    try {
      text = await readFile(join(this.dir, CONFIG_FILE), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { defaults: {}, measurements: {} };
      throw error;
    }
    try {
      const parsed = JSON.parse(text) as Partial<ModelsConfig>;
      return { ...parsed, defaults: { ...(parsed.defaults ?? {}) }, measurements: { ...(parsed.measurements ?? {}) } };
    } catch (error) {
      throw new EarshotError(
        'invalid_request',
        `${join(this.dir, CONFIG_FILE)} is not valid JSON; fix it or delete it (defaults are then chosen afresh).`,
        { cause: error },
      );
    }
  }

  private async writeConfig(config: ModelsConfig): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const target = join(this.dir, CONFIG_FILE);
    // Write-then-rename so a crash never leaves half a JSON file for the next reader.
    const temp = `${target}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(temp, JSON.stringify(config, null, 2) + '\n');
    await rename(temp, target);
  }
}

function notInstalled(listing: ModelListing): EarshotError {
  const fix =
    listing.model?.kind === 'system'
      ? `run \`${listing.model.installCommand}\``
      : listing.source === 'local'
        ? `put the file back at ${listing.path}`
        : `run \`earshot models pull ${listing.name}\``;
  return new EarshotError('model_not_installed', `Model "${listing.name}" is not installed: ${fix}.`);
}

async function sizeOf(path: string): Promise<number | undefined> {
  try {
    const info = await stat(path);
    return info.isDirectory() ? 0 : info.size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function subdirectories(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    const names: string[] = [];
    for (const e of entries) {
      if (e.isDirectory() || (e.isSymbolicLink() && (await stat(join(dir, e.name)).catch(() => null))?.isDirectory())) names.push(e.name);
    }
    return names.sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** Bytes of the files under `path`, `depth` folder levels down (following symlinks). */
async function treeSize(path: string, depth: number): Promise<number> {
  let info;
  try {
    info = await stat(path);
  } catch {
    return 0;
  }
  if (!info.isDirectory()) return info.size;
  if (depth === 0) return 0;
  let total = 0;
  for (const entry of await readdir(path)) total += await treeSize(join(path, entry), depth - 1);
  return total;
}

function ignoreMissing(error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
}
