import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { EarshotError } from '../errors.js';
import type { Backend } from './backend.js';
import type { FieldCipher } from './encryption/field-cipher.js';
import { fieldRef, resealAll, type TranscriptRow } from './transcript-rows.js';
import { urlOrigin } from './webhook-deliveries.js';

/** Applied versions are recorded here (Kysely's migrator), separate from any other app's tables. */
export const MIGRATION_TABLE = 'earshot_migration';
export const MIGRATION_LOCK_TABLE = 'earshot_migration_lock';

/**
 * Versions in code, never edited once released: a new column is a new entry. Names sort in
 * order because Kysely applies them alphabetically. Each takes the backend for its column types.
 */
export function migrations(backend: Backend, cipher?: FieldCipher): Record<string, Migration> {
  return {
    '0001_initial': initial(backend),
    '0002_sealed_webhooks_and_outbox': sealedWebhooksAndOutbox(backend, cipher),
    '0003_voices': voices(backend),
    '0004_project_webhook_secrets': projectWebhookSecrets(backend),
  };
}

function initial(backend: Backend): Migration {
  const { timestamp, binary, serial } = backend.types;
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('projects')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('created_at', timestamp, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('api_keys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('key_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', timestamp, (c) => c.notNull())
        .addColumn('revoked_at', timestamp)
        .execute();

      await db.schema
        .createTable('transcripts')
        .addColumn('seq', serial, backend.serialPrimaryKey)
        .addColumn('id', 'text', (c) => c.notNull().unique())
        .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', timestamp, (c) => c.notNull())
        .addColumn('updated_at', timestamp, (c) => c.notNull())
        .addColumn('completed_at', timestamp)
        .addColumn('deleted_at', timestamp)
        .addColumn('audio_kind', 'text', (c) => c.notNull())
        .addColumn('audio_url', binary)
        .addColumn('options', binary)
        .addColumn('error', 'text')
        .addColumn('audio_duration', 'double precision')
        .addColumn('speech_model', 'text')
        .addColumn('webhook_url', 'text')
        .addColumn('webhook_auth_header_name', 'text')
        .addColumn('webhook_auth_header_value', binary)
        .addColumn('result', binary)
        .addColumn('key_id', 'text')
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('claimed_by', 'text')
        .addColumn('claimed_at', timestamp)
        .addCheckConstraint('transcripts_status_check', sql`status in ('queued', 'processing', 'completed', 'error')`)
        .addCheckConstraint('transcripts_audio_kind_check', sql`audio_kind in ('upload', 'url')`)
        .execute();
      await db.schema.createIndex('transcripts_project_seq').on('transcripts').columns(['project_id', 'seq']).execute();
      await db.schema.createIndex('transcripts_status').on('transcripts').column('status').execute();
      await db.schema.createIndex('transcripts_key_id').on('transcripts').column('key_id').execute();

      await db.schema
        .createTable('webhook_deliveries')
        .addColumn('seq', serial, backend.serialPrimaryKey)
        .addColumn('transcript_id', 'text', (c) => c.notNull().references('transcripts.id').onDelete('cascade'))
        .addColumn('attempt', 'integer', (c) => c.notNull())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('status_code', 'integer')
        .addColumn('error', 'text')
        .addColumn('at', timestamp, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('webhook_deliveries_transcript')
        .on('webhook_deliveries')
        .columns(['transcript_id', 'seq'])
        .execute();
    },
    async down(db: Kysely<any>) {
      for (const table of ['webhook_deliveries', 'transcripts', 'api_keys', 'projects']) {
        await db.schema.dropTable(table).execute();
      }
    },
  };
}

/** Enrolled voices (issue 14 item 4): sealed name and voiceprint, per project. */
function voices(backend: Backend): Migration {
  const { timestamp, binary, serial } = backend.types;
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('voices')
        .addColumn('seq', serial, backend.serialPrimaryKey)
        .addColumn('id', 'text', (c) => c.notNull().unique())
        .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
        .addColumn('created_at', timestamp, (c) => c.notNull())
        .addColumn('name', binary, (c) => c.notNull())
        .addColumn('voiceprint', binary, (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('speech_seconds', 'double precision', (c) => c.notNull())
        .addColumn('source_transcript_id', 'text')
        .addColumn('source_speaker', 'text')
        .addColumn('key_id', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('voices_project_seq').on('voices').columns(['project_id', 'seq']).execute();
      await db.schema.createIndex('voices_key_id').on('voices').column('key_id').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('voices').execute();
    },
  };
}

/** Issue 15 item 5: a project's own webhook signing secret, sealed; null = the installation's. */
function projectWebhookSecrets(backend: Backend): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('projects').addColumn('webhook_secret', backend.types.binary).execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.alterTable('projects').dropColumn('webhook_secret').execute();
    },
  };
}

