import { createRequire } from 'node:module';
import type { SqliteDatabase } from 'kysely';

/**
 * The slice of better-sqlite3 the store uses, typed here because @types/better-sqlite3 is not a
 * dependency; Kysely's SqliteDatabase already describes prepare/close.
 */
export interface BetterSqliteDatabase extends SqliteDatabase {
  pragma(source: string, options?: { simple?: boolean }): unknown;
  readonly open: boolean;
}

type BetterSqliteConstructor = new (filename: string, options?: { timeout?: number }) => BetterSqliteDatabase;

// better-sqlite3 is CommonJS; createRequire loads it from ESM without a default-import shim.
const require = createRequire(import.meta.url);
export const BetterSqlite = require('better-sqlite3') as BetterSqliteConstructor;
