/**
 * Per-project quotas (issue 15 item 3): what one project may ask of the server at once, so a
 * single busy or careless client cannot take every tenant's share. Each is answered with 429, a
 * `retry-after` and a message naming the quota and its setting (docs/limits.md).
 */
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { EarshotError, isEarshotError } from '../errors.js';
import type { JobQueue } from '../queue/queue.js';

/** A second is the finest `retry-after`; a busy queue or a long /v1 request rarely clears sooner. */
const RETRY_QUEUED_SECONDS = 30;
const RETRY_REQUESTS_SECONDS = 5;

/**
 * Requests per minute per project on every authenticated route (/v2, /v1), by
 * `@fastify/rate-limit`: in this process's memory, or in Redis when several api processes share
 * the load (a fixed one-minute window per project). Unauthenticated requests are not counted:
 * they are refused by the auth hook before this runs, and /health, /docs and the web app need no
 * key. When Redis does not answer, requests pass rather than fail (the route itself reports the
 * outage if it needs Redis).
 */
export async function installRateLimit(app: FastifyInstance, perMinute: number, shared?: { redis: Redis; prefix: string }): Promise<void> {
  if (perMinute <= 0) return;
  await app.register(rateLimit, {
    global: true,
    max: perMinute,
    timeWindow: 60_000,
    // After the auth hooks (onRequest), so the key is the caller's project.
    hook: 'preHandler',
    keyGenerator: (request) => request.auth?.projectId ?? request.ip,
    allowList: (request) => request.auth === null,
    ...(shared ? { redis: shared.redis, nameSpace: `${shared.prefix}:rate:`, skipOnError: true } : {}),
    errorResponseBuilder: (_request, context) =>
      new EarshotError('rate_limited', `Too many requests: this project may send ${context.max} per minute (EARSHOT_QUOTA_REQUESTS_PER_MINUTE); retry in ${context.after}.`, {
        retryAfterSeconds: context.ttl / 1000,
      }),
  });
}

/** Refuses a new transcript when its project already has `quota` queued or processing (0: no quota). */
export async function checkQueuedJobs(queue: JobQueue, projectId: string, quota: number): Promise<void> {
  if (quota <= 0) return;
  let unfinished: number;
  try {
    unfinished = await queue.backlog(projectId);
  } catch (err) {
    // Redis is out: the enqueue that follows meets it too, and answers for the request as before.
    if (isEarshotError(err, 'queue_unavailable')) return;
    throw err;
  }
  if (unfinished >= quota) {
    throw new EarshotError('quota_exceeded', `Too many queued transcripts: this project has ${unfinished} queued or processing (the limit is ${quota}, EARSHOT_QUOTA_QUEUED_JOBS); submit more once some have finished.`, {
      retryAfterSeconds: RETRY_QUEUED_SECONDS,
    });
  }
}

/** Requests of one kind running at once per project, in this process (0: no quota). */
export class ProjectSlots {
  private readonly inUse = new Map<string, number>();

  constructor(
    private readonly quota: number,
    /** Names the requests and the setting in the refusal. */
    private readonly what: string,
  ) {}

  /** Takes a slot, or throws `quota_exceeded`; the returned function gives it back (idempotent). */
  acquire(projectId: string): () => void {
    const mine = this.inUse.get(projectId) ?? 0;
    if (this.quota > 0 && mine >= this.quota) {
      throw new EarshotError('quota_exceeded', `Too many ${this.what} at once: this project already runs ${mine} (the limit is ${this.quota}); retry when one has finished.`, {
        retryAfterSeconds: RETRY_REQUESTS_SECONDS,
      });
    }
    this.inUse.set(projectId, mine + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.inUse.get(projectId) ?? 1) - 1;
      if (left > 0) this.inUse.set(projectId, left);
      else this.inUse.delete(projectId);
    };
  }
}
