import type { StoreContext } from './context.js';
import { resealAll, selectForUpdate } from './transcript-rows.js';
import type { RotationOptions, RotationResult } from './types.js';
import { rotateVoices } from './voices.js';
import { rotateWebhookSecrets } from './webhook-secrets.js';

/**
 * Re-seals every row (transcripts, then enrolled voices and project webhook secrets) whose key is not the current one, in small transactions so the API keeps
 * working meanwhile. Once it returns, the old keys can be removed from the keyring. A row sealed
 * with a key that is no longer configured stops the run with an error naming that key.
 */
export async function rotateEncryption(ctx: StoreContext, options: RotationOptions = {}): Promise<RotationResult> {
  const batchSize = options.batchSize ?? 100;
  const current = ctx.cipher.currentKeyId;
  let rotated = 0;
  const stale = await ctx.db
    .selectFrom('transcripts')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('key_id', 'is not', null)
    .where('key_id', '<>', current)
    .executeTakeFirstOrThrow();
  const total = Number(stale.n);
  for (;;) {
    const batch = await ctx.db
      .selectFrom('transcripts')
      .select('id')
      .where('key_id', 'is not', null)
      .where('key_id', '<>', current)
      .orderBy('seq')
      .limit(batchSize)
      .execute();
    if (batch.length === 0) {
      const others = (await rotateVoices(ctx, batchSize)) + (await rotateWebhookSecrets(ctx));
      return { rotated: rotated + others, currentKeyId: current };
    }
    options.onProgress?.(rotated, Math.max(total, rotated));
    for (const { id } of batch) {
      rotated += await ctx.db.transaction().execute(async (trx) => {
        // Re-read under the lock: a worker may have completed (and re-sealed) the row meanwhile.
        const row = await selectForUpdate(ctx, trx, id);
        if (!row || row.key_id === null || row.key_id === current) return 0;
        await trx.updateTable('transcripts').set(resealAll(ctx, row)).where('id', '=', id).execute();
        return 1;
      });
    }
    options.onProgress?.(rotated, Math.max(total, rotated));
  }
}
