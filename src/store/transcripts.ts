import { randomUUID } from 'node:crypto';
import { EarshotError } from '../errors.js';
import { nowIso, type StoreContext } from './context.js';
import { sealJson, sealText, selectForUpdate, toRecord, toSummary } from './transcript-rows.js';
import type { NewTranscript, TranscriptListQuery, TranscriptPage, TranscriptRecord } from './types.js';

const STATUSES = new Set(['queued', 'processing', 'completed', 'error']);
const DEFAULT_LIMIT = 10;
const MAX_LIMIT = 200;

export async function createTranscript(ctx: StoreContext, input: NewTranscript): Promise<TranscriptRecord> {
  if (input.audioKind !== 'upload' && input.audioKind !== 'url') {
    throw new EarshotError('invalid_request', `audio source kind must be "upload" or "url", not ${JSON.stringify(input.audioKind)}`);
  }
  if (typeof input.audioUrl !== 'string' || input.audioUrl === '') {
    throw new EarshotError('invalid_request', 'audio_url is required');
  }
  const id = randomUUID();
  const now = nowIso();
  await ctx.db
    .insertInto('transcripts')
    .values({
      id,
      project_id: input.projectId,
      status: 'queued',
      created_at: now,
      updated_at: now,
      completed_at: null,
      deleted_at: null,
      audio_kind: input.audioKind,
      audio_url: sealText(ctx, id, 'audio_url', input.audioUrl),
      options: sealJson(ctx, id, 'options', input.options ?? {}),
      error: null,
      audio_duration: null,
      speech_model: input.speechModel ?? null,
      sealed_webhook_url: sealText(ctx, id, 'sealed_webhook_url', input.webhookUrl),
      webhook_auth_header_name: input.webhookAuthHeaderName ?? null,
      webhook_auth_header_value: sealText(ctx, id, 'webhook_auth_header_value', input.webhookAuthHeaderValue),
      result: null,
      key_id: ctx.cipher.currentKeyId,
      attempts: 0,
      claimed_by: null,
      claimed_at: null,
    })
    .execute();
  return {
    id,
    projectId: input.projectId,
    status: 'queued',
    createdAt: now,
    updatedAt: now,
    completedAt: null,
    deletedAt: null,
    audioKind: input.audioKind,
    audioUrl: input.audioUrl,
    options: input.options ?? {},
    error: null,
    audioDuration: null,
    speechModel: input.speechModel ?? null,
    webhookUrl: input.webhookUrl ?? null,
    webhookAuthHeaderName: input.webhookAuthHeaderName ?? null,
    webhookAuth: input.webhookAuthHeaderValue != null,
    result: null,
  };
}

/** Another project's transcript answers exactly like a missing one, so ids can't be probed. */
export async function getTranscript(ctx: StoreContext, projectId: string, id: string): Promise<TranscriptRecord | null> {
  const row = await ctx.db
    .selectFrom('transcripts')
    .selectAll()
    .where('id', '=', id)
    .where('project_id', '=', projectId)
    .executeTakeFirst();
  return row ? toRecord(ctx, row) : null;
}

/**
 * Removes the content for good and keeps a tombstone (id, project, status, times), as AssemblyAI
 * does: the id keeps answering "deleted" instead of 404, and list cursors pointing at it still work.
 * On SQLite, secure_delete plus a WAL checkpoint leave no copy of the old ciphertext in the files.
 * Idempotent: deleting a tombstone returns it unchanged.
 */
export async function deleteTranscript(ctx: StoreContext, projectId: string, id: string): Promise<TranscriptRecord | null> {
  let erased = false;
  const row = await ctx.db.transaction().execute(async (trx) => {
    const current = await selectForUpdate(ctx, trx, id, projectId);
    if (!current || current.deleted_at !== null) return current;
    if (current.status === 'queued' || current.status === 'processing') {
      throw new EarshotError('transcript_in_progress', `transcript ${id} is ${current.status}; delete it once it has completed or failed`);
    }
    const now = nowIso();
    const erase = { audio_url: null, options: null, sealed_webhook_url: null, webhook_auth_header_value: null, result: null, key_id: null, deleted_at: now, updated_at: now };
    await trx.updateTable('transcripts').set(erase).where('id', '=', id).execute();
    // Where its webhook went and what is still to send go with it.
    await trx.deleteFrom('webhook_deliveries').where('transcript_id', '=', id).execute();
    await trx.deleteFrom('webhook_outbox').where('transcript_id', '=', id).execute();
    erased = true;
    return { ...current, ...erase };
  });
  if (erased) await ctx.backend.afterSecureDelete(ctx.db, ctx.logger);
  return row ? toRecord(ctx, row) : null;
}

