import { nowIso, type StoreContext } from './context.js';
import type { NewWebhookDelivery, WebhookDelivery } from './types.js';

const MAX_ERROR_LENGTH = 1000;

/**
 * The log of webhook attempts: when, to which origin, and how the receiver answered. It holds no
 * transcript text (the body is just `{ transcript_id, status }`) and only the URL's origin (its path
 * and query can carry tokens; the full URL is sealed on the transcript), so it is stored in the
 * clear. Deleting the transcript deletes its log.
 */
export async function appendWebhookDelivery(ctx: StoreContext, entry: NewWebhookDelivery): Promise<WebhookDelivery> {
  const delivery: WebhookDelivery = {
    transcriptId: entry.transcriptId,
    attempt: entry.attempt,
    url: urlOrigin(entry.url),
    statusCode: entry.statusCode ?? null,
    error: entry.error == null ? null : entry.error.slice(0, MAX_ERROR_LENGTH),
    at: entry.at?.toISOString() ?? nowIso(),
  };
  await ctx.db
    .insertInto('webhook_deliveries')
    .values({
      transcript_id: delivery.transcriptId,
      attempt: delivery.attempt,
      url: delivery.url,
      status_code: delivery.statusCode,
      error: delivery.error,
      at: delivery.at,
    })
    .execute();
  return delivery;
}

/** Attempts for one transcript in the order they were made. */
export async function listWebhookDeliveries(ctx: StoreContext, transcriptId: string): Promise<WebhookDelivery[]> {
  const rows = await ctx.db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('transcript_id', '=', transcriptId)
    .orderBy('seq', 'asc')
    .execute();
  return rows.map((r) => ({
    transcriptId: r.transcript_id,
    attempt: r.attempt,
    url: r.url,
    statusCode: r.status_code,
    error: r.error,
    at: ctx.backend.toIso(r.at),
  }));
}

/** `https://hooks.example:8443` of a URL: no user info, path or query, which can carry tokens. */
export function urlOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid URL)';
  }
}
