import { open } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { isEarshotError, type ErrorCode } from '../../errors.js';
import type { EngineOptions } from '../engine.js';
import { RECOMMENDED_WHISPER_MODEL } from '../models/catalog.js';
import { defaultModelsDir } from '../models/models-dir.js';
import { ModelRegistry } from '../models/registry.js';

export interface ResolvedWhisperModel {
  /** Registry name (`base.en`) or the file name of a model given by path. */
  name: string;
  path: string;
  /** Language passed to whisper: `en` for English-only models, else detected per utterance. */
  language: 'en' | 'auto';
}

export type WhisperModelResolution =
  | { ok: true; model: ResolvedWhisperModel }
  | { ok: false; code: ErrorCode; reason: string };

/** whisper.cpp's ggml files start with the uint32 0x67676d6c, little-endian. */
const GGML_MAGIC = 0x67676d6c;

/**
 * Finds the model file the whisper engine should load. `options.model` is a registry name
 * (`base.en`, resolved in the models directory) or a path to a ggml `.bin`; without one, the
 * whisper default from `earshot models default` (or the first installed whisper model) is used.
 */
export async function resolveWhisperModel(options: EngineOptions = {}): Promise<WhisperModelResolution> {
  try {
    return await resolveModel(options);
  } catch (error) {
    // A broken models directory (unreadable, bad config JSON) makes the engine not ready, with why.
    if (isEarshotError(error)) return { ok: false, code: error.code, reason: error.message };
    const reason = `The models directory cannot be read: ${(error as Error).message}.`;
    return { ok: false, code: 'engine_not_ready', reason };
  }
}

async function resolveModel(options: EngineOptions): Promise<WhisperModelResolution> {
  const dir = options.modelsDir ?? defaultModelsDir();
  const requested = options.model?.trim();

  if (requested && isPath(requested)) {
    const path = resolve(requested);
    return checkFile(path, basename(path).replace(/^ggml-/, '').replace(/\.bin$/i, ''));
  }

  const registry = new ModelRegistry({ dir });
  if (!requested) {
    const chosen = await registry.defaultFor('whisper');
    if (!chosen) {
      return {
        ok: false,
        code: 'engine_not_ready',
        reason: `No whisper model is installed in ${dir}. Run \`${pullCommand(RECOMMENDED_WHISPER_MODEL, dir)}\` to download one.`,
      };
    }
    return checkFile(chosen.path, chosen.name);
  }

  const listing = (await registry.list()).find((l) => l.name === requested);
  if (!listing) {
    return {
      ok: false,
      code: 'model_unknown',
      reason:
        `Unknown whisper model "${requested}": give a name from \`earshot models list\` ` +
        '(such as base.en) or a path to a ggml .bin file.',
    };
  }
  if (listing.engine !== 'whisper') {
    return {
      ok: false,
      code: 'model_unknown',
      reason: `"${requested}" is a ${listing.engine} model, not a whisper one; see \`earshot models list\`.`,
    };
  }
  if (!listing.installed) {
    return {
      ok: false,
      code: 'engine_not_ready',
      reason: `Whisper model ${requested} is not in ${dir}. Run \`${pullCommand(requested, dir)}\` to download it.`,
    };
  }
  return checkFile(listing.path, listing.name);
}

/** The exact command to run: it names the directory when it is not the one the CLI would use. */
export function pullCommand(name: string, dir: string): string {
  return resolve(dir) === defaultModelsDir() ? `earshot models pull ${name}` : `EARSHOT_MODELS_DIR=${dir} earshot models pull ${name}`;
}

function isPath(model: string): boolean {
  return model.includes('/') || model.includes('\\') || /\.bin$/i.test(model);
}

async function checkFile(path: string, name: string): Promise<WhisperModelResolution> {
  let magic: number;
  try {
    const file = await open(path, 'r');
    try {
      const { buffer, bytesRead } = await file.read(Buffer.alloc(4), 0, 4, 0);
      magic = bytesRead === 4 ? buffer.readUInt32LE(0) : -1;
    } finally {
      await file.close();
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? `The whisper model file ${path} does not exist. Give a name from \`earshot models list\` or an existing ggml .bin path.`
        : `The whisper model file ${path} cannot be read (${code ?? (error as Error).message}).`;
    return { ok: false, code: 'engine_not_ready', reason };
  }
  if (magic !== GGML_MAGIC) {
    return {
      ok: false,
      code: 'engine_not_ready',
      reason: `${path} is not a whisper.cpp ggml model (wrong file header). Delete it and pull the model again.`,
    };
  }
  return { ok: true, model: { name, path, language: /(^|[.-])en($|[.-])/.test(name) ? 'en' : 'auto' } };
}
