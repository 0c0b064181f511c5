import type { Logger } from 'pino';
import { DEFAULT_ENGINE } from '../engines/registry.js';
import { ByteBudget } from '../audio/byte-budget.js';
import { llmConfigFromEnv } from '../intelligence/llm/config.js';
import { Observability } from '../observability/observability.js';
import { startProbeServer } from '../observability/probe-server.js';
import { storeReadiness } from '../observability/readiness.js';
import { INTELLIGENCE_QUEUE } from '../queue/bullmq-queue.js';
import { RecognitionHandoffs } from '../queue/recognition-handoff.js';
import { ScheduledEngines } from '../queue/scheduled-engines.js';
import { FieldCipher } from '../store/encryption/field-cipher.js';
import { backgroundRedis, redisOptions } from '../queue/redis.js';
import { TranscriptWorker } from '../queue/worker.js';
import { QueuedWebhooks } from '../queue/webhook-queue.js';
import type { Store } from '../store/store.js';
import { WebhookSender } from '../webhooks/sender.js';
import { jobLimits, type EarshotConfig } from './config.js';
import { Closer, openProcessStore, processLogger, storeLoggerOf } from './process-parts.js';
import { readiness, redactedAudioStore, redisErrorLog, redisReadiness, requireScaleOutSettings, transcriptQueue, uploadVault, type ProcessReadiness } from './scale-out.js';
import { webhookSecret } from './webhook-secret.js';

/**
 * Which stage queues a worker takes jobs from: `asr` (decode, speech detection, recognition,
 * speaker features), `intelligence` (formatting, speakers, redaction, analyses) or both.
 */
export const WORKER_STAGES = ['all', 'asr', 'intelligence'] as const;
export type WorkerStages = (typeof WORKER_STAGES)[number];

/** Webhook attempts in flight at once per worker: each is one short HTTP request. */
const WEBHOOK_CONCURRENCY = 4;

export interface WorkerProcess {
  store: Store;
  /** Database and Redis answer. */
  ready(): Promise<ProcessReadiness>;
  /** Where /metrics, /healthz and /readyz answer, when a metrics port was set. */
  probeUrl?: string;
  /** SIGTERM: stops taking jobs, lets running ones finish for `drainMs`, hands the rest back. Idempotent. */
  close(): Promise<void>;
}

export interface WorkerProcessOptions {
  stages: WorkerStages;
  logger?: Logger;
  /** Where jobs get their speech engine; one per process by default, segments scheduled fairly. */
  engines?: ScheduledEngines;
}

/**
 * `earshot worker` (issue 12): takes transcript jobs from BullMQ, reads their audio from the Redis
 * vault, writes results to Postgres, and delivers webhooks as queue jobs. Any number of workers
 * share one queue; a worker killed mid-job has its job finished by another (bullmq-queue.ts).
 */
export async function startWorkerProcess(config: EarshotConfig, options: WorkerProcessOptions): Promise<WorkerProcess> {
  const { redisUrl } = requireScaleOutSettings(config, 'worker');
  const recognises = options.stages !== 'intelligence';
  const analyses = options.stages !== 'asr';
  const logger = options.logger ?? processLogger(config);
  const closer = new Closer(logger);
  try {
    const { store, keyring } = await openProcessStore(config, logger);
    closer.add(() => store.close());

    // Commands wait out a dropped connection instead of failing the job that issued them.
    const redis = backgroundRedis(redisUrl, `${config.queuePrefix}:worker`);
    const redisLog = redisErrorLog(logger, 'worker');
    redis.on('error', redisLog.onError).on('ready', redisLog.onReady);
    closer.add(() => void redis.disconnect());
    const vault = uploadVault(config, redis, keyring);

    const engines = options.engines ?? new ScheduledEngines(config.projectPriorities, config.decoders ? { parallelism: config.decoders } : {});
    closer.add(() => engines.close());
    if (recognises) {
      try {
        await engines.get(DEFAULT_ENGINE);
      } catch (err) {
        logger.warn(`speech engine ${DEFAULT_ENGINE} is not ready: ${(err as Error).message}`);
      }
    }

    const connection = redisOptions(redisUrl, `${config.queuePrefix}:worker`);
    const webhooks = new QueuedWebhooks({
      producer: redis,
      connection,
      prefix: config.queuePrefix,
      store,
      sender: new WebhookSender({
        secret: config.webhookSecret ?? (await webhookSecret(config.dataDir, storeLoggerOf(logger))),
        maxAttempts: config.webhookMaxAttempts,
        baseDelayMs: config.webhookBaseDelayMs,
        allowPrivateNetworks: config.allowPrivateUrls,
      }),
      maxAttempts: config.webhookMaxAttempts,
      lockMs: config.jobLockMs,
      stalledCheckMs: config.stalledCheckMs,
      onError: redisLog.onError,
    });
    closer.add(() => webhooks.close());
    // Both queues are closed first (last in): running jobs finish, hand on or schedule their
    // webhooks before the rest goes.
    const queue = transcriptQueue(config, redis, connection, redisLog.onError);
    closer.add(() => queue.close());
    const analysis = transcriptQueue(config, redis, connection, redisLog.onError, INTELLIGENCE_QUEUE);
    closer.add(() => analysis.close());
    const handoffs = new RecognitionHandoffs({ redis, cipher: new FieldCipher(keyring), prefix: config.queuePrefix, ttlMs: config.queuedUploadTtlMs });

    const observability = new Observability();
    let probeUrl: string | undefined;
    if (config.metricsPort !== undefined) {
      const probe = await startProbeServer({ port: config.metricsPort, host: config.host, metrics: observability.metrics, readiness: [storeReadiness(store), redisReadiness(redis)] });
      closer.add(() => probe.close());
      probeUrl = probe.url;
    }
    const worker = new TranscriptWorker({
      store,
      vault,
      leases: vault,
      engines,
      queue,
      webhooks,
      remote: { maxBytes: config.remoteMaxBytes, timeoutMs: config.remoteTimeoutMs, allowPrivateNetworks: config.allowPrivateUrls, budget: new ByteBudget(config.maxUploadMemoryBytes) },
      limits: jobLimits(config),
      logger,
      redactedAudio: redactedAudioStore(config, redis, keyring),
      llm: llmConfigFromEnv(),
      takeOver: true,
      onJobEvent: observability.jobs.handle,
      schedule: (ticket, work) => engines.run(ticket, work),
      stages: { handoffs, analysis },
    });
    const resubmitted = await worker.resubmitUnfinished();
    webhooks.deliver(WEBHOOK_CONCURRENCY);
    // An `all` worker runs whole jobs, as serve does (no hand-off through Redis); it also takes up
    // what `asr` workers hand on. Queues are labelled by what they hold: the entry queue is `asr`.
    if (recognises) observability.instrument(queue, 'asr').process(analyses ? worker.handle : worker.handleRecognition, config.concurrency);
    if (analyses) observability.instrument(analysis, 'intelligence').process(worker.handleAnalysis, config.concurrency);
    logger.info(`earshot worker ready: ${config.concurrency} job(s) at once per stage, stages ${options.stages}, ${resubmitted} unfinished transcript(s) submitted`);
    return { store, probeUrl, ready: () => readiness(store, redis, config.redisTimeoutMs), close: () => closer.close() };
  } catch (err) {
    await closer.close();
    throw err;
  }
}
