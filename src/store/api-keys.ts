import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { EarshotError } from '../errors.js';
import { nowIso, type StoreContext } from './context.js';
import type { ApiKeyInfo, AuthContext, CreatedApiKey, SeededApiKey } from './types.js';

/**
 * Keys are 256 random bits, so a plain sha256 is enough to store them: bcrypt/scrypt slow down
 * guessing low-entropy passwords, and nobody can enumerate 2^256 keys however fast the hash is.
 * A deterministic hash also makes authentication one indexed lookup instead of a scan.
 */
const KEY_PREFIX = 'esk_';
const KEY_RANDOM_BYTES = 32;
/** Below this, an operator-chosen seeded key may be guessable from its stored sha256. */
const WEAK_SEEDED_KEY_LENGTH = 24;
const MAX_KEY_LENGTH = 512;
const PROJECT_NAME_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

export function generateApiKey(): string {
  return KEY_PREFIX + randomBytes(KEY_RANDOM_BYTES).toString('base64url');
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

const fingerprintOf = (hash: string) => hash.slice(0, 12);

export async function createApiKey(ctx: StoreContext, name: string, projectId?: string): Promise<CreatedApiKey> {
  const now = nowIso();
  const key = generateApiKey();
  const id = randomUUID();
  return ctx.db.transaction().execute(async (trx) => {
    let project = projectId;
    if (project === undefined) {
      // No project given: the key starts a project of its own, named after it.
      project = randomUUID();
      await trx.insertInto('projects').values({ id: project, name, created_at: now }).execute();
    } else {
      const exists = await trx.selectFrom('projects').select('id').where('id', '=', project).executeTakeFirst();
      if (!exists) throw new EarshotError('not_found', `project ${project} does not exist`);
    }
    await trx
      .insertInto('api_keys')
      .values({ id, project_id: project, name, key_hash: hashApiKey(key), created_at: now, revoked_at: null })
      .execute();
    return { key, id, projectId: project, name };
  });
}

/**
 * Looks the key up by its hash. No constant-time compare is needed: the database compares hashes,
 * so a timing difference could at best reveal a prefix of sha256(guess), which says nothing about
 * any real key (finding a key with a given hash prefix is a preimage search).
 */
export async function authenticate(ctx: StoreContext, key: string): Promise<AuthContext | null> {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH) return null;
  const row = await ctx.db
    .selectFrom('api_keys')
    .select(['id', 'project_id'])
    .where('key_hash', '=', hashApiKey(key))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return row ? { keyId: row.id, projectId: row.project_id } : null;
}

export async function listApiKeys(ctx: StoreContext, projectId?: string): Promise<ApiKeyInfo[]> {
  let query = ctx.db.selectFrom('api_keys').selectAll().orderBy('created_at').orderBy('id');
  if (projectId !== undefined) query = query.where('project_id', '=', projectId);
  const rows = await query.execute();
  return rows.map((r) => ({
    id: r.id,
    projectId: r.project_id,
    name: r.name,
    fingerprint: fingerprintOf(r.key_hash),
    createdAt: ctx.backend.toIso(r.created_at),
    revokedAt: r.revoked_at === null ? null : ctx.backend.toIso(r.revoked_at),
  }));
}

/** True when a live key was revoked; false when it doesn't exist (in that project) or already was. */
export async function revokeApiKey(ctx: StoreContext, keyId: string, projectId?: string): Promise<boolean> {
  let query = ctx.db
    .updateTable('api_keys')
    .set({ revoked_at: nowIso() })
    .where('id', '=', keyId)
    .where('revoked_at', 'is', null);
  if (projectId !== undefined) query = query.where('project_id', '=', projectId);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * Seeds keys from EARSHOT_API_KEYS on every start, so it must be idempotent:
 * - `key`: gets a project of its own, named `key-<fingerprint>`;
 * - `project:key`: joins the project named `project` (created on first use); entries naming the
 *   same project share it, and so see each other's transcripts. The first `:` splits, so a key
 *   that contains `:` must be written in this form.
 * Ids are derived from the names and key hashes, so the same list always yields the same projects
 * and keys, even in a fresh database. A key already seeded keeps its project (a warning says so
 * if the list now names another) and a revoked one stays revoked.
 */
export async function seedApiKeys(ctx: StoreContext, entries: readonly string[]): Promise<SeededApiKey[]> {
  const seeded: SeededApiKey[] = [];
  for (const entry of entries) {
    const parsed = parseSeedEntry(entry);
    if (!parsed) continue;
    seeded.push(await seedOne(ctx, parsed.projectName, parsed.key));
  }
  return seeded;
}

function parseSeedEntry(entry: string): { projectName: string; key: string } | null {
  const text = entry.trim();
  if (text === '') return null;
  const colon = text.indexOf(':');
  if (colon < 0) return { projectName: `key-${fingerprintOf(hashApiKey(text))}`, key: text };
  const projectName = text.slice(0, colon);
  const key = text.slice(colon + 1);
  if (!PROJECT_NAME_PATTERN.test(projectName) || key === '') {
    throw new EarshotError(
      'config_invalid',
      'EARSHOT_API_KEYS: each entry is "key" or "project:key" with a project name of 1-64 A-Z a-z 0-9 _ . -',
    );
  }
  return { projectName, key };
}

async function seedOne(ctx: StoreContext, projectName: string, key: string): Promise<SeededApiKey> {
  const hash = hashApiKey(key);
  const fingerprint = fingerprintOf(hash);
  if (key.length < WEAK_SEEDED_KEY_LENGTH) {
    ctx.logger.warn(
      `EARSHOT_API_KEYS: key ${fingerprint} is only ${key.length} characters; use at least ` +
        `${WEAK_SEEDED_KEY_LENGTH} random characters (e.g. \`openssl rand -base64 32\`)`,
    );
  }
  const projectId = derivedUuid(`earshot/seed-project/${projectName}`);
  const keyId = derivedUuid(`earshot/seed-key/${hash}`);
  const now = nowIso();
  return ctx.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('projects')
      .values({ id: projectId, name: projectName, created_at: now })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    const inserted = await trx
      .insertInto('api_keys')
      .values({ id: keyId, project_id: projectId, name: 'EARSHOT_API_KEYS', key_hash: hash, created_at: now, revoked_at: null })
      .onConflict((oc) => oc.column('key_hash').doNothing())
      .executeTakeFirst();
    const created = Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0;
    const row = await trx
      .selectFrom('api_keys')
      .innerJoin('projects', 'projects.id', 'api_keys.project_id')
      .select(['api_keys.id as id', 'api_keys.project_id as projectId', 'projects.name as projectName', 'api_keys.revoked_at as revokedAt'])
      .where('api_keys.key_hash', '=', hash)
      .executeTakeFirstOrThrow();
    if (row.projectId !== projectId) {
      ctx.logger.warn(
        `EARSHOT_API_KEYS: key ${fingerprint} already belongs to project "${row.projectName}", not "${projectName}"; ` +
          'revoke it and seed a new key to move it',
      );
    }
    if (row.revokedAt !== null) {
      ctx.logger.warn(`EARSHOT_API_KEYS: key ${fingerprint} was revoked and stays revoked; remove it from the list`);
    }
    return {
      keyId: row.id,
      projectId: row.projectId,
      projectName: row.projectName,
      fingerprint,
      created,
      revoked: row.revokedAt !== null,
    };
  });
}

/** A UUID (version 8, "custom") from a sha256 of `name`: stable ids without storing a mapping. */
function derivedUuid(name: string): string {
  const bytes = createHash('sha256').update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x80;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
