import { dirname, isAbsolute, join, resolve } from 'node:path';
import { EarshotError } from '../errors.js';
import type { Backend, BackendKind } from './backend.js';
import { loadKeyring } from './encryption/key-file.js';
import type { Keyring } from './encryption/keyring.js';
import { KyselyStore } from './kysely-store.js';
import { stderrLogger, type StoreLogger } from './logger.js';
import { createPostgresBackend, type PostgresBackendOptions } from './postgres/postgres-backend.js';
import { createSqliteBackend } from './sqlite/sqlite-backend.js';
import type {
  ApiKeyInfo,
  AuthContext,
  ClaimInterruptedOptions,
  CreatedApiKey,
  NewTranscript,
  NewVoice,
  NewWebhookDelivery,
  OutboxEntry,
  RecoveredJobs,
  RotationOptions,
  RotationResult,
  SeededApiKey,
  TranscriptCompletion,
  TranscriptJob,
  TranscriptListQuery,
  TranscriptPage,
  TranscriptRecord,
  VoiceRecord,
  VoiceWithPrint,
  WebhookDelivery,
} from './types.js';

export * from './types.js';
export type { StoreLogger } from './logger.js';

/**
 * Earshot's persistence. Calls taking a `projectId` are the API's and are scoped to that project:
 * another project's transcript behaves exactly like a missing one. The job calls (getJob,
 * markProcessing, completeTranscript…) are the worker's and take only the id from the queue.
 */
export interface Store {
  readonly kind: BackendKind;

  // API keys and projects
  createApiKey(name: string, projectId?: string): Promise<CreatedApiKey>;
  authenticate(key: string): Promise<AuthContext | null>;
  seedApiKeys(keys: readonly string[]): Promise<SeededApiKey[]>;
  listApiKeys(projectId?: string): Promise<ApiKeyInfo[]>;
  revokeApiKey(keyId: string, projectId?: string): Promise<boolean>;

  // transcripts, as the API sees them
  createTranscript(input: NewTranscript): Promise<TranscriptRecord>;
  getTranscript(projectId: string, id: string): Promise<TranscriptRecord | null>;
  listTranscripts(projectId: string, query?: TranscriptListQuery): Promise<TranscriptPage>;
  /** Erases the content and returns the tombstone; null when not found. Throws transcript_in_progress. */
  deleteTranscript(projectId: string, id: string): Promise<TranscriptRecord | null>;

  // transcripts, as the worker sees them
  getJob(id: string): Promise<TranscriptJob | null>;
  markProcessing(id: string): Promise<boolean>;
  /** Takes over a processing job the queue delivered again (scale-out); false unless that applies. */
  resumeProcessing(id: string, maxAttempts?: number): Promise<boolean>;
  completeTranscript(id: string, completion: TranscriptCompletion): Promise<boolean>;
  failTranscript(id: string, error: string): Promise<boolean>;
  listUnfinished(): Promise<TranscriptJob[]>;
  claimInterrupted(options?: ClaimInterruptedOptions): Promise<RecoveredJobs>;

  // enrolled voices (issue 14 item 4), scoped to the project like transcripts
  createVoice(input: NewVoice): Promise<VoiceRecord>;
  getVoice(projectId: string, id: string): Promise<VoiceRecord | null>;
  listVoices(projectId: string): Promise<VoiceRecord[]>;
  /** The project's voices among `ids` with their voiceprints; ids not found are left out. */
  voicesWithPrints(projectId: string, ids: readonly string[]): Promise<VoiceWithPrint[]>;
  /** Removes the voice for good; false when not found. */
  deleteVoice(projectId: string, id: string): Promise<boolean>;

  // webhook deliveries
  appendWebhookDelivery(entry: NewWebhookDelivery): Promise<WebhookDelivery>;
  listWebhookDeliveries(transcriptId: string): Promise<WebhookDelivery[]>;

  // per-project webhook signing secrets (issue 15 item 5), sealed at rest
  /** A fresh secret replacing the project's old one; returned here only, never readable through the API. */
  rotateProjectWebhookSecret(projectId: string): Promise<{ secret: string; created: string }>;
  /** For deliveries: the project's secret, or null to sign with the installation's. */
  projectWebhookSecret(projectId: string): Promise<string | null>;

