/**
 * Migration 0002 on a database an older Earshot wrote: clear-text webhook URLs are sealed (a
 * deleted transcript's is dropped), and the delivery log keeps only each URL's origin.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Kysely, Migrator } from 'kysely';
import { FieldCipher } from '../../src/store/encryption/field-cipher.js';
import { Keyring } from '../../src/store/encryption/keyring.js';
import { MIGRATION_LOCK_TABLE, MIGRATION_TABLE, migrations } from '../../src/store/migrations.js';
import { createSqliteBackend } from '../../src/store/sqlite/sqlite-backend.js';
import { openStore } from '../../src/store/store.js';
import { fieldRef } from '../../src/store/transcript-rows.js';

test('0002 seals the webhook URLs an older version stored in the clear', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'earshot-upgrade-'));
  const path = join(dir, 'earshot.db');
  const keyring = new Keyring([Keyring.generateEntry()]);
  const cipher = new FieldCipher(keyring);
  const hook = 'https://hooks.example/T000/B000/sEcReTpAtH?token=q1';
  try {
    const backend = createSqliteBackend(path);
    const db = new Kysely<any>({ dialect: backend.createDialect() });
    const old = new Migrator({
      db,
      provider: { getMigrations: async () => ({ '0001_initial': migrations(backend)['0001_initial'] }) },
      migrationTableName: MIGRATION_TABLE,
      migrationLockTableName: MIGRATION_LOCK_TABLE,
    });
    assert.equal((await old.migrateToLatest()).error, undefined);
    const now = new Date().toISOString();
    await db.insertInto('projects').values({ id: 'p1', name: 'p1', created_at: now }).execute();
    const row = (id: string, deleted: boolean) => ({
      id, project_id: 'p1', status: 'completed', created_at: now, updated_at: now, completed_at: now, deleted_at: deleted ? now : null,
      audio_kind: 'url', audio_url: deleted ? null : cipher.sealText('https://a.example/x.mp3', fieldRef(id, 'audio_url')),
      options: null, webhook_url: hook, result: null, key_id: deleted ? null : keyring.currentId, attempts: 1,
    });
    await db.insertInto('transcripts').values([row('live', false), row('gone', true)]).execute();
    await db.insertInto('webhook_deliveries').values({ transcript_id: 'live', attempt: 1, url: hook, status_code: 200, error: null, at: now }).execute();
    await db.destroy();

    const store = await openStore(`sqlite://${path}`, { keyring, logger: { info() {}, warn() {} } });
    try {
      assert.equal((await store.getJob('live'))?.webhookUrl, hook, 'the URL reads back through the store');
      assert.equal((await store.getJob('gone'))?.webhookUrl, null, "a deleted transcript's URL is dropped");
      assert.deepEqual((await store.listWebhookDeliveries('live')).map((d) => d.url), ['https://hooks.example']);
    } finally {
      await store.close();
    }
    for (const file of [path, `${path}-wal`]) {
      const bytes = await readFile(file).catch(() => Buffer.alloc(0));
      assert.ok(!bytes.includes('sEcReTpAtH'), `${file} no longer holds the URL in the clear`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
