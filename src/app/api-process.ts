import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { ApiKeyCache, TranscriptReadCache } from '../api/read-cache.js';
import { buildServer } from '../api/server.js';
import { ByteBudget } from '../audio/byte-budget.js';
import { UploadVault } from '../audio/upload-vault.js';
import { EngineCache } from '../engines/registry.js';
import { EarshotError } from '../errors.js';
import { Observability } from '../observability/observability.js';
import { storeReadiness } from '../observability/readiness.js';
import { redisOptions, requestPathRedis } from '../queue/redis.js';
import { mountRealtime } from '../realtime/mount.js';
import { RedisUsedTokens } from '../realtime/used-tokens.js';
import type { Store } from '../store/store.js';
import type { EarshotConfig } from './config.js';
import { Closer, listenUrl, openProcessStore, processLogger } from './process-parts.js';
import { INTELLIGENCE_QUEUE } from '../queue/bullmq-queue.js';
import { connected, readiness, redisErrorLog, redisReadiness, redactedAudioStore, requireScaleOutSettings, transcriptQueue, uploadVault, type ProcessReadiness } from './scale-out.js';

export interface ApiProcess {
  url: string;
  store: Store;
  app: FastifyInstance;
  needsApiKey: boolean;
  /** Database and Redis answer (for /readyz). */
  ready(): Promise<ProcessReadiness>;
  /** Stops taking requests and closes everything. Idempotent. */
  close(): Promise<void>;
}

/**
 * `earshot api` (issue 12): the REST API and the streaming WebSocket, no transcription jobs.
 * Uploads go to Redis (sealed), jobs to BullMQ, everything else to Postgres, so any number of api
 * processes serve the same installation and any of them answers for any upload or transcript.
 */
export async function startApiProcess(config: EarshotConfig, options: { logger?: Logger } = {}): Promise<ApiProcess> {
  const { redisUrl } = requireScaleOutSettings(config, 'api');
  if (!config.streamTokenSecret) {
    throw new EarshotError(
      'config_invalid',
      'earshot api needs EARSHOT_STREAM_TOKEN_SECRET, the same value on every api process, so a streaming token issued by one is accepted by the others.',
    );
  }
  const logger = options.logger ?? processLogger(config);
  const closer = new Closer(logger);
  try {
    const { store, keyring } = await openProcessStore(config, logger);
    closer.add(() => store.close());
    if (config.apiKeys.length > 0) await store.seedApiKeys(config.apiKeys);
    const needsApiKey = !(await store.listApiKeys()).some((k) => k.revokedAt === null);

    const redis = requestPathRedis(redisUrl, `${config.queuePrefix}:api`, config.redisTimeoutMs);
    const redisLog = redisErrorLog(logger, 'api');
    redis.on('error', redisLog.onError).on('ready', redisLog.onReady);
    closer.add(() => void redis.disconnect());
    await connected(redis, config.redisTimeoutMs, logger);
    const vault = uploadVault(config, redis, keyring);
    const queue = transcriptQueue(config, redis, redisOptions(redisUrl, `${config.queuePrefix}:api`), redisLog.onError);
    closer.add(() => queue.close());
    // Only read here, for the scaling advice: workers hand transcripts on to it (worker.ts).
    const analysis = transcriptQueue(config, redis, redisOptions(redisUrl, `${config.queuePrefix}:api`), redisLog.onError, INTELLIGENCE_QUEUE);
    closer.add(() => analysis.close());

    // Transcription here is only what answers on the request itself: the /v1 OpenAI route and
    // streaming (which has its own engine, see mountRealtime). Loaded on first use.
    // Uploads being received (on their way to Redis) and /v1 files share one budget.
    const requestAudio = new UploadVault({ budget: new ByteBudget(config.maxUploadMemoryBytes), ttlMs: config.uploadTtlMs });
    closer.add(() => requestAudio.close());
    const engines = new EngineCache();
    closer.add(() => engines.close());
    // Written by the worker that finished the transcript; any api process serves it.
    const redactedAudio = redactedAudioStore(config, redis, keyring);

    // Arrivals are counted where jobs enter (here); depth and workers come from the shared queue,
    // stage throughput only from the workers' own /metrics (each keeps its own window).
    const observability = new Observability();
    // Transcripts enter at the asr stage's queue; the intelligence queue's depth is reported too.
    const jobs = observability.instrument(queue, 'asr');
    observability.instrument(analysis, 'intelligence');
    const app = await buildServer({
      store,
      vault,
      requestAudio,
      leases: vault,
      queue: jobs,
      observability: {
        metrics: observability.metrics,
        readiness: [storeReadiness(store), redisReadiness(redis)],
        // Every transcript passes both stage queues, so both see the same arrivals.
        scaleLoads: async () => {
          const { perMinute, thisMinute } = observability.arrivals.snapshot();
          const stages = [
            { stage: 'asr', queue },
            { stage: 'intelligence', queue: analysis },
          ];
          return Promise.all(
            stages.map(async ({ stage, queue }) => {
              const { waiting, workers } = await queue.load();
              return { stage, queueDepth: waiting, currentWorkers: workers, slotsPerWorker: config.concurrency, arrivalsPerMinute: perMinute, arrivalsThisMinute: thisMinute, work: null };
            }),
          );
        },
        adminKeys: config.adminKeys,
      },
      engines,
      redactedAudio,
      keyCache: new ApiKeyCache(config.authCacheMs),
      readCache: new TranscriptReadCache(config.readCacheMs),
      maxUploadBytes: config.maxUploadBytes,
      budget: requestAudio.budget,
      maxAudioSeconds: config.maxAudioSeconds,
      allowPrivateNetworks: config.allowPrivateUrls,
      publicUrl: config.publicUrl,
      httpLimits: config.http,
      quotas: config.quotas,
      rateLimitStore: { redis, prefix: config.queuePrefix },
      logger,
    });
    const realtime = await mountRealtime(app, config, {
      store,
      logger: { info: (m) => logger.info(m), warn: (m) => logger.warn(m) },
      usedTokens: new RedisUsedTokens(redis, config.queuePrefix),
      httpLimits: config.http,
    });
    closer.add(() => app.close());
    closer.add(() => realtime.close());
    observability.metrics.observeStreams(() => realtime.realtime.activeSessions);
    const url = listenUrl(await realtime.listen({ port: config.port, host: config.host }), config.host);
    logger.info(`earshot api listening on ${url} (store: ${store.kind}, queue: redis prefix ${config.queuePrefix})`);
    return { url, store, app, needsApiKey, ready: () => readiness(store, redis, config.redisTimeoutMs), close: () => closer.close() };
  } catch (err) {
    await closer.close();
    throw err;
  }
}
