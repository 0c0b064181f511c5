import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test as plainTest } from 'node:test';
import { Kysely } from 'kysely';
import { isEarshotError } from '../../src/errors.js';
import { createPostgresBackend } from '../../src/store/postgres/postgres-backend.js';
import { createSqliteBackend } from '../../src/store/sqlite/sqlite-backend.js';
import { MIGRATION_TABLE, migrateToLatest, migrations } from '../../src/store/migrations.js';
import { openStore } from '../../src/store/store.js';
import { describeBackends, silentLogger } from './backends.js';

const EXPECTED_TABLES = ['api_keys', 'projects', 'transcripts', 'webhook_deliveries', 'webhook_outbox', 'voices'];
const VERSIONS = Object.keys(migrations(createSqliteBackend('/unused')));

describeBackends('migrations', (test) => {
  test('from scratch: creates every table and records the applied version', async (env) => {
    const store = await env.open();
    assert.deepEqual(await store.appliedMigrations(), VERSIONS);
    const tables = await tableNames(env.kind, env.query);
    for (const table of [...EXPECTED_TABLES, MIGRATION_TABLE]) assert.ok(tables.includes(table), `missing table ${table}`);
    const recorded = await env.query<{ name: string }>(`select name from ${MIGRATION_TABLE}`);
    assert.deepEqual(recorded.map((r) => r.name), VERSIONS);
  });

  test('re-running on an up-to-date database applies nothing and keeps the data', async (env) => {
    const first = await env.open();
    const key = await first.createApiKey('kept');
    await first.close();

    const second = await env.open();
    assert.ok(await second.authenticate(key.key), 'data written before the re-run is still there');
    const recorded = await env.query<{ name: string }>(`select name from ${MIGRATION_TABLE}`);
    assert.equal(recorded.length, VERSIONS.length, 'each version is recorded once');

    const backend = env.kind === 'sqlite' ? createSqliteBackend(`${env.dir}/earshot.db`) : createPostgresBackend(env.target as string);
    const db = new Kysely<any>({ dialect: backend.createDialect() });
    try {
      assert.deepEqual(await migrateToLatest(db, backend), []);
    } finally {
      await db.destroy();
    }
  });

  test('several processes migrating a fresh database at once apply each version exactly once', async (env) => {
    // Separate processes, as in production: better-sqlite3 is synchronous, so two connections in
    // one process would wait on each other's lock while blocking the event loop.
    const startAt = Date.now() + 2500;
    const outputs = await Promise.all([1, 2, 3].map(() => runChild(env.target as string, startAt)));
    const applied = outputs.flatMap((o) => JSON.parse(o) as string[]);
    assert.deepEqual(applied.sort(), VERSIONS, `each version applied by one process only: ${outputs.join(' | ')}`);
    const recorded = await env.query(`select name from ${MIGRATION_TABLE}`);
    assert.equal(recorded.length, VERSIONS.length);
    const store = await env.open();
    assert.ok(await store.createApiKey('works'));
  });
});

// Outside describeBackends: it needs a URL that points nowhere.
plainTest('an unreachable Postgres fails to open with store_unavailable', async () => {
  await assert.rejects(
    openStore('postgres://postgres@127.0.0.1:1/none', { env: { EARSHOT_ENCRYPTION_KEYS: `k:${Buffer.alloc(32, 1).toString('base64')}` }, logger: silentLogger }),
    (err: unknown) => isEarshotError(err, 'store_unavailable') && /127\.0\.0\.1:1/.test((err as Error).message),
  );
});

async function tableNames(kind: string, query: <T>(text: string) => Promise<T[]>): Promise<string[]> {
  const rows =
    kind === 'sqlite'
      ? await query<{ name: string }>(`select name from sqlite_master where type = 'table'`)
      : await query<{ name: string }>(`select table_name as name from information_schema.tables where table_schema = current_schema()`);
  return rows.map((r) => r.name);
}

function runChild(url: string, startAt: number): Promise<string> {
  const script = fileURLToPath(new URL('./fixtures/open-store.ts', import.meta.url));
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', script, url, String(startAt)], { timeout: 60_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`child failed: ${err.message}\n${stderr}`)) : resolve(stdout),
    );
  });
}
