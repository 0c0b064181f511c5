/**
 * Issue 18: a store in one schema failed to open because another test file dropped its own schema
 * in the same database at the same moment. Here stores open, migrate and read their migrations
 * while other schemas (with tables) are created and dropped around them, as concurrent test files
 * and several installations sharing a database do.
 *
 *   EARSHOT_STRESS_OPENS=N   stores to open (default 12, a few seconds; a few hundred to hunt races)
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kysely } from 'kysely';
import pg from 'pg';
import { MIGRATION_LOCK_TABLE, MIGRATION_TABLE, migrations } from '../../src/store/migrations.js';
import { createPostgresBackend } from '../../src/store/postgres/postgres-backend.js';
import { openStore } from '../../src/store/store.js';
import { postgresUrlOrSkip, silentLogger, testKeyring, testSchemaName, withSearchPath } from './backends.js';

const OPENS = Number(process.env.EARSHOT_STRESS_OPENS ?? 12);
const OPENERS = 3;
const CHURNERS = 3;

test('stores open and migrate while other schemas in the same database are created and dropped', async (t) => {
  const server = await postgresUrlOrSkip(t);
  if (!server) return;
  const admin = new pg.Pool({ connectionString: server, max: OPENERS + CHURNERS });
  const keyring = testKeyring();
  const failures: string[] = [];
  let started = 0;
  let churned = 0;
  let opening = true;

  // Tables with several columns, because the failing introspection looked up every column's
  // schema by name: more rows in a doomed schema, more chances to hit it mid-drop.
  const churn = async () => {
    while (opening) {
      const schema = testSchemaName();
      await admin.query(`create schema ${schema}`);
      await admin.query(`create table ${schema}.t (id bigint generated always as identity, a text, b bytea, c timestamptz)`);
      await admin.query(`drop schema ${schema} cascade`);
      churned++;
    }
  };

  const open = async () => {
    while (started < OPENS) {
      started++;
      const schema = testSchemaName();
      await admin.query(`create schema ${schema}`);
      try {
        const store = await openStore(withSearchPath(server, schema), { keyring, logger: silentLogger });
        try {
          assert.deepEqual(await store.appliedMigrations(), Object.keys(migrations(createPostgresBackend(server))));
          await store.createApiKey('works');
        } finally {
          await store.close();
        }
      } catch (err) {
        failures.push((err as Error).message);
      } finally {
        await admin.query(`drop schema if exists ${schema} cascade`);
      }
    }
  };

  const churners = Array.from({ length: CHURNERS }, churn);
  try {
    await Promise.all(Array.from({ length: OPENERS }, open));
  } finally {
    opening = false;
    await Promise.allSettled(churners);
    await admin.end();
  }
  await Promise.all(churners);

  const summary = `${failures.length} of ${OPENS} opens failed while ${churned} other schemas came and went`;
  t.diagnostic(summary);
  assert.deepEqual(failures, [], summary);
  assert.ok(churned > 0, 'other schemas were dropped while the stores opened');
});

// The migrator decides from this list whether to create its tables, so it must be complete for the
// store's schema even though it no longer looks anywhere else.
test("the store's introspection lists its own schema's tables and no other schema's", async (t) => {
  const server = await postgresUrlOrSkip(t);
  if (!server) return;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  const [mine, other] = [testSchemaName(), testSchemaName()];
  const url = withSearchPath(server, mine);
  const db = new Kysely<any>({ dialect: createPostgresBackend(url).createDialect() });
  try {
    await admin.query(`create schema ${mine}`);
    await admin.query(`create schema ${other}`);
    await admin.query(`create table ${other}.projects (id text)`);
    await admin.query(`create table ${other}.elsewhere (id text)`);
    await (await openStore(url, { keyring: testKeyring(), logger: silentLogger })).close();

    const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
    assert.deepEqual(
      tables.map((table) => `${table.schema}.${table.name}`).sort(),
      ['api_keys', MIGRATION_TABLE, MIGRATION_LOCK_TABLE, 'projects', 'transcripts', 'voices', 'webhook_deliveries', 'webhook_outbox'].map((name) => `${mine}.${name}`).sort(),
    );
    const seq = tables.find((table) => table.name === 'transcripts')?.columns.find((column) => column.name === 'seq');
    assert.deepEqual(
      { dataType: seq?.dataType, isAutoIncrementing: seq?.isAutoIncrementing, isNullable: seq?.isNullable },
      { dataType: 'int8', isAutoIncrementing: true, isNullable: false },
    );
  } finally {
    await db.destroy();
    await admin.query(`drop schema if exists ${mine} cascade`);
    await admin.query(`drop schema if exists ${other} cascade`);
    await admin.end();
  }
});