/**
 * Issue 15: the webhook URL sealed like the rest (a new column; the clear-text one is emptied, and
 * a deleted transcript's URL dropped), the delivery log cut to each URL's origin (paths and queries
 * carry tokens), and the embedded-mode outbox. Sealing needs the keyring, hence the cipher.
 */
function sealedWebhooksAndOutbox(backend: Backend, cipher?: FieldCipher): Migration {
  const { timestamp, binary, serial } = backend.types;
  return {
    async up(db: Kysely<any>) {
      if (!cipher) throw new Error('migration 0002 seals webhook URLs and needs the store\'s keyring');
      await db.schema.alterTable('transcripts').addColumn('sealed_webhook_url', binary).execute();
      const rows = await db.selectFrom('transcripts').selectAll().where('webhook_url', 'is not', null).execute();
      for (const row of rows) {
        const clear = row.webhook_url as string;
        const update =
          row.deleted_at !== null || row.key_id === null
            ? {}
            : {
                ...(row.key_id === cipher.currentKeyId ? {} : resealAll({ cipher }, row as TranscriptRow)),
                sealed_webhook_url: cipher.sealText(clear, fieldRef(row.id, 'sealed_webhook_url')),
              };
        await db.updateTable('transcripts').set({ ...update, webhook_url: null }).where('id', '=', row.id).execute();
      }
      const logged = await db.selectFrom('webhook_deliveries').select(['seq', 'url']).execute();
      for (const { seq, url } of logged) {
        const origin = urlOrigin(url);
        if (origin !== url) await db.updateTable('webhook_deliveries').set({ url: origin }).where('seq', '=', seq).execute();
      }

      await db.schema
        .createTable('webhook_outbox')
        .addColumn('seq', serial, backend.serialPrimaryKey)
        .addColumn('transcript_id', 'text', (c) => c.notNull().references('transcripts.id').onDelete('cascade'))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('due_at', timestamp, (c) => c.notNull())
        .addColumn('created_at', timestamp, (c) => c.notNull())
        .addUniqueConstraint('webhook_outbox_once', ['transcript_id', 'status'])
        .execute();
      await db.schema.createIndex('webhook_outbox_due').on('webhook_outbox').column('due_at').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('webhook_outbox').execute();
    },
  };
}

/**
 * No schema named: the migration tables sit beside the store's own, on Postgres in the connection's
 * current schema, the only one its dialect introspects (see CurrentSchemaPostgresDialect).
 */
function createMigrator(db: Kysely<any>, backend: Backend, cipher?: FieldCipher): Migrator {
  const provider: MigrationProvider = { getMigrations: async () => migrations(backend, cipher) };
  return new Migrator({ db, provider, migrationTableName: MIGRATION_TABLE, migrationLockTableName: MIGRATION_LOCK_TABLE });
}

/**
 * Brings the schema to the latest version; a no-op when it already is. The migrator takes a lock
 * (an advisory lock on Postgres), so two processes starting together apply each version once.
 * Returns the names applied by this call.
 */
export async function migrateToLatest(db: Kysely<any>, backend: Backend, cipher?: FieldCipher): Promise<string[]> {
  const migrator = createMigrator(db, backend, cipher);
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new EarshotError(
      'store_unavailable',
      `migrating ${backend.description} failed${failed ? ` at ${failed}` : ''}: ${(error as Error).message ?? error}`,
      { cause: error },
    );
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Names of the versions recorded as applied, oldest first. */
export async function appliedMigrations(db: Kysely<any>, backend: Backend): Promise<string[]> {
  const migrator = createMigrator(db, backend);
  return (await migrator.getMigrations()).filter((m) => m.executedAt !== undefined).map((m) => m.name);
}
