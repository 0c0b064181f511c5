import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { EarshotError } from '../../errors.js';

/** AES-256 needs exactly 32 key bytes. */
export const KEY_BYTES = 32;

/** Key ids travel inside every ciphertext envelope (one length byte), so they stay short and plain. */
const KEY_ID_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

export interface KeyEntry {
  id: string;
  key: Buffer;
}

/**
 * The encryption keys a store may use: the first is current (new values are sealed with it), the
 * others only decrypt rows written before a rotation. Keeping old keys readable is what lets an
 * operator rotate without downtime: add a new key in front, run `rotate`, then drop the old one.
 */
export class Keyring {
  readonly currentId: string;
  readonly #keys = new Map<string, Buffer>();

  constructor(entries: readonly KeyEntry[]) {
    if (entries.length === 0) {
      throw new EarshotError('config_invalid', 'the encryption keyring is empty: at least one key is needed');
    }
    for (const { id, key } of entries) {
      if (!KEY_ID_PATTERN.test(id)) {
        throw new EarshotError('config_invalid', `encryption key id "${id}" is invalid: use 1-64 of A-Z a-z 0-9 _ . -`);
      }
      if (key.length !== KEY_BYTES) {
        throw new EarshotError('config_invalid', `encryption key "${id}" is ${key.length} bytes; AES-256 needs ${KEY_BYTES} (base64 of 32 random bytes)`);
      }
      if (this.#keys.has(id)) {
        throw new EarshotError('config_invalid', `encryption key id "${id}" appears twice in the keyring`);
      }
      this.#keys.set(id, Buffer.from(key));
    }
    this.currentId = entries[0].id;
  }

  /**
   * Parses `id1:base64key,id2:base64key` (first = current), the EARSHOT_ENCRYPTION_KEYS format.
   * `source` names where the text came from so a typo is reported against the right setting.
   */
  static parse(spec: string, source = 'EARSHOT_ENCRYPTION_KEYS'): Keyring {
    const entries: KeyEntry[] = [];
    for (const part of spec.split(',')) {
      const item = part.trim();
      if (item === '') continue;
      const colon = item.indexOf(':');
      if (colon <= 0) {
        throw new EarshotError('config_invalid', `${source}: expected "id:base64key" entries separated by commas`);
      }
      entries.push({ id: item.slice(0, colon), key: decodeKey(item.slice(colon + 1), item.slice(0, colon), source) });
    }
    return new Keyring(entries);
  }

  /** A fresh random key with a dated id, so operators can tell keys apart by age. */
  static generateEntry(now = new Date()): KeyEntry {
    const day = now.toISOString().slice(0, 10).replaceAll('-', '');
    return { id: `k${day}-${randomBytes(3).toString('hex')}`, key: randomBytes(KEY_BYTES) };
  }

  has(id: string): boolean {
    return this.#keys.has(id);
  }

  get ids(): string[] {
    return [...this.#keys.keys()];
  }

  /** Throws a clear error naming the key id when a row was sealed with a key no longer configured. */
  key(id: string): Buffer {
    const key = this.#keys.get(id);
    if (!key) {
      throw new EarshotError(
        'encryption_key_missing',
        `no encryption key with id "${id}" in the keyring (have: ${this.ids.join(', ')}); ` +
          'add it back to EARSHOT_ENCRYPTION_KEYS or keys.json to read rows sealed with it',
      );
    }
    return key;
  }

  /** A keyring whose current key is `entry`, keeping every existing key for reading. */
  withCurrent(entry: KeyEntry): Keyring {
    return new Keyring([entry, ...this.entries().filter((e) => e.id !== entry.id)]);
  }

  /** A keyring without `id` (after a rotation has moved every row off it). */
  without(id: string): Keyring {
    return new Keyring(this.entries().filter((e) => e.id !== id));
  }

  entries(): KeyEntry[] {
    return [...this.#keys].map(([id, key]) => ({ id, key: Buffer.from(key) }));
  }

  // Key bytes must never reach a log line, however the keyring gets printed.
  toJSON(): { currentId: string; ids: string[] } {
    return { currentId: this.currentId, ids: this.ids };
  }

  [inspect.custom](): string {
    return `Keyring { current: ${this.currentId}, ids: [${this.ids.join(', ')}] }`;
  }
}

export function decodeKey(text: string, id: string, source: string): Buffer {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) {
    throw new EarshotError('config_invalid', `${source}: key "${id}" is not base64`);
  }
  return Buffer.from(trimmed, 'base64');
}
