import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import type { Server as HttpServer } from 'node:http';
import { Server as HttpsServer } from 'node:https';
import { ApiKeyCache, TranscriptReadCache } from './api/read-cache.js';
import { buildServer } from './api/server.js';
import { UploadVault } from './audio/upload-vault.js';
import { DEFAULT_ENGINE, EngineCache } from './engines/registry.js';
import { EarshotError } from './errors.js';
import { MemoryQueue } from './queue/memory-queue.js';
import { RedactedAudioCache } from './queue/redacted-audio.js';
import { UploadLeases } from './queue/upload-leases.js';
import { llmConfigFromEnv } from './intelligence/llm/config.js';
import { TranscriptWorker } from './queue/worker.js';
import { mountRealtime, type RealtimeSettings } from './realtime/mount.js';
import { openStore, type Store, type StoreLogger } from './store/store.js';
import { WebhookSender } from './webhooks/sender.js';

/** Real-time streaming settings (issue 5) are in RealtimeSettings: TLS, session limits, `storeStreams`. */
export interface EarshotConfig extends RealtimeSettings {
  port: number;
  host: string;
  /** SQLite file, keys.json (encryption keys) and the webhook secret live here. */
  dataDir: string;
  /** `postgres://…` or `sqlite:///abs/file.db`; default: `<dataDir>/earshot.db`. */
  databaseUrl?: string;
  /** Transcription jobs run at once. */
  concurrency: number;
  /** Largest single upload. */
  maxUploadBytes: number;
  /** All uploads held in memory at once. */
  maxUploadMemoryBytes: number;
  /** How long an upload waits for a transcript request. */
  uploadTtlMs: number;
  /** How long an upload used by a transcript may wait in the queue. */
  queuedUploadTtlMs: number;
  /** Largest audio_url download, and its time limit. */
  remoteMaxBytes: number;
  remoteTimeoutMs: number;
  /** Let audio_url and webhook_url reach loopback and private networks (tests, trusted LANs). */
  allowPrivateUrls: boolean;
  /** HMAC key for webhook signatures; default: generated once into `<dataDir>/webhook-secret`. */
  webhookSecret?: string;
  webhookMaxAttempts: number;
  webhookBaseDelayMs: number;
  /** EARSHOT_API_KEYS entries ("key" or "project:key"), seeded on every start. */
  apiKeys: string[];
  /**
   * How long a successful API-key lookup is reused (0: never); a key revoked from another
   * process (`earshot keys revoke`) stops working within this time.
   */
  authCacheMs: number;
  /**
   * How long a completed transcript's JSON is reused (0: never). This process's deletes take
   * effect at once; one made through another server on the same database within this time.
   */
  readCacheMs: number;
  /** Origin clients use ("https://asr.example.com") when the server sits behind a proxy. */
  publicUrl?: string;
  logLevel: string;
}

const MiB = 1024 * 1024;

