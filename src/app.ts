import { mkdir } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import { ApiKeyCache, TranscriptReadCache } from './api/read-cache.js';
import { buildServer } from './api/server.js';
import { ByteBudget } from './audio/byte-budget.js';
import { UploadVault } from './audio/upload-vault.js';
import { DEFAULT_ENGINE } from './engines/registry.js';
import { MemoryQueue } from './queue/memory-queue.js';
import { REDACTED_AUDIO_TTL_MS, RedactedAudioCache } from './queue/redacted-audio.js';
import { UploadLeases } from './queue/upload-leases.js';
import { llmConfigFromEnv } from './intelligence/llm/config.js';
import { ScheduledEngines } from './queue/scheduled-engines.js';
import { TranscriptWorker } from './queue/worker.js';
import { Observability } from './observability/observability.js';
import { IN_PROCESS_QUEUE_READY, storeReadiness } from './observability/readiness.js';
import { mountRealtime } from './realtime/mount.js';
import { openStore, type Store, type StoreLogger } from './store/store.js';
import { OutboxWebhooks } from './webhooks/outbox.js';
import { WebhookSender } from './webhooks/sender.js';

import { jobLimits, loadConfig, type EarshotConfig } from './app/config.js';
import { listenUrl } from './app/process-parts.js';
import { webhookSecret } from './app/webhook-secret.js';
import { assertKeyLocation } from './app/key-location.js';

export { loadConfig, type EarshotConfig };
export { webhookSecret, WEBHOOK_SECRET_FILE } from './app/webhook-secret.js';

const MiB = 1024 * 1024;

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
    assertKeyLocation(config.dataDir, config.keyFile);
    const store = await openStore({ dataDir: config.dataDir, url: config.databaseUrl }, { keyFile: config.keyFile, logger: storeLogger });
    cleanups.push(() => store.close());
    if (config.apiKeys.length > 0) await store.seedApiKeys(config.apiKeys);
    const needsApiKey = !(await store.listApiKeys()).some((k) => k.revokedAt === null);

    const vault = new UploadVault({ budget: new ByteBudget(config.maxUploadMemoryBytes), ttlMs: config.uploadTtlMs });
    cleanups.push(() => vault.close());
    const leases = new UploadLeases(vault, config.queuedUploadTtlMs);
    // AssemblyAI's redacted audio URLs expire; ours live an hour, in memory, 1 GiB at most.
    const redactedAudio = new RedactedAudioCache({ maxTotalBytes: 1024 * MiB, ttlMs: REDACTED_AUDIO_TTL_MS });
    cleanups.push(() => redactedAudio.close());

    const engines = new ScheduledEngines(config.projectPriorities, config.decoders ? { parallelism: config.decoders } : {});
    cleanups.push(() => engines.close());
    // Load the default engine now: the first job is not slowed down, and a missing model shows
    // at start-up. The server still starts; jobs then fail with the engine's own instructions.
    try {
      await engines.get(DEFAULT_ENGINE);
    } catch (err) {
      logger.warn(`speech engine ${DEFAULT_ENGINE} is not ready: ${(err as Error).message}`);
    }

    const observability = new Observability();
    const readCache = new TranscriptReadCache(config.readCacheMs);
    const sender = new WebhookSender({
      secret: config.webhookSecret ?? (await webhookSecret(config.dataDir, storeLogger)),
      maxAttempts: config.webhookMaxAttempts,
      baseDelayMs: config.webhookBaseDelayMs,
      allowPrivateNetworks: config.allowPrivateUrls,
    });
    // Pending deliveries live in the store's outbox, so a restart resumes them (issue 15).
    const webhooks = new OutboxWebhooks({
      store,
      sender,
      maxAttempts: config.webhookMaxAttempts,
      onAttempt: async (transcriptId, attempt) => {
        observability.metrics.webhookAttempt(attempt, config.webhookMaxAttempts);
        await store.appendWebhookDelivery({ transcriptId, ...attempt }).catch((err: unknown) => logger.error({ err }, 'could not log a webhook delivery'));
        // The transcript's webhook_status_code just changed.
        readCache.invalidate(transcriptId);
      },
      onError: (err) => logger.error({ err }, 'webhook outbox'),
    });
    webhooks.start();
    // Last in, first out: the queue stops (and jobs report) before webhooks get their last chance;
    // what is still pending then stays in the outbox for the next start.
    cleanups.push(async () => {
      await Promise.race([webhooks.drain(), new Promise((r) => setTimeout(r, 2000).unref())]);
      await sender.close();
      await webhooks.close();
    });

    // "all": serve's one queue holds whole jobs, every stage (docs/observability.md).
    const queue = observability.instrument(new MemoryQueue(), 'all');
    cleanups.push(() => queue.close());
    const worker = new TranscriptWorker({
      store,
      vault,
      leases,
      engines,
      queue,
      webhooks,
      remote: { maxBytes: config.remoteMaxBytes, timeoutMs: config.remoteTimeoutMs, allowPrivateNetworks: config.allowPrivateUrls, budget: vault.budget },
      limits: jobLimits(config),
      logger,
      redactedAudio,
      llm: llmConfigFromEnv(),
      onJobEvent: observability.jobs.handle,
      schedule: (ticket, work) => engines.run(ticket, work),
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
      budget: vault.budget,
      maxAudioSeconds: config.maxAudioSeconds,
      allowPrivateNetworks: config.allowPrivateUrls,
      publicUrl: config.publicUrl,
      httpLimits: config.http,
      quotas: config.quotas,
      logger,
      observability: {
        metrics: observability.metrics,
        readiness: [storeReadiness(store), IN_PROCESS_QUEUE_READY],
        scaleLoads: () => observability.embeddedLoads(queue, config.concurrency),
        adminKeys: config.adminKeys,
      },
    });
    const realtime = await mountRealtime(app, config, { store, httpLimits: config.http, logger: { info: (m) => logger.info(m), warn: (m) => logger.warn(m) } });
    observability.metrics.observeStreams(() => realtime.realtime.activeSessions);
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
