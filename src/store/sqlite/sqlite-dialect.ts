import {
  CompiledQuery,
  SqliteAdapter,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type DialectAdapter,
  type Driver,
  type SqliteDialectConfig,
} from 'kysely';

/**
 * Kysely's SQLite driver opens transactions with a plain (deferred) BEGIN, which only takes the
 * write lock at the first write. With WAL, a transaction that read first and then finds another
 * process wrote meanwhile fails at once with "database is locked" (SQLITE_BUSY_SNAPSHOT), without
 * waiting for the busy timeout. Every Earshot transaction is read-then-write (claim, complete,
 * delete, rotate, migrate), so they start with BEGIN IMMEDIATE: the write lock first, waiting its
 * turn behind `serve` or a CLI command on the same file.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/**
 * Kysely's adapter runs SQLite migrations outside a transaction, so two processes opening a fresh
 * file could both create the tables, and a failed migration would leave half a schema. SQLite does
 * have transactional DDL; with it each run is one immediate transaction, which doubles as the
 * migration lock (Kysely's own lock hook runs outside that transaction, so it stays a no-op).
 */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

export class EarshotSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }

  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}
