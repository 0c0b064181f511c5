import { Redis } from 'ioredis';
import pg from 'pg';
import { isEarshotError } from '../errors.js';
import { redisOptions } from '../queue/redis.js';
import { aborted, type Check, type CheckResult, fail, ok } from './check.js';

/** A URL with its password hidden, for printing. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//***@');
  }
}

/** Connects to the Postgres URL `serve` would use and runs `select 1`; closes on time-out. */
export function postgresCheck(url: string, timeoutMs: number): Check {
  return {
    name: 'database',
    run: async (signal) => {
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
      // pg emits 'error' for a connection that breaks after connect; the result below reports it.
      client.on('error', () => {});
      try {
        const version = await Promise.race([
          (async () => {
            await client.connect();
            return (await client.query<{ server_version: string }>('show server_version')).rows[0].server_version;
          })(),
          aborted(signal),
        ]);
        return ok(`${redactUrl(url)} answers (Postgres ${version})`);
      } catch (error) {
        return fail(`${redactUrl(url)}: ${describe(error)}`, 'start Postgres or correct --database / EARSHOT_DATABASE_URL (postgres://user:password@host:5432/db)');
      } finally {
        void client.end().catch(() => {});
      }
    },
  };
}

/** Connects to the Redis of `earshot api` / `worker` and sends PING, without retrying. */
export function redisCheck(url: string, timeoutMs: number): Check {
  return {
    name: 'redis',
    run: async (signal): Promise<CheckResult> => {
      let client: Redis;
      try {
        client = new Redis({
          ...redisOptions(url, 'earshot-doctor'),
          lazyConnect: true,
          connectTimeout: timeoutMs,
          commandTimeout: timeoutMs,
          maxRetriesPerRequest: 0,
          enableOfflineQueue: false,
          retryStrategy: () => null,
        });
      } catch (error) {
        if (!isEarshotError(error)) throw error;
        return fail(error.message, 'use redis://host:6379 in --redis / EARSHOT_REDIS_URL');
      }
      // With retries off, connect() rejects with "Connection is closed"; the cause came as an event.
      let cause: unknown;
      client.on('error', (error) => (cause ??= error));
      try {
        const answer = await Promise.race([(async () => (await client.connect(), client.ping()))(), aborted(signal)]);
        return ok(`${redactUrl(url)} answers ${answer}`);
      } catch (error) {
        return fail(`${redactUrl(url)}: ${describe(cause ?? error)}`, 'start Redis or correct --redis / EARSHOT_REDIS_URL');
      } finally {
        client.disconnect();
      }
    },
  };
}

function describe(error: unknown): string {
  const e = error as NodeJS.ErrnoException & { errors?: Error[] };
  // Node reports a refused dual-stack connect as an AggregateError with an empty message.
  const inner = e.errors?.map((x) => x.message).join('; ');
  return e.message || inner || e.code || String(error);
}