  // the webhook outbox of embedded mode (src/webhooks/outbox.ts)
  enqueueWebhook(transcriptId: string, status: string): Promise<void>;
  claimDueWebhooks(limit: number, leaseMs: number): Promise<OutboxEntry[]>;
  settleWebhook(seq: number, retryAt: Date | null): Promise<void>;
  nextWebhookDue(): Promise<Date | null>;

  // maintenance
  /** Re-seals rows still encrypted with an older key; afterwards old keys can be dropped. */
  rotateEncryption(options?: RotationOptions): Promise<RotationResult>;
  /** Migration versions recorded as applied, oldest first. */
  appliedMigrations(): Promise<string[]>;
  /**
   * Readiness (issue 12): one read of this installation's own tables, so an unreachable database
   * and a dropped schema both throw. Callers bound the wait (src/observability/readiness.ts).
   */
  ping(): Promise<void>;
  /** Idempotent. */
  close(): Promise<void>;
}

/**
 * Where the data lives: `sqlite:///abs/path.db`, `postgres://…`, or a data directory (SQLite at
 * `<dataDir>/earshot.db`). `{ dataDir, url }` puts the database at `url` but keeps keys.json in
 * dataDir, which a Postgres deployment without EARSHOT_ENCRYPTION_KEYS needs.
 */
export type StoreTarget = string | { dataDir: string; url?: string };

export interface OpenStoreOptions {
  /** Overrides EARSHOT_ENCRYPTION_KEYS and keys.json. */
  keyring?: Keyring;
  /** keys.json; default `<dataDir>/keys.json` (the app always passes its EARSHOT_KEY_FILE). */
  keyFile?: string;
  /** Where EARSHOT_ENCRYPTION_KEYS is read from; defaults to process.env. */
  env?: Record<string, string | undefined>;
  logger?: StoreLogger;
  postgres?: PostgresBackendOptions;
}

export const DATABASE_FILE_NAME = 'earshot.db';

/**
 * Opens the store and brings its schema up to date. The keyring comes from
 * EARSHOT_ENCRYPTION_KEYS, else `keys.json` in the data directory (for a `sqlite://` URL: the
 * database file's directory), created with a fresh key on first start.
 */
export async function openStore(target: StoreTarget, options: OpenStoreOptions = {}): Promise<Store> {
  const { backend, dataDir } = resolveStoreTarget(target, options.postgres);
  const logger = options.logger ?? stderrLogger;
  const keyring = options.keyring ?? (await loadKeyring({ env: options.env, keyFile: options.keyFile, dataDir, logger }));
  return KyselyStore.open(backend, keyring, logger);
}

export function resolveStoreTarget(
  target: StoreTarget,
  postgres?: PostgresBackendOptions,
): { backend: Backend; dataDir: string | undefined } {
  if (typeof target === 'object') {
    const dataDir = resolve(target.dataDir);
    if (target.url === undefined) return { backend: createSqliteBackend(join(dataDir, DATABASE_FILE_NAME)), dataDir };
    return { backend: backendForUrl(target.url, postgres), dataDir };
  }
  const backend = backendForUrl(target, postgres);
  return { backend, dataDir: backend.kind === 'sqlite' ? dirname(sqlitePath(target)) : undefined };
}

function backendForUrl(url: string, postgres?: PostgresBackendOptions): Backend {
  if (/^postgres(ql)?:\/\//i.test(url)) return createPostgresBackend(url, postgres);
  if (/^sqlite:/i.test(url)) return createSqliteBackend(sqlitePath(url));
  throw new EarshotError('config_invalid', `unsupported store URL "${url.split('@').pop()}": use sqlite:///absolute/path.db or postgres://…`);
}

function sqlitePath(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new EarshotError('config_invalid', `invalid SQLite URL "${url}"`, { cause });
  }
  const path = decodeURIComponent(parsed.pathname);
  if (parsed.host !== '' || !isAbsolute(path) || path.endsWith('/')) {
    throw new EarshotError('config_invalid', `SQLite URL "${url}" must name an absolute file: sqlite:///absolute/path.db`);
  }
  return path;
}
