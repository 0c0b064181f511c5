import type { Selectable, Updateable } from 'kysely';
import type { StoreContext } from './context.js';
import type { FieldRef } from './encryption/field-cipher.js';
import type { TranscriptsTable } from './schema.js';
import type { TranscriptJob, TranscriptOptions, TranscriptRecord, TranscriptResult, TranscriptSummary } from './types.js';

export type TranscriptRow = Selectable<TranscriptsTable>;

/**
 * Columns that can hold speech text or secrets, sealed at rest: the result (text, words…), the
 * options (word_boost, custom_spelling, redact_pii_sub carry words), the audio URL and the webhook
 * URL (pre-signed URLs and hook paths are bearer credentials) and the webhook auth header value.
 */
export const SEALED_COLUMNS = ['audio_url', 'options', 'sealed_webhook_url', 'webhook_auth_header_value', 'result'] as const;
export type SealedColumn = (typeof SEALED_COLUMNS)[number];

export function fieldRef(id: string, column: SealedColumn): FieldRef {
  return { table: 'transcripts', column, rowId: id };
}

export function sealText(ctx: StoreContext, id: string, column: SealedColumn, value: string | null | undefined): Buffer | null {
  return value === null || value === undefined ? null : ctx.cipher.sealText(value, fieldRef(id, column));
}

export function sealJson(ctx: StoreContext, id: string, column: SealedColumn, value: unknown): Buffer | null {
  return value === null || value === undefined ? null : ctx.cipher.sealJson(value, fieldRef(id, column));
}

function openText(ctx: StoreContext, row: TranscriptRow, column: SealedColumn): string | null {
  const value = row[column];
  return value === null ? null : ctx.cipher.openText(value, fieldRef(row.id, column));
}

function openJson<T>(ctx: StoreContext, row: TranscriptRow, column: SealedColumn): T | null {
  const value = row[column];
  return value === null ? null : ctx.cipher.openJson<T>(value, fieldRef(row.id, column));
}

/**
 * Re-seals every sealed column of `row` with the current key. Used whenever a write touches a row
 * sealed with an older key, so `key_id` always names the one key all of its columns use.
 */
export function resealAll(ctx: Pick<StoreContext, 'cipher'>, row: TranscriptRow): Updateable<TranscriptsTable> {
  const update: Updateable<TranscriptsTable> = { key_id: ctx.cipher.currentKeyId };
  for (const column of SEALED_COLUMNS) {
    const value = row[column];
    update[column] = value === null ? null : ctx.cipher.seal(ctx.cipher.open(value, fieldRef(row.id, column)), fieldRef(row.id, column));
  }
  return update;
}

const iso = (ctx: StoreContext, value: Date | string | null) => (value === null ? null : ctx.backend.toIso(value));

export function toRecord(ctx: StoreContext, row: TranscriptRow): TranscriptRecord {
  return {
    id: row.id,
    projectId: row.project_id,
    status: row.status,
    createdAt: ctx.backend.toIso(row.created_at),
    updatedAt: ctx.backend.toIso(row.updated_at),
    completedAt: iso(ctx, row.completed_at),
    deletedAt: iso(ctx, row.deleted_at),
    audioKind: row.audio_kind,
    audioUrl: openText(ctx, row, 'audio_url'),
    options: openJson<TranscriptOptions>(ctx, row, 'options'),
    error: row.error,
    audioDuration: row.audio_duration,
    speechModel: row.speech_model,
    webhookUrl: openText(ctx, row, 'sealed_webhook_url'),
    webhookAuthHeaderName: row.webhook_auth_header_name,
    webhookAuth: row.webhook_auth_header_value !== null,
    result: openJson<TranscriptResult>(ctx, row, 'result'),
  };
}

export function toJob(ctx: StoreContext, row: TranscriptRow): TranscriptJob {
  return {
    ...toRecord(ctx, row),
    webhookAuthHeaderValue: openText(ctx, row, 'webhook_auth_header_value'),
    attempts: row.attempts,
  };
}

export type SummaryRow = Pick<TranscriptRow, 'id' | 'status' | 'created_at' | 'completed_at' | 'deleted_at' | 'audio_url' | 'error' | 'seq'>;

export function toSummary(ctx: StoreContext, row: SummaryRow): TranscriptSummary {
  return {
    id: row.id,
    status: row.status,
    createdAt: ctx.backend.toIso(row.created_at),
    completedAt: iso(ctx, row.completed_at),
    deletedAt: iso(ctx, row.deleted_at),
    audioUrl: row.audio_url === null ? null : ctx.cipher.openText(row.audio_url, fieldRef(row.id, 'audio_url')),
    error: row.error,
  };
}

/** Selects one row, locked for the rest of the transaction where the backend has row locks. */
export function selectForUpdate(ctx: StoreContext, trx: StoreContext['db'], id: string, projectId?: string) {
  return trx
    .selectFrom('transcripts')
    .selectAll()
    .where('id', '=', id)
    .$if(projectId !== undefined, (q) => q.where('project_id', '=', projectId!))
    .$if(ctx.backend.rowLocks, (q) => q.forUpdate())
    .executeTakeFirst();
}
