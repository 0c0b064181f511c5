import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { EarshotError } from '../errors.js';
import type { Readiness } from '../observability/readiness.js';
import { BullmqQueue, TRANSCRIPT_QUEUE } from '../queue/bullmq-queue.js';
import { REDACTED_AUDIO_TTL_MS } from '../queue/redacted-audio.js';
import { RedisRedactedAudio } from '../queue/redis-redacted-audio.js';
import { RedisUploadVault } from '../queue/redis-upload-vault.js';
import { redisReachable, type RedisConnectionOptions } from '../queue/redis.js';
import { FieldCipher } from '../store/encryption/field-cipher.js';
import type { Keyring } from '../store/encryption/keyring.js';
import type { Store } from '../store/store.js';
import type { EarshotConfig } from './config.js';

/** What `earshot api` and `earshot worker` report for readiness (database and Redis answer). */
export interface ProcessReadiness {
  database: boolean;
  queue: boolean;
}

/** The settings both scale-out processes cannot run without, checked before anything starts. */
export function requireScaleOutSettings(config: EarshotConfig, process: 'api' | 'worker'): { redisUrl: string; databaseUrl: string } {
  const missing: string[] = [];
  if (!config.databaseUrl || !/^postgres(ql)?:\/\//i.test(config.databaseUrl)) missing.push('--database postgres://… (EARSHOT_DATABASE_URL)');
  if (!config.redisUrl) missing.push('--redis redis://… (EARSHOT_REDIS_URL)');
  if (missing.length > 0) {
    throw new EarshotError(
      'config_invalid',
      `earshot ${process} shares its work with other processes, so it needs ${missing.join(' and ')}; for one process on one machine use earshot serve.`,
    );
  }
  return { redisUrl: config.redisUrl!, databaseUrl: config.databaseUrl! };
}

export function uploadVault(config: EarshotConfig, redis: Redis, keyring: Keyring): RedisUploadVault {
  return new RedisUploadVault({
    redis,
    cipher: new FieldCipher(keyring),
    prefix: config.queuePrefix,
    ttlMs: config.uploadTtlMs,
    holdMs: config.queuedUploadTtlMs,
  });
}

export function redactedAudioStore(config: EarshotConfig, redis: Redis, keyring: Keyring): RedisRedactedAudio {
  return new RedisRedactedAudio({ redis, cipher: new FieldCipher(keyring), prefix: config.queuePrefix, ttlMs: REDACTED_AUDIO_TTL_MS });
}

/** A stage queue (transcripts by default) with the installation's lock, stall and drain settings, for api and worker alike. */
export function transcriptQueue(config: EarshotConfig, producer: Redis, connection: RedisConnectionOptions, onError: (err: Error) => void, name = TRANSCRIPT_QUEUE): BullmqQueue {
  return new BullmqQueue({
    name,
    producer,
    connection,
    prefix: config.queuePrefix,
    lockMs: config.jobLockMs,
    stalledCheckMs: config.stalledCheckMs,
    drainMs: config.drainMs,
    onError,
  });
}

/** Each answer bounded by `timeoutMs`, so a probe never hangs on a dead connection. */
export async function readiness(store: Store, redis: Redis, timeoutMs: number): Promise<ProcessReadiness> {
  const within = async (check: Promise<boolean>) => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    try {
      return await Promise.race([check.catch(() => false), late]);
    } finally {
      clearTimeout(timer);
    }
  };
  const [database, queue] = await Promise.all([within(store.ping().then(() => true)), within(redisReachable(redis))]);
  return { database, queue };
}

/**
 * Waits up to `timeoutMs` for a new connection to open, so the first requests don't fail while it
 * is still connecting (the api's client refuses commands until then). A Redis that is down is
 * reported and not waited for: requests answer 503 until it is back.
 */
export async function connected(redis: Redis, timeoutMs: number, logger: Logger): Promise<void> {
  if (redis.status === 'ready') return;
  let timer: NodeJS.Timeout | undefined;
  const ready = await new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
    redis.once('ready', () => resolve(true));
  });
  clearTimeout(timer);
  if (!ready) logger.warn(`Redis is not reachable yet; requests that need it answer 503 until it is`);
}

/**
 * Redis errors are logged once per outage, not per reconnection attempt: the clients reconnect by
 * themselves, and readiness reports the outage meanwhile.
 */
export function redisErrorLog(logger: Logger, what: string): { onError(err: Error): void; onReady(): void } {
  let down = false;
  return {
    onError: (err) => {
      if (down) return;
      down = true;
      logger.warn(`${what}: Redis unreachable (${err.message}); retrying in the background`);
    },
    onReady: () => {
      if (!down) return;
      down = false;
      logger.info(`${what}: Redis reachable again`);
    },
  };
}

/** /readyz's queue check for processes that share a Redis queue. */
export function redisReadiness(redis: Redis): Readiness {
  return {
    name: 'queue',
    check: async () => {
      if (!(await redisReachable(redis))) throw new Error('Redis does not answer; jobs cannot be queued or taken until it does');
    },
  };
}
