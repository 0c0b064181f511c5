import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { EarshotError } from '../../errors.js';
import type { StoreLogger } from '../logger.js';
import { decodeKey, Keyring, type KeyEntry } from './keyring.js';

export const KEY_FILE_NAME = 'keys.json';
export const KEYS_ENV = 'EARSHOT_ENCRYPTION_KEYS';

/** `{ "keys": [{ "id": "...", "key": "<base64 of 32 bytes>" }] }`, first = current, like the env var. */
interface KeyFileJson {
  keys: { id: string; key: string }[];
}

export interface LoadKeyringOptions {
  env?: Record<string, string | undefined>;
  /** The key file, read (or created when no key is configured). */
  keyFile?: string;
  /** Without keyFile: `<dataDir>/keys.json` (embedding and tests; the app passes keyFile). */
  dataDir?: string;
  logger: StoreLogger;
}

/**
 * EARSHOT_ENCRYPTION_KEYS wins when set; otherwise the key file, created on first start so a
 * self-hosted install is encrypted at rest without any set-up. Without either there is nowhere
 * safe to keep a key, so opening fails rather than storing plaintext.
 */
export async function loadKeyring(options: LoadKeyringOptions): Promise<Keyring> {
  const spec = (options.env ?? process.env)[KEYS_ENV];
  if (spec !== undefined && spec.trim() !== '') return Keyring.parse(spec, KEYS_ENV);
  const path = options.keyFile ?? (options.dataDir === undefined ? undefined : join(options.dataDir, KEY_FILE_NAME));
  if (path === undefined) {
    throw new EarshotError(
      'config_invalid',
      `no encryption key: set ${KEYS_ENV}=id:base64key (32 random bytes) or give the store a key file (EARSHOT_KEY_FILE)`,
    );
  }
  const existing = await readKeyFile(path, options.logger);
  if (existing) return existing;
  return createKeyFile(path, options.logger);
}

/** Reads keys.json, or returns null when it doesn't exist. */
export async function readKeyFile(path: string, logger?: StoreLogger): Promise<Keyring | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new EarshotError('config_invalid', `cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
  const mode = (await stat(path)).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    logger?.warn(`${path} is readable by other users (mode ${mode.toString(8)}); run: chmod 600 ${path}`);
  }
  let parsed: KeyFileJson;
  try {
    parsed = JSON.parse(text) as KeyFileJson;
  } catch (cause) {
    throw new EarshotError('config_invalid', `${path} is not valid JSON`, { cause });
  }
  if (!parsed || !Array.isArray(parsed.keys)) {
    throw new EarshotError('config_invalid', `${path}: expected {"keys":[{"id":"...","key":"<base64>"}]}`);
  }
  return new Keyring(
    parsed.keys.map((k) => {
      if (typeof k?.id !== 'string' || typeof k.key !== 'string') {
        throw new EarshotError('config_invalid', `${path}: every key needs a string "id" and "key"`);
      }
      return { id: k.id, key: decodeKey(k.key, k.id, path) };
    }),
  );
}

/**
 * Creates keys.json with one fresh key. The key is written whole to a private temporary file and
 * then hard-linked into place: the link either creates keys.json complete or fails because another
 * process won, whose file the loser then reads. (Opening keys.json itself with `wx` left a moment
 * where the loser could read the winner's still-empty file.)
 */
export async function createKeyFile(path: string, logger: StoreLogger): Promise<Keyring> {
  const entry = Keyring.generateEntry();
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const handle = await open(tmp, 'wx', 0o600);
    try {
      await handle.writeFile(serialize([entry]));
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await link(tmp, path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
        const raced = await readKeyFile(path, logger);
        if (raced) return raced;
      }
      throw new EarshotError('config_invalid', `cannot create ${path}: ${(err as Error).message}`, { cause: err });
    }
  } finally {
    await rm(tmp, { force: true });
  }
  logger.info(
    `no encryption key configured: created ${path} (mode 600) with new key "${entry.id}". ` +
      'Back it up: stored transcripts cannot be read without it.',
  );
  return new Keyring([entry]);
}

/**
 * Puts a fresh key in front of keys.json, keeping the old ones for reading. Written to a temporary
 * file and renamed so a crash never leaves a half-written key file behind.
 */
export async function addKeyToFile(path: string, logger?: StoreLogger): Promise<KeyEntry> {
  const current = await readKeyFile(path, logger);
  const entry = Keyring.generateEntry();
  const entries = current ? current.withCurrent(entry).entries() : [entry];
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, serialize(entries), { mode: 0o600, flag: 'wx' });
  await rename(tmp, path);
  return entry;
}

function serialize(entries: KeyEntry[]): string {
  const json: KeyFileJson = { keys: entries.map((e) => ({ id: e.id, key: e.key.toString('base64') })) };
  return `${JSON.stringify(json, null, 2)}\n`;
}
