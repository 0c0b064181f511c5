import { nowIso, type StoreContext } from './context.js';
import type { OutboxEntry } from './types.js';

/** Schedules a transcript's webhook for `status`; asking twice schedules it once. */
export async function enqueueWebhook(ctx: StoreContext, transcriptId: string, status: string): Promise<void> {
  const now = nowIso();
  await ctx.db
    .insertInto('webhook_outbox')
    .values({ transcript_id: transcriptId, status, attempts: 0, due_at: now, created_at: now })
    .onConflict((c) => c.columns(['transcript_id', 'status']).doNothing())
    .execute();
}

/**
 * Claims up to `limit` deliveries that are due, at most one per transcript and always its oldest
 * (so a transcript's webhooks go out in order). A claim counts an attempt and pushes `due_at` out
 * by `leaseMs`: if this process dies mid-attempt the entry becomes due again, and a second
 * process sharing the database never claims the same entry (the update is conditional).
 */
export async function claimDueWebhooks(ctx: StoreContext, limit: number, leaseMs: number): Promise<OutboxEntry[]> {
  const now = new Date();
  const rows = await ctx.db.selectFrom('webhook_outbox').selectAll().orderBy('seq').limit(limit * 4).execute();
  const firstPerTranscript = new Map<string, (typeof rows)[number]>();
  for (const row of rows) if (!firstPerTranscript.has(row.transcript_id)) firstPerTranscript.set(row.transcript_id, row);
  const claimed: OutboxEntry[] = [];
  for (const row of firstPerTranscript.values()) {
    if (claimed.length >= limit) break;
    if (new Date(ctx.backend.toIso(row.due_at)) > now) continue;
    const taken = await ctx.db
      .updateTable('webhook_outbox')
      .set({ attempts: row.attempts + 1, due_at: new Date(now.getTime() + leaseMs).toISOString() })
      .where('seq', '=', row.seq)
      .where('attempts', '=', row.attempts)
      .executeTakeFirst();
    if (Number(taken.numUpdatedRows) === 1) {
      claimed.push({ seq: Number(row.seq), transcriptId: row.transcript_id, status: row.status, attempt: row.attempts + 1 });
    }
  }
  return claimed;
}

/** After an attempt: `retryAt` schedules the next one; null removes the entry (delivered, or given up). */
export async function settleWebhook(ctx: StoreContext, seq: number, retryAt: Date | null): Promise<void> {
  if (retryAt === null) await ctx.db.deleteFrom('webhook_outbox').where('seq', '=', seq).execute();
  else await ctx.db.updateTable('webhook_outbox').set({ due_at: retryAt.toISOString() }).where('seq', '=', seq).execute();
}

/** When the next entry is due (claimed ones included), or null when nothing is waiting. */
export async function nextWebhookDue(ctx: StoreContext): Promise<Date | null> {
  const row = await ctx.db.selectFrom('webhook_outbox').select('due_at').orderBy('due_at').limit(1).executeTakeFirst();
  return row ? new Date(ctx.backend.toIso(row.due_at)) : null;
}
