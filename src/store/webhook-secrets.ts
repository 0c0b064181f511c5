import { randomBytes } from 'node:crypto';
import { EarshotError } from '../errors.js';
import { nowIso, type StoreContext } from './context.js';
import { envelopeKeyId, type FieldRef } from './encryption/field-cipher.js';

const ref = (projectId: string): FieldRef => ({ table: 'projects', column: 'webhook_secret', rowId: projectId });

/**
 * A fresh signing secret for the project's webhooks, replacing any earlier one (which stops
 * verifying at once). Only its sealed form is stored: the caller is the one place it is shown.
 */
export async function rotateProjectWebhookSecret(ctx: StoreContext, projectId: string): Promise<{ secret: string; created: string }> {
  const secret = randomBytes(32).toString('base64url');
  const done = await ctx.db
    .updateTable('projects')
    .set({ webhook_secret: ctx.cipher.sealText(secret, ref(projectId)) })
    .where('id', '=', projectId)
    .executeTakeFirst();
  if (Number(done.numUpdatedRows) !== 1) throw new EarshotError('not_found', `Project ${projectId} not found.`);
  return { secret, created: nowIso() };
}

/** The project's own secret, or null when its webhooks are signed with the installation's. */
export async function projectWebhookSecret(ctx: StoreContext, projectId: string): Promise<string | null> {
  const row = await ctx.db.selectFrom('projects').select('webhook_secret').where('id', '=', projectId).executeTakeFirst();
  return row?.webhook_secret ? ctx.cipher.openText(row.webhook_secret, ref(projectId)) : null;
}

/** Key rotation: re-seals secrets still under an older key. Projects are few, so all are read. */
export async function rotateWebhookSecrets(ctx: StoreContext): Promise<number> {
  const current = ctx.cipher.currentKeyId;
  const rows = await ctx.db.selectFrom('projects').select(['id', 'webhook_secret']).where('webhook_secret', 'is not', null).execute();
  let rotated = 0;
  for (const { id, webhook_secret: sealed } of rows) {
    if (envelopeKeyId(sealed!) === current) continue;
    const resealed = ctx.cipher.seal(ctx.cipher.open(sealed!, ref(id)), ref(id));
    // Conditional on the value read: a secret rotated by the API meanwhile is left alone.
    const done = await ctx.db.updateTable('projects').set({ webhook_secret: resealed }).where('id', '=', id).where('webhook_secret', '=', sealed).executeTakeFirst();
    rotated += Number(done.numUpdatedRows);
  }
  return rotated;
}
