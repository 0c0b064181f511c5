import { nowIso, type StoreContext } from './context.js';
import { resealAll, sealJson, selectForUpdate, toJob } from './transcript-rows.js';
import type { ClaimInterruptedOptions, RecoveredJobs, TranscriptCompletion, TranscriptJob } from './types.js';

/**
 * The worker's side of a transcript: queued → processing → completed | error. Every transition is
 * a conditional update, so a job deleted or claimed elsewhere in the meantime is reported as
 * `false` instead of being resurrected or run twice.
 */

const MAX_ERROR_LENGTH = 2000;
const DEFAULT_MAX_ATTEMPTS = 3;

/** Unscoped: for the worker, which has only the id from the queue. Includes secrets. */
export async function getJob(ctx: StoreContext, id: string): Promise<TranscriptJob | null> {
  const row = await ctx.db.selectFrom('transcripts').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toJob(ctx, row) : null;
}

/** Claims a queued job for this process; false when it is not queued any more (or was deleted). */
export async function markProcessing(ctx: StoreContext, id: string): Promise<boolean> {
  const now = nowIso();
  const result = await ctx.db
    .updateTable('transcripts')
    .set((eb) => ({
      status: 'processing',
      attempts: eb('attempts', '+', 1),
      claimed_by: ctx.instanceId,
      claimed_at: now,
      updated_at: now,
    }))
    .where('id', '=', id)
    .where('status', '=', 'queued')
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * Takes over a processing job the queue delivered again (scale-out: the worker holding it died,
 * shut down, or met the database down; the queue's lock says the old run is over). False when the
 * job is not processing any more or was started `maxAttempts` times already: a job that keeps
 * killing workers must fail, not loop.
 */
export async function resumeProcessing(ctx: StoreContext, id: string, maxAttempts = DEFAULT_MAX_ATTEMPTS): Promise<boolean> {
  const now = nowIso();
  const result = await ctx.db
    .updateTable('transcripts')
    .set((eb) => ({ attempts: eb('attempts', '+', 1), claimed_by: ctx.instanceId, claimed_at: now, updated_at: now }))
    .where('id', '=', id)
    .where('status', '=', 'processing')
    .where('deleted_at', 'is', null)
    .where('attempts', '<', maxAttempts)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Stores the result; false unless the job is processing (so a result never lands on a deleted row). */
export async function completeTranscript(ctx: StoreContext, id: string, completion: TranscriptCompletion): Promise<boolean> {
  return ctx.db.transaction().execute(async (trx) => {
    const row = await selectForUpdate(ctx, trx, id);
    if (!row || row.status !== 'processing' || row.deleted_at !== null) return false;
    const now = nowIso();
    // The row may predate a key rotation; re-seal its other columns so one key covers the row.
    const resealed = row.key_id === ctx.cipher.currentKeyId ? {} : resealAll(ctx, row);
    const result = await trx
      .updateTable('transcripts')
      .set({
        ...resealed,
        key_id: ctx.cipher.currentKeyId,
        result: sealJson(ctx, id, 'result', completion.result),
        status: 'completed',
        audio_duration: completion.audioDuration ?? row.audio_duration,
        speech_model: completion.speechModel ?? row.speech_model,
        error: null,
        completed_at: now,
        updated_at: now,
      })
      .where('id', '=', id)
      .where('status', '=', 'processing')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  });
}

/** Records a failure from queued or processing; false when the job already finished or was deleted. */
export async function failTranscript(ctx: StoreContext, id: string, error: string): Promise<boolean> {
  const now = nowIso();
  const result = await ctx.db
    .updateTable('transcripts')
    .set({ status: 'error', error: clip(error), completed_at: now, updated_at: now })
    .where('id', '=', id)
    .where('status', 'in', ['queued', 'processing'])
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Jobs left queued or processing, oldest first; read-only, e.g. for a status page. */
export async function listUnfinished(ctx: StoreContext): Promise<TranscriptJob[]> {
  const rows = await ctx.db
    .selectFrom('transcripts')
    .selectAll()
    .where('status', 'in', ['queued', 'processing'])
    .where('deleted_at', 'is', null)
    .orderBy('seq', 'asc')
    .execute();
  return rows.map((r) => toJob(ctx, r));
}

/**
 * Restart recovery, called once at start-up before the queue runs. Jobs another (dead) process
 * left in `processing` go back to `queued`, unless they have been started `maxAttempts` times
 * already: a job that keeps dying with the process is probably what kills it, so it fails instead
 * of crash-looping the server. Returns every queued job to enqueue, oldest first.
 */
export async function claimInterrupted(ctx: StoreContext, options: ClaimInterruptedOptions = {}): Promise<RecoveredJobs> {
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const claimedBefore = options.claimedBefore?.toISOString();
  return ctx.db.transaction().execute(async (trx) => {
    const interrupted = () =>
      trx
        .updateTable('transcripts')
        .where('status', '=', 'processing')
        .where('deleted_at', 'is', null)
        .where((eb) => eb.or([eb('claimed_by', 'is', null), eb('claimed_by', '<>', ctx.instanceId)]))
        .$if(claimedBefore !== undefined, (q) => q.where('claimed_at', '<', claimedBefore!));
    const now = nowIso();
    const failedIds = (
      await interrupted()
        .set({
          status: 'error',
          error: `processing was interrupted ${maxAttempts} times (the server stopped while transcribing); not retrying`,
          completed_at: now,
          updated_at: now,
        })
        .where('attempts', '>=', maxAttempts)
        .returning('id')
        .execute()
    ).map((r) => r.id);
    await interrupted().set({ status: 'queued', claimed_by: null, claimed_at: null, updated_at: now }).execute();

    const queued = await trx
      .selectFrom('transcripts')
      .selectAll()
      .where('status', '=', 'queued')
      .where('deleted_at', 'is', null)
      .orderBy('seq', 'asc')
      .execute();
    const failed =
      failedIds.length === 0 ? [] : await trx.selectFrom('transcripts').selectAll().where('id', 'in', failedIds).orderBy('seq').execute();
    return { queued: queued.map((r) => toJob(ctx, r)), failed: failed.map((r) => toJob(ctx, r)) };
  });
}

function clip(message: string): string {
  return message.length <= MAX_ERROR_LENGTH ? message : `${message.slice(0, MAX_ERROR_LENGTH - 1)}…`;
}
