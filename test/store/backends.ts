/**
 * Runs one test suite against every real store backend, after Kysely's test-setup: SQLite in a
 * fresh temporary directory, Postgres in a fresh schema of the `test` database, both dropped after.
 *
 *   EARSHOT_TEST_STORE=sqlite|postgres     only that backend (default: both)
 *   EARSHOT_TEST_POSTGRES_URL=postgres://… server to use (default: 127.0.0.1:5432/test as postgres, then root)
 *
 * When Postgres is unreachable its tests are skipped with the reason, or fail when CI is set.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import pg from 'pg';
import { Keyring } from '../../src/store/encryption/keyring.js';
import { BetterSqlite } from '../../src/store/sqlite/better-sqlite3.js';
import { openStore, type OpenStoreOptions, type Store, type StoreLogger, type StoreTarget } from '../../src/store/store.js';

export type BackendName = 'sqlite' | 'postgres';

export interface StoreEnv {
  kind: BackendName;
  /** What to pass to openStore to reach this test's database. */
  target: StoreTarget;
  /** A temporary directory owned by this test (holds the SQLite file). */
  dir: string;
  /** The keyring `open()` uses unless told otherwise. */
  keyring: Keyring;
  /** Opens a store on this test's database; closed automatically at the end of the test. */
  open(options?: OpenStoreOptions): Promise<Store>;
  /** Raw SQL on the database behind the store's back, with `?` placeholders on both backends. */
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
}

export type BackendTest = (name: string, fn: (env: StoreEnv, t: TestContext) => Promise<void>) => void;

export const silentLogger: StoreLogger = { info() {}, warn() {} };

/** A logger that remembers its lines, for tests that check what the store said. */
export function recordingLogger(): StoreLogger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => void lines.push(`info: ${m}`), warn: (m) => void lines.push(`warn: ${m}`) };
}

export function testKeyring(id = 'k1'): Keyring {
  return new Keyring([{ id, key: randomBytes(32) }]);
}

export function selectedBackends(): BackendName[] {
  const wanted = process.env.EARSHOT_TEST_STORE;
  if (!wanted) return ['sqlite', 'postgres'];
  return wanted.split(',').map((s) => s.trim()) as BackendName[];
}

/** Registers the suite once per backend, each test with its own fresh database. */
export function describeBackends(title: string, define: (test: BackendTest) => void): void {
  for (const kind of selectedBackends()) {
    describe(`${title} [${kind}]`, () => {
      define((name, fn) =>
        it(name, async (t) => {
          const env = await createEnv(kind, t);
          if (!env) return;
          try {
            await fn(env.env, t);
          } finally {
            await env.cleanup();
          }
        }),
      );
    });
  }
}

async function createEnv(kind: BackendName, t: TestContext): Promise<{ env: StoreEnv; cleanup: () => Promise<void> } | null> {
  const dir = await mkdtemp(join(tmpdir(), 'earshot-store-'));
  const keyring = testKeyring();
  const opened: Store[] = [];
  const base = { kind, dir, keyring };
  const open = (target: StoreTarget) => async (options: OpenStoreOptions = {}) => {
    const store = await openStore(target, { keyring, logger: silentLogger, ...options });
    opened.push(store);
    return store;
  };
  const closeAll = async () => {
    await Promise.all(opened.map((s) => s.close()));
  };

  if (kind === 'sqlite') {
    const path = join(dir, 'earshot.db');
    const target = `sqlite://${path}`;
    return {
      env: { ...base, target, open: open(target), query: async (text, params = []) => sqliteQuery(path, text, params) },
      cleanup: async () => {
        await closeAll();
        await rm(dir, { recursive: true, force: true });
      },
    };
  }

  let serverUrl: string | null = null;
  try {
    serverUrl = await postgresUrlOrSkip(t);
  } finally {
    if (!serverUrl) await rm(dir, { recursive: true, force: true });
  }
  if (!serverUrl) return null;
  const schema = testSchemaName();
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.query(`set search_path to ${schema}`);
  const target = withSearchPath(serverUrl, schema);
  return {
    env: {
      ...base,
      target,
      open: open(target),
      query: async (text, params = []) => {
        let n = 0;
        const { rows } = await admin.query(text.replace(/\?/g, () => `$${++n}`), params);
        return rows;
      },
    },
    cleanup: async () => {
      await closeAll();
      await admin.query(`drop schema if exists ${schema} cascade`);
      await admin.end();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function sqliteQuery<T>(path: string, text: string, params: unknown[]): T[] {
  // A short-lived connection, so it never holds a WAL snapshot that would block a checkpoint.
  const db = new BetterSqlite(path, { timeout: 5000 });
  try {
    const stmt = db.prepare(text);
    return (stmt.reader ? stmt.all(params) : (stmt.run(params), [])) as T[];
  } finally {
    db.close();
  }
}

/**
 * The test server's URL, or null after skipping the test because Postgres is unreachable; when CI
 * is set it throws instead, so an unreachable database never passes silently.
 */
export async function postgresUrlOrSkip(t: TestContext): Promise<string | null> {
  const server = await postgresServer();
  if (server.url) return server.url;
  if (process.env.CI) throw new Error(`Postgres is required when CI is set, but unreachable: ${server.reason}`);
  t.skip(`Postgres unreachable (${server.reason}); set EARSHOT_TEST_POSTGRES_URL or start it on 127.0.0.1:5432`);
  return null;
}

/** Unique per process and call, so test files running at once never share a schema. */
export function testSchemaName(): string {
  return `earshot_test_${process.pid}_${randomBytes(4).toString('hex')}`;
}

/** The libpq way to pick a schema: every pooled connection starts with that search_path. */
export function withSearchPath(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('options', `-c search_path=${schema}`);
  return parsed.toString();
}

let serverProbe: Promise<{ url?: string; reason: string }> | undefined;

function postgresServer(): Promise<{ url?: string; reason: string }> {
  serverProbe ??= (async () => {
    const candidates = process.env.EARSHOT_TEST_POSTGRES_URL
      ? [process.env.EARSHOT_TEST_POSTGRES_URL]
      : ['postgres://postgres@127.0.0.1:5432/test', 'postgres://root@127.0.0.1:5432/test'];
    const reasons: string[] = [];
    for (const url of candidates) {
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
      try {
        await client.connect();
        await client.query('select 1');
        return { url, reason: '' };
      } catch (err) {
        reasons.push(`${new URL(url).username}@${new URL(url).host}: ${(err as Error).message}`);
      } finally {
        await client.end().catch(() => {});
      }
    }
    return { reason: reasons.join('; ') };
  })();
  return serverProbe;
}
