import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { EarshotError } from '../errors.js';
import { nowIso, type StoreContext } from './context.js';
import type { FieldRef } from './encryption/field-cipher.js';
import type { VoicesTable } from './schema.js';
import type { NewVoice, VoiceRecord, VoiceWithPrint } from './types.js';

type VoiceRow = Selectable<VoicesTable>;
const ref = (id: string, column: 'name' | 'voiceprint'): FieldRef => ({ table: 'voices', column, rowId: id });

/** Enrolments per project: matching compares every named voice with every speaker, so the set stays small. */
export const MAX_VOICES_PER_PROJECT = 1000;

export async function createVoice(ctx: StoreContext, input: NewVoice): Promise<VoiceRecord> {
  const name = input.name.trim();
  if (name === '') throw new EarshotError('invalid_request', 'A voice needs a name: the name speakers who match it are given.');
  const count = await ctx.db.selectFrom('voices').select((eb) => eb.fn.countAll<number | string>().as('n')).where('project_id', '=', input.projectId).executeTakeFirstOrThrow();
  if (Number(count.n) >= MAX_VOICES_PER_PROJECT) {
    throw new EarshotError('invalid_request', `This project already has ${MAX_VOICES_PER_PROJECT} enrolled voices; delete some (DELETE /v2/voices/:id) before enrolling more.`);
  }
  const id = randomUUID();
  const now = nowIso();
  await ctx.db
    .insertInto('voices')
    .values({
      id,
      project_id: input.projectId,
      created_at: now,
      name: ctx.cipher.sealText(name, ref(id, 'name')),
      voiceprint: ctx.cipher.sealJson(input.voiceprint, ref(id, 'voiceprint')),
      kind: input.kind,
      speech_seconds: input.speechSeconds,
      source_transcript_id: input.sourceTranscriptId ?? null,
      source_speaker: input.sourceSpeaker ?? null,
      key_id: ctx.cipher.currentKeyId,
    })
    .execute();
  return {
    id,
    projectId: input.projectId,
    name,
    kind: input.kind,
    speechSeconds: input.speechSeconds,
    sourceTranscriptId: input.sourceTranscriptId ?? null,
    sourceSpeaker: input.sourceSpeaker ?? null,
    createdAt: now,
  };
}

/** Another project's voice answers exactly like a missing one. */
export async function getVoice(ctx: StoreContext, projectId: string, id: string): Promise<VoiceRecord | null> {
  const row = await ctx.db.selectFrom('voices').selectAll().where('id', '=', id).where('project_id', '=', projectId).executeTakeFirst();
  return row ? toRecord(ctx, row) : null;
}

/** Oldest first. */
export async function listVoices(ctx: StoreContext, projectId: string): Promise<VoiceRecord[]> {
  const rows = await ctx.db.selectFrom('voices').selectAll().where('project_id', '=', projectId).orderBy('seq').execute();
  return rows.map((r) => toRecord(ctx, r));
}

/** The project's voices among `ids`, voiceprints opened; ids not found are left out. */
export async function voicesWithPrints(ctx: StoreContext, projectId: string, ids: readonly string[]): Promise<VoiceWithPrint[]> {
  if (ids.length === 0) return [];
  const rows = await ctx.db.selectFrom('voices').selectAll().where('project_id', '=', projectId).where('id', 'in', [...ids]).orderBy('seq').execute();
  return rows.map((r) => ({ ...toRecord(ctx, r), voiceprint: ctx.cipher.openJson<unknown>(r.voiceprint!, ref(r.id, 'voiceprint')) }));
}

/** Removes the row for good (no tombstone: nothing refers to a voice by id afterwards). */
export async function deleteVoice(ctx: StoreContext, projectId: string, id: string): Promise<boolean> {
  const result = await ctx.db.deleteFrom('voices').where('id', '=', id).where('project_id', '=', projectId).executeTakeFirst();
  const deleted = Number(result.numDeletedRows) > 0;
  if (deleted) await ctx.backend.afterSecureDelete(ctx.db, ctx.logger);
  return deleted;
}

/** Re-seals voices sealed with an older key; returns how many. */
export async function rotateVoices(ctx: StoreContext, batchSize: number): Promise<number> {
  const current = ctx.cipher.currentKeyId;
  let rotated = 0;
  for (;;) {
    const batch = await ctx.db.selectFrom('voices').selectAll().where('key_id', '<>', current).orderBy('seq').limit(batchSize).execute();
    if (batch.length === 0) return rotated;
    for (const row of batch) {
      const reseal = (column: 'name' | 'voiceprint') => ctx.cipher.seal(ctx.cipher.open(row[column]!, ref(row.id, column)), ref(row.id, column));
      // Conditional on the old key: a row deleted or re-sealed meanwhile is left alone.
      const done = await ctx.db
        .updateTable('voices')
        .set({ name: reseal('name'), voiceprint: reseal('voiceprint'), key_id: current })
        .where('id', '=', row.id)
        .where('key_id', '=', row.key_id)
        .executeTakeFirst();
      rotated += Number(done.numUpdatedRows);
    }
  }
}

function toRecord(ctx: StoreContext, row: VoiceRow): VoiceRecord {
  return {
    id: row.id,
    projectId: row.project_id,
    name: ctx.cipher.openText(row.name!, ref(row.id, 'name')),
    kind: row.kind,
    speechSeconds: row.speech_seconds,
    sourceTranscriptId: row.source_transcript_id,
    sourceSpeaker: row.source_speaker,
    createdAt: ctx.backend.toIso(row.created_at),
  };
}
