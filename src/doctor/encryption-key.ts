import { stat } from 'node:fs/promises';
import { keyLocationProblem } from '../app/key-location.js';
import { isEarshotError } from '../errors.js';
import { KEYS_ENV, readKeyFile } from '../store/encryption/key-file.js';
import { Keyring } from '../store/encryption/keyring.js';
import { type Check, type CheckResult, fail, ok, warn } from './check.js';

/**
 * The at-rest key `serve` would use: EARSHOT_ENCRYPTION_KEYS when set, else the key file
 * (EARSHOT_KEY_FILE). A missing key file is fine (the first start creates it); one inside the data
 * directory, a keys.json left there by an older Earshot, or an unreadable or malformed one fails.
 */
export function encryptionKeyCheck(dataDir: string, keyFile: string, env: NodeJS.ProcessEnv = process.env): Check {
  return { name: 'encryption key', run: () => judgeKey(dataDir, keyFile, env) };
}

async function judgeKey(dataDir: string, path: string, env: NodeJS.ProcessEnv): Promise<CheckResult> {
  const spec = env[KEYS_ENV];
  if (spec !== undefined && spec.trim() !== '') {
    try {
      const keyring = Keyring.parse(spec, KEYS_ENV);
      return ok(`${KEYS_ENV}: current key "${keyring.currentId}"`);
    } catch (error) {
      if (!isEarshotError(error)) throw error;
      return fail(`${KEYS_ENV}: ${error.message}`, `set ${KEYS_ENV}=id:base64key with 32 random bytes (openssl rand -base64 32)`);
    }
  }
  const misplaced = keyLocationProblem(dataDir, path, env);
  if (misplaced) return fail(misplaced.problem, misplaced.fix);
  const warnings: string[] = [];
  let keyring: Keyring | null;
  try {
    keyring = await readKeyFile(path, { info() {}, warn: (m) => void warnings.push(m) });
  } catch (error) {
    if (!isEarshotError(error)) throw error;
    return fail(error.message, `restore ${path} from a backup (transcripts encrypted with it cannot be read without it)`);
  }
  if (!keyring) return ok(`${path} does not exist yet; the first start creates it`);
  const mode = (await stat(path)).mode & 0o777;
  if (warnings.length > 0) return warn(`${path} (mode ${mode.toString(8)}) is readable by other users`, `chmod 600 ${path}`);
  return ok(`${path}: current key "${keyring.currentId}"`);
}