/** Defaults, then environment variables, then the flags given (issue 4's `earshot serve`). */
export function loadConfig(flags: Partial<EarshotConfig> = {}, env: NodeJS.ProcessEnv = process.env): EarshotConfig {
  const num = (name: string, fallback: number, min = 1): number => {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min) throw new EarshotError('config_invalid', `${name} must be a whole number of at least ${min}, got "${raw}".`);
    return value;
  };
  const flag = (name: string): boolean => /^(1|true|yes|on)$/i.test(env[name]?.trim() ?? '');
  const config: EarshotConfig = {
    port: num('EARSHOT_PORT', 8080, 0),
    host: env.EARSHOT_HOST || '127.0.0.1',
    dataDir: env.EARSHOT_DATA_DIR || './.earshot',
    databaseUrl: env.EARSHOT_DATABASE_URL || undefined,
    concurrency: num('EARSHOT_CONCURRENCY', Math.max(1, Math.floor(availableParallelism() / 2))),
    maxUploadBytes: num('EARSHOT_MAX_UPLOAD_BYTES', 512 * MiB),
    maxUploadMemoryBytes: num('EARSHOT_MAX_UPLOAD_MEMORY_BYTES', 2048 * MiB),
    uploadTtlMs: num('EARSHOT_UPLOAD_TTL_SECONDS', 3600) * 1000,
    queuedUploadTtlMs: num('EARSHOT_QUEUED_UPLOAD_TTL_SECONDS', 24 * 3600) * 1000,
    remoteMaxBytes: num('EARSHOT_MAX_REMOTE_BYTES', 2048 * MiB),
    remoteTimeoutMs: num('EARSHOT_REMOTE_TIMEOUT_SECONDS', 600) * 1000,
    allowPrivateUrls: flag('EARSHOT_ALLOW_PRIVATE_URLS'),
    webhookSecret: env.EARSHOT_WEBHOOK_SECRET || undefined,
    webhookMaxAttempts: num('EARSHOT_WEBHOOK_MAX_ATTEMPTS', 6),
    webhookBaseDelayMs: num('EARSHOT_WEBHOOK_RETRY_BASE_MS', 1000),
    apiKeys: (env.EARSHOT_API_KEYS ?? '').split(/[\s,]+/).filter((k) => k !== ''),
    authCacheMs: num('EARSHOT_AUTH_CACHE_MS', 2000, 0),
    readCacheMs: num('EARSHOT_READ_CACHE_MS', 5000, 0),
    publicUrl: env.EARSHOT_PUBLIC_URL || undefined,
    logLevel: env.EARSHOT_LOG_LEVEL || 'info',
    tlsCert: env.EARSHOT_TLS_CERT || undefined,
    tlsKey: env.EARSHOT_TLS_KEY || undefined,
    // A real-time session takes about 0.17 of a core (bench/streaming.ts); 3 per core leaves room for batch jobs.
    streamMaxSessions: num('EARSHOT_STREAM_MAX_SESSIONS', 3 * availableParallelism()),
    streamMaxSessionsPerKey: env.EARSHOT_STREAM_MAX_SESSIONS_PER_KEY ? num('EARSHOT_STREAM_MAX_SESSIONS_PER_KEY', 1) : undefined,
    streamInactivitySeconds: num('EARSHOT_STREAM_INACTIVITY_SECONDS', 120),
    streamMaxSessionSeconds: num('EARSHOT_STREAM_MAX_SESSION_SECONDS', 3 * 3600),
    storeStreams: flag('EARSHOT_STORE_STREAMS'),
    streamTokenSecret: env.EARSHOT_STREAM_TOKEN_SECRET || undefined,
  };
  for (const [key, value] of Object.entries(flags)) if (value !== undefined) (config as unknown as Record<string, unknown>)[key] = value;
  config.dataDir = resolve(config.dataDir);
  return config;
}

export interface EarshotServer {
  /** Where clients reach it, e.g. http://127.0.0.1:8080. */
  url: string;
  config: EarshotConfig;
  store: Store;
  vault: UploadVault;
  app: FastifyInstance;
  /** Whether the store has no usable API key (print how to create one). */
  needsApiKey: boolean;
  /** Stops taking requests, stops jobs (see TranscriptWorker), closes everything. Idempotent. */
  close(): Promise<void>;
}

export const WEBHOOK_SECRET_FILE = 'webhook-secret';

/**
 * The composition root: store, upload vault, queue, engines, worker, webhooks and HTTP server,
 * wired once here and nowhere else.
 */
