import { randomUUID } from 'node:crypto';
import { Kysely } from 'kysely';
import { EarshotError, isEarshotError } from '../errors.js';
import * as apiKeys from './api-keys.js';
import type { Backend } from './backend.js';
import type { StoreContext } from './context.js';
import { FieldCipher } from './encryption/field-cipher.js';
import type { Keyring } from './encryption/keyring.js';
import type { StoreLogger } from './logger.js';
import { appliedMigrations, migrateToLatest } from './migrations.js';
import { rotateEncryption } from './rotation.js';
import type { Database } from './schema.js';
import type { Store } from './store.js';
import * as jobs from './transcript-jobs.js';
import * as transcripts from './transcripts.js';
import * as voices from './voices.js';
import * as deliveries from './webhook-deliveries.js';
import * as outbox from './webhook-outbox.js';
import * as webhookSecrets from './webhook-secrets.js';
import type {
  ClaimInterruptedOptions,
  NewTranscript,
  NewVoice,
  NewWebhookDelivery,
  RotationOptions,
  TranscriptCompletion,
  TranscriptListQuery,
} from './types.js';

/** The one Store implementation: shared Kysely queries over whichever backend it was given. */
export class KyselyStore implements Store {
  readonly kind: Backend['kind'];
  readonly #ctx: StoreContext;
  #closing?: Promise<void>;

  private constructor(ctx: StoreContext) {
    this.#ctx = ctx;
    this.kind = ctx.backend.kind;
  }

  static async open(backend: Backend, keyring: Keyring, logger: StoreLogger): Promise<KyselyStore> {
    const db = new Kysely<Database>({ dialect: backend.createDialect() });
    const cipher = new FieldCipher(keyring);
    try {
      await migrateToLatest(db, backend, cipher);
    } catch (err) {
      await db.destroy().catch(() => {});
      if (isEarshotError(err)) throw err;
      throw new EarshotError('store_unavailable', `cannot open ${backend.description}: ${(err as Error).message}`, { cause: err });
    }
    return new KyselyStore({ db, backend, cipher, logger, instanceId: randomUUID() });
  }

  createApiKey(name: string, projectId?: string) {
    return apiKeys.createApiKey(this.#ctx, name, projectId);
  }
  authenticate(key: string) {
    return apiKeys.authenticate(this.#ctx, key);
  }
  seedApiKeys(keys: readonly string[]) {
    return apiKeys.seedApiKeys(this.#ctx, keys);
  }
  listApiKeys(projectId?: string) {
    return apiKeys.listApiKeys(this.#ctx, projectId);
  }
  revokeApiKey(keyId: string, projectId?: string) {
    return apiKeys.revokeApiKey(this.#ctx, keyId, projectId);
  }

  createTranscript(input: NewTranscript) {
    return transcripts.createTranscript(this.#ctx, input);
  }
  getTranscript(projectId: string, id: string) {
    return transcripts.getTranscript(this.#ctx, projectId, id);
  }
  listTranscripts(projectId: string, query?: TranscriptListQuery) {
    return transcripts.listTranscripts(this.#ctx, projectId, query);
  }
  deleteTranscript(projectId: string, id: string) {
    return transcripts.deleteTranscript(this.#ctx, projectId, id);
  }

  getJob(id: string) {
    return jobs.getJob(this.#ctx, id);
  }
  markProcessing(id: string) {
    return jobs.markProcessing(this.#ctx, id);
  }

  resumeProcessing(id: string, maxAttempts?: number) {
    return jobs.resumeProcessing(this.#ctx, id, maxAttempts);
  }
  completeTranscript(id: string, completion: TranscriptCompletion) {
    return jobs.completeTranscript(this.#ctx, id, completion);
  }
  failTranscript(id: string, error: string) {
    return jobs.failTranscript(this.#ctx, id, error);
  }
  listUnfinished() {
    return jobs.listUnfinished(this.#ctx);
  }
  claimInterrupted(options?: ClaimInterruptedOptions) {
    return jobs.claimInterrupted(this.#ctx, options);
  }

  createVoice(input: NewVoice) {
    return voices.createVoice(this.#ctx, input);
  }
  getVoice(projectId: string, id: string) {
    return voices.getVoice(this.#ctx, projectId, id);
  }
  listVoices(projectId: string) {
    return voices.listVoices(this.#ctx, projectId);
  }
  voicesWithPrints(projectId: string, ids: readonly string[]) {
    return voices.voicesWithPrints(this.#ctx, projectId, ids);
  }
  deleteVoice(projectId: string, id: string) {
    return voices.deleteVoice(this.#ctx, projectId, id);
  }

  appendWebhookDelivery(entry: NewWebhookDelivery) {
    return deliveries.appendWebhookDelivery(this.#ctx, entry);
  }
  listWebhookDeliveries(transcriptId: string) {
    return deliveries.listWebhookDeliveries(this.#ctx, transcriptId);
  }

  rotateProjectWebhookSecret(projectId: string) {
    return webhookSecrets.rotateProjectWebhookSecret(this.#ctx, projectId);
  }
  projectWebhookSecret(projectId: string) {
    return webhookSecrets.projectWebhookSecret(this.#ctx, projectId);
  }

  enqueueWebhook(transcriptId: string, status: string) {
    return outbox.enqueueWebhook(this.#ctx, transcriptId, status);
  }
  claimDueWebhooks(limit: number, leaseMs: number) {
    return outbox.claimDueWebhooks(this.#ctx, limit, leaseMs);
  }
  settleWebhook(seq: number, retryAt: Date | null) {
    return outbox.settleWebhook(this.#ctx, seq, retryAt);
  }
  nextWebhookDue() {
    return outbox.nextWebhookDue(this.#ctx);
  }

  rotateEncryption(options?: RotationOptions) {
    return rotateEncryption(this.#ctx, options);
  }
  appliedMigrations() {
    return appliedMigrations(this.#ctx.db, this.#ctx.backend);
  }

  async ping(): Promise<void> {
    if (this.#closing) throw new EarshotError('store_unavailable', 'the store is closed');
    await this.#ctx.db.selectFrom('projects').select('id').limit(1).execute();
  }

  close(): Promise<void> {
    this.#closing ??= this.#ctx.db.destroy();
    return this.#closing;
  }
}
