import pg from 'pg';
import type { Backend } from '../backend.js';
import { CurrentSchemaPostgresDialect } from './current-schema-dialect.js';

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
    createDialect: () => {
      // A connection that cannot be opened fails the query after 5 s instead of hanging it.
      const pool = new pg.Pool({ connectionString: url, max: options.maxConnections ?? 10, connectionTimeoutMillis: 5000 });
      // An idle connection that dies (server restart, failover, pg_terminate_backend) is reported
      // here; the pool drops it and the next query opens a new one. Unlistened, this event would
      // crash the process (issue 12: a process that loses Postgres keeps running).
      pool.on('error', () => {});
      return new CurrentSchemaPostgresDialect({ pool });
    },
    types: { timestamp: 'timestamptz', binary: 'bytea', serial: 'bigint' },
    serialPrimaryKey: (column) => column.primaryKey().generatedAlwaysAsIdentity(),
    rowLocks: true,
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
