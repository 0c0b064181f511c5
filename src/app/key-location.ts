import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, relative, isAbsolute } from 'node:path';
import { EarshotError } from '../errors.js';
import { KEY_FILE_NAME, KEYS_ENV } from '../store/encryption/key-file.js';

export const KEY_FILE_ENV = 'EARSHOT_KEY_FILE';

/**
 * Where keys.json lives unless EARSHOT_KEY_FILE says otherwise: the user's config directory, not
 * the data directory, so a backup (or a stolen copy) of the data does not carry the key that
 * opens it.
 */
export function defaultKeyFile(env: NodeJS.ProcessEnv = process.env): string {
  const config = env.XDG_CONFIG_HOME && isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : join(homedir(), '.config');
  return join(config, 'earshot', KEY_FILE_NAME);
}

/**
 * What is wrong with where the key would be kept, or null: a key file inside the data directory,
 * or a keys.json an older Earshot created there (the migration: move it, with the command to do so).
 * Not consulted when EARSHOT_ENCRYPTION_KEYS holds the keys.
 */
export function keyLocationProblem(dataDir: string, keyFile: string, env: NodeJS.ProcessEnv = process.env): { problem: string; fix: string } | null {
  if (env[KEYS_ENV] !== undefined && env[KEYS_ENV]!.trim() !== '') return null;
  const inside = relative(dataDir, keyFile);
  if (inside === '' || (!inside.startsWith('..') && !isAbsolute(inside))) {
    return {
      problem: `the encryption key file ${keyFile} is inside the data directory ${dataDir}, so every backup of the data would carry its key`,
      fix: `set ${KEY_FILE_ENV} to a path outside ${dataDir} (default ${defaultKeyFile(env)}) and move the file there`,
    };
  }
  const legacy = join(dataDir, KEY_FILE_NAME);
  if (!existsSync(legacy)) return null;
  if (existsSync(keyFile)) {
    return {
      problem: `two key files: ${keyFile} and ${legacy} (left in the data directory by an older Earshot)`,
      fix: `keep the one your transcripts were sealed with: compare them, move it to ${keyFile}, and delete ${legacy}`,
    };
  }
  return {
    problem: `${legacy} holds the encryption key inside the data directory (an older Earshot put it there); keys now live outside it`,
    fix: `mkdir -p -m 700 ${join(keyFile, '..')} && mv ${legacy} ${keyFile}  (or set ${KEY_FILE_ENV} to another path outside the data directory)`,
  };
}

/** Refuses to start with a key kept beside the data, naming the command that moves it. */
export function assertKeyLocation(dataDir: string, keyFile: string, env: NodeJS.ProcessEnv = process.env): void {
  const found = keyLocationProblem(dataDir, keyFile, env);
  if (found) throw new EarshotError('config_invalid', `Refusing to start: ${found.problem}. Fix: ${found.fix}.`);
}
