import type { ColumnDefinitionBuilder, ColumnDataType, Dialect, Kysely } from 'kysely';
import type { StoreLogger } from './logger.js';

export type BackendKind = 'sqlite' | 'postgres';

/**
 * What differs between SQL engines, after Kysely's Dialect: a factory per backend folder
 * (sqlite/, postgres/). Every query lives in shared code and asks this object only for these
 * differences, so the same test suite proves both backends.
 */
export interface Backend {
  readonly kind: BackendKind;
  /** Where the data lives, safe for logs (no password). */
  readonly description: string;
  createDialect(): Dialect;
  readonly types: {
    timestamp: ColumnDataType;
    binary: ColumnDataType;
    /** Type of the auto-incrementing `seq` primary keys. */
    serial: ColumnDataType;
  };
  /** Turns a column of type `types.serial` into an auto-incrementing primary key. */
  serialPrimaryKey(column: ColumnDefinitionBuilder): ColumnDefinitionBuilder;
  /** Whether `SELECT … FOR UPDATE` exists; SQLite serialises writers instead. */
  readonly rowLocks: boolean;
  /** Pushes deleted content out of the backend's files as far as the engine allows. */
  afterSecureDelete(db: Kysely<any>, logger: StoreLogger): Promise<void>;
  toIso(value: Date | string): string;
}