export async function startEarshot(config: EarshotConfig, options: { logger?: Logger } = {}): Promise<EarshotServer> {
  const logger = options.logger ?? pino({ level: config.logLevel, base: undefined }, pino.destination({ dest: 2, sync: true }));
  const storeLogger: StoreLogger = { info: (m) => logger.info(m), warn: (m) => logger.warn(m) };
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });

  const cleanups: Array<() => Promise<void> | void> = [];
  const closeAll = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch (err) {
        logger.error({ err }, 'error while shutting down');
      }
    }
  };
  try {
    const store = await openStore({ dataDir: config.dataDir, url: config.databaseUrl }, { logger: storeLogger });
    cleanups.push(() => store.close());
    if (config.apiKeys.length > 0) await store.seedApiKeys(config.apiKeys);
    const needsApiKey = !(await store.listApiKeys()).some((k) => k.revokedAt === null);

    const vault = new UploadVault({ maxTotalBytes: config.maxUploadMemoryBytes, ttlMs: config.uploadTtlMs });
    cleanups.push(() => vault.close());
    const leases = new UploadLeases(vault, config.queuedUploadTtlMs);
    // AssemblyAI's redacted audio URLs expire; ours live an hour, in memory, 1 GiB at most.
    const redactedAudio = new RedactedAudioCache({ maxTotalBytes: 1024 * MiB, ttlMs: 60 * 60_000 });
    cleanups.push(() => redactedAudio.close());

    const engines = new EngineCache();
    cleanups.push(() => engines.close());
    // Load the default engine now: the first job is not slowed down, and a missing model shows
    // at start-up. The server still starts; jobs then fail with the engine's own instructions.
    try {
      await engines.get(DEFAULT_ENGINE);
    } catch (err) {
      logger.warn(`speech engine ${DEFAULT_ENGINE} is not ready: ${(err as Error).message}`);
    }

    const readCache = new TranscriptReadCache(config.readCacheMs);
    const webhooks = new WebhookSender({
      secret: config.webhookSecret ?? (await webhookSecret(config.dataDir, storeLogger)),
      maxAttempts: config.webhookMaxAttempts,
      baseDelayMs: config.webhookBaseDelayMs,
      allowPrivateNetworks: config.allowPrivateUrls,
      onAttempt: async (transcriptId, attempt) => {
        await store.appendWebhookDelivery({ transcriptId, ...attempt }).catch((err: unknown) => logger.error({ err }, 'could not log a webhook delivery'));
        // The transcript's webhook_status_code just changed.
        readCache.invalidate(transcriptId);
      },
    });
    // Last in, first out: the queue stops (and jobs report) before webhooks get their last chance.
    cleanups.push(async () => {
      await Promise.race([webhooks.drain(), new Promise((r) => setTimeout(r, 2000).unref())]);
      await webhooks.close();
    });

    const queue = new MemoryQueue();
    cleanups.push(() => queue.close());
    const worker = new TranscriptWorker({
      store,
      vault,
      leases,
      engines,
      queue,
      webhooks,
      remote: { maxBytes: config.remoteMaxBytes, timeoutMs: config.remoteTimeoutMs, allowPrivateNetworks: config.allowPrivateUrls },
      logger: { info: (m) => logger.info(m), warn: (m) => logger.warn(m), error: (m) => logger.error(m) },
      redactedAudio,
      llm: llmConfigFromEnv(),
    });
    await worker.recover();
    queue.process(worker.handle, config.concurrency);

    const app = await buildServer({
      store,
      vault,
      leases,
      queue,
      engines,
      redactedAudio,
      keyCache: new ApiKeyCache(config.authCacheMs),
      readCache,
      maxUploadBytes: config.maxUploadBytes,
      allowPrivateNetworks: config.allowPrivateUrls,
      publicUrl: config.publicUrl,
      logger,
    });
    const realtime = await mountRealtime(app, config, { store, logger: { info: (m) => logger.info(m), warn: (m) => logger.warn(m) } });
    cleanups.push(() => app.close());
    // Streaming sessions end before the HTTP server closes (it waits for their sockets).
    cleanups.push(() => realtime.close());
    const url = listenUrl(await realtime.listen({ port: config.port, host: config.host }), config.host);
    logger.info(`earshot listening on ${url} (store: ${store.kind}, ${config.concurrency} concurrent job(s))`);

    let closing: Promise<void> | undefined;
    return { url, config, store, vault, app, needsApiKey, close: () => (closing ??= closeAll()) };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

function listenUrl(server: HttpServer | HttpsServer, host: string): string {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `${server instanceof HttpsServer ? 'https' : 'http'}://${shown}:${port}`;
}

/**
 * The webhook signing secret: EARSHOT_WEBHOOK_SECRET, else `<dataDir>/webhook-secret`, created
 * once (mode 600) so receivers keep verifying signatures across restarts.
 */
export async function webhookSecret(dataDir: string, logger: StoreLogger): Promise<string> {
  const path = join(dataDir, WEBHOOK_SECRET_FILE);
  try {
    const text = (await readFile(path, 'utf8')).trim();
    if (text !== '') return text;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const secret = randomBytes(32).toString('base64url');
  try {
    const handle = await open(path, 'wx', 0o600);
    try {
      await handle.writeFile(`${secret}\n`);
    } finally {
      await handle.close();
    }
  } catch (err) {
    // Another process created it first: use theirs.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return (await readFile(path, 'utf8')).trim();
    throw err;
  }
  logger.info(`created the webhook signing secret ${path} (mode 600); receivers verify the x-earshot-signature header with it`);
  return secret;
}
