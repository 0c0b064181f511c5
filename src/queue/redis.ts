import { Redis, type RedisOptions } from 'ioredis';
import { EarshotError } from '../errors.js';

/** ioredis options that BullMQ accepts too (its type has no `null` retry strategy). */
export type RedisConnectionOptions = RedisOptions & { retryStrategy(times: number): number };

/**
 * `redis://[user:password@]host[:port][/db]` (or `rediss://` for TLS) as ioredis options. `name`
 * is the connection's CLIENT SETNAME, so an operator can tell Earshot's connections apart.
 */
export function redisOptions(url: string, name: string): RedisConnectionOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new EarshotError('config_invalid', `invalid Redis URL "${url}": use redis://host:6379 (EARSHOT_REDIS_URL or --redis)`, { cause });
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new EarshotError('config_invalid', `Redis URL "${parsed.host}" must start with redis:// or rediss://`);
  }
  const db = parsed.pathname.replace(/^\//, '');
  return {
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 6379,
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(db ? { db: Number(db) } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
    connectionName: name,
    // Reconnect forever, at most 2 s apart: a Redis that comes back is found again without a restart.
    retryStrategy: (times: number) => Math.min(times * 200, 2000),
  };
}

/**
 * A client for work done while an HTTP request waits: while Redis is unreachable commands fail at
 * once instead of queueing, and a command that gets no answer fails after `timeoutMs`, so the
 * request answers 503 (`queue_unavailable`) rather than hanging.
 */
export function requestPathRedis(url: string, name: string, timeoutMs: number): Redis {
  return new Redis({ ...redisOptions(url, name), enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: timeoutMs, lazyConnect: false });
}

/**
 * A client for a worker's own bookkeeping: commands issued while the connection is re-established
 * wait for it (a dropped connection mid-job costs a moment, not the job).
 */
export function backgroundRedis(url: string, name: string): Redis {
  return new Redis(redisOptions(url, name));
}

/** A Redis failure as the coded error the API maps to 503. */
export function queueUnavailable(err: unknown): EarshotError {
  return new EarshotError('queue_unavailable', `Redis (the job queue and upload store) is unreachable: ${(err as Error).message}. Retry shortly.`, { cause: err });
}

/** Runs a Redis command for a request or job; a lost connection becomes the coded 503 error. */
export async function inRedis<T>(command: () => Promise<T>): Promise<T> {
  try {
    return await command();
  } catch (err) {
    throw queueUnavailable(err);
  }
}

/** Whether Redis answers a PING within the client's limits (for readiness). */
export async function redisReachable(client: Redis): Promise<boolean> {
  try {
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  }
}
