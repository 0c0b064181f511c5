import type { Kysely } from 'kysely';
import type { Backend } from './backend.js';
import type { FieldCipher } from './encryption/field-cipher.js';
import type { StoreLogger } from './logger.js';
import type { Database } from './schema.js';

/** What every repository module shares; built once per open store. */
export interface StoreContext {
  readonly db: Kysely<Database>;
  readonly backend: Backend;
  readonly cipher: FieldCipher;
  readonly logger: StoreLogger;
  /** Marks the jobs this process claimed, so restart recovery can tell them from a dead process's. */
  readonly instanceId: string;
}

export function nowIso(): string {
  return new Date().toISOString();
}
