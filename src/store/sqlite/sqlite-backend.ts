import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { sql, type Kysely } from 'kysely';
import type { Backend } from '../backend.js';
import type { StoreLogger } from '../logger.js';
import { EarshotSqliteDialect } from './sqlite-dialect.js';
import { BetterSqlite, type BetterSqliteDatabase } from './better-sqlite3.js';

/** Opens (creating if needed) the SQLite file at an absolute path. */
export function createSqliteBackend(path: string): Backend {
  return {
    kind: 'sqlite',
    description: `sqlite:${path}`,
    createDialect: () => new EarshotSqliteDialect({ database: () => openDatabase(path) }),
    types: { timestamp: 'text', binary: 'blob', serial: 'integer' },
    // AUTOINCREMENT, unlike a bare rowid, never reuses a seq, so cursors stay unambiguous.
    serialPrimaryKey: (column) => column.primaryKey().autoIncrement(),
    rowLocks: false,
    async afterSecureDelete(db: Kysely<any>, logger: StoreLogger) {
      // secure_delete zeroes freed space in the main file, but the WAL still holds the old pages
      // until a checkpoint; TRUNCATE copies them back and empties the WAL file.
      const { rows } = await sql<{ busy: number }>`pragma wal_checkpoint(TRUNCATE)`.execute(db);
      if (rows[0]?.busy) {
        logger.warn(`${path}: another connection kept the WAL busy; deleted content stays in it until the next checkpoint`);
      }
    },
    toIso: (value) => (value instanceof Date ? value.toISOString() : value),
  };
}

const BUSY_TIMEOUT_MS = 5000;

async function openDatabase(path: string): Promise<BetterSqliteDatabase> {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const db = new BetterSqlite(path, { timeout: BUSY_TIMEOUT_MS });
  try {
    // WAL lets the API read while a worker writes; NORMAL sync is crash-safe in WAL mode.
    await retryWhileBusy(() => db.pragma('journal_mode = WAL'));
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    // Zero freed cells and pages so a deleted transcript's bytes don't linger in free space.
    db.pragma('secure_delete = ON');
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/**
 * Switching a new file to WAL needs an exclusive lock, and SQLite reports a clash there at once
 * instead of calling the busy handler, so processes that create the database together retry.
 */
async function retryWhileBusy<T>(fn: () => T): Promise<T> {
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  for (let delay = 10; ; delay = Math.min(delay * 2, 200)) {
    try {
      return fn();
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      if (!code.startsWith('SQLITE_BUSY') || Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
