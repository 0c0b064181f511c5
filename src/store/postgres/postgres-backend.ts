import pg from 'pg';
import { PostgresDialect, sql, type Kysely } from 'kysely';
import type { Backend } from '../backend.js';

export interface PostgresBackendOptions {
  /** Pool size; the API and the workers share it. */
  maxConnections?: number;
}

/**
 * Connects to `postgres://…`. A schema other than `public` is chosen the libpq way, through the
 * URL: `?options=-c%20search_path%3Dmyschema`.
 */
export function createPostgresBackend(url: string, options: PostgresBackendOptions = {}): Backend {
  return {
    kind: 'postgres',
    description: redact(url),
    createDialect: () =>
      new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: options.maxConnections ?? 10 }) }),
    types: { timestamp: 'timestamptz', binary: 'bytea', serial: 'bigint' },
    serialPrimaryKey: (column) => column.primaryKey().generatedAlwaysAsIdentity(),
    rowLocks: true,
    async migrationSchema(db: Kysely<any>) {
      // Kysely looks for its migration table in every schema unless told which; a second Earshot
      // in another schema of the same database would otherwise hide ours.
      const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
      return rows[0]?.schema ?? undefined;
    },
    // MVCC keeps the old row version until vacuum; it holds only ciphertext (see store docs).
    afterSecureDelete: async () => {},
    toIso: (value) => (value instanceof Date ? value.toISOString() : new Date(value).toISOString()),
  };
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://(unparseable url)';
  }
}
