import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { WHISPER_MODELS_BASE_URL } from './catalog.js';

/**
 * Where `earshot models pull` stores models: `$EARSHOT_MODELS_DIR`, else the user's cache
 * directory (`$XDG_CACHE_HOME/earshot/models`, by default `~/.cache/earshot/models`). A cache
 * directory because every file in it can be downloaded again.
 */
export function defaultModelsDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.EARSHOT_MODELS_DIR) return resolve(env.EARSHOT_MODELS_DIR);
  const cache = env.XDG_CACHE_HOME ? resolve(env.XDG_CACHE_HOME) : join(homedir(), '.cache');
  return join(cache, 'earshot', 'models');
}

/** The host models are fetched from: `$EARSHOT_MODELS_BASE_URL` (a mirror) or whisper.cpp's. */
export function defaultModelsBaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env.EARSHOT_MODELS_BASE_URL || WHISPER_MODELS_BASE_URL;
}