/**
 * AssemblyAI pagination, newest first. `beforeId` pages towards older transcripts; `afterId` returns
 * the page of newer ones right after it (fetched oldest-first, then reversed), so following
 * next/prev links never skips rows. A cursor that is unknown or belongs to another project yields
 * an empty page rather than an error, so it reveals nothing.
 */
export async function listTranscripts(ctx: StoreContext, projectId: string, query: TranscriptListQuery = {}): Promise<TranscriptPage> {
  const limit = query.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new EarshotError('invalid_request', `limit must be an integer from 1 to ${MAX_LIMIT}`);
  }
  if (query.status !== undefined && !STATUSES.has(query.status)) {
    throw new EarshotError('invalid_request', `status must be one of ${[...STATUSES].join(', ')}`);
  }
  const day = query.createdOn === undefined ? undefined : dayRange(query.createdOn);
  const empty: TranscriptPage = { transcripts: [], limit, hasOlder: false, hasNewer: false };

  const before = query.beforeId === undefined ? undefined : await cursorSeq(ctx, projectId, query.beforeId);
  const after = query.afterId === undefined ? undefined : await cursorSeq(ctx, projectId, query.afterId);
  if (before === null || after === null) return empty;

  const filtered = () =>
    ctx.db
      .selectFrom('transcripts')
      .where('project_id', '=', projectId)
      .$if(query.status !== undefined, (q) => q.where('status', '=', query.status!))
      .$if(day !== undefined, (q) => q.where('created_at', '>=', day!.start).where('created_at', '<', day!.end));

  const ascending = after !== undefined;
  const rows = await filtered()
    .select(['id', 'status', 'created_at', 'completed_at', 'deleted_at', 'audio_url', 'error', 'seq'])
    .$if(before !== undefined, (q) => q.where('seq', '<', before!))
    .$if(after !== undefined, (q) => q.where('seq', '>', after!))
    .orderBy('seq', ascending ? 'asc' : 'desc')
    .limit(limit + 1)
    .execute();
  const more = rows.length > limit;
  const page = rows.slice(0, limit);
  if (ascending) page.reverse();

  // Whether more matches lie beyond each end of the page. The fetch direction already knows (it
  // asked for one extra row); the other end is one EXISTS query past the page's edge, or past the
  // cursor itself when the page is empty.
  const exists = async (op: '>' | '<', seq: number | string) =>
    (await filtered().select('id').where('seq', op, seq).limit(1).executeTakeFirst()) !== undefined;
  let hasNewer = more;
  let hasOlder = more;
  if (ascending) {
    const oldest = page.at(-1)?.seq;
    hasOlder = oldest !== undefined ? await exists('<', oldest) : await exists('<', step(after!, 1));
  } else {
    const newest = page[0]?.seq;
    hasNewer = newest !== undefined ? await exists('>', newest) : before !== undefined && (await exists('>', step(before, -1)));
  }

  return { transcripts: page.map((r) => toSummary(ctx, r)), limit, hasOlder, hasNewer };
}

async function cursorSeq(ctx: StoreContext, projectId: string, id: string): Promise<number | string | null> {
  const row = await ctx.db
    .selectFrom('transcripts')
    .select('seq')
    .where('id', '=', id)
    .where('project_id', '=', projectId)
    .executeTakeFirst();
  return row?.seq ?? null;
}

/** seq ± 1; Postgres hands bigint back as a string. */
function step(seq: number | string, by: 1 | -1): number | string {
  return typeof seq === 'number' ? seq + by : (BigInt(seq) + BigInt(by)).toString();
}

function dayRange(createdOn: string): { start: string; end: string } {
  const start = /^\d{4}-\d{2}-\d{2}$/.test(createdOn) ? new Date(`${createdOn}T00:00:00.000Z`) : new Date(NaN);
  if (Number.isNaN(start.getTime()) || start.toISOString().slice(0, 10) !== createdOn) {
    throw new EarshotError('invalid_request', 'created_on must be a date as YYYY-MM-DD');
  }
  return { start: start.toISOString(), end: new Date(start.getTime() + 86_400_000).toISOString() };
}
