import { DelayedError, Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { JobHandler, JobQueue } from './queue.js';
import { queueUnavailable, type RedisConnectionOptions } from './redis.js';
import { MAX_STARTS } from './worker.js';

/** BullMQ's lowest priority (2^21); a backlog deeper than this shares it. */
const MAX_PRIORITY = 2 ** 21;

/** Where transcripts enter: recognition (or the whole job, for `earshot serve`-style workers). */
export const TRANSCRIPT_QUEUE = 'transcripts';
/** Where recognised transcripts wait for their intelligence stage (worker.ts hand-off). */
export const INTELLIGENCE_QUEUE = 'intelligence';

export interface BullmqQueueOptions {
  /** The BullMQ queue's name; TRANSCRIPT_QUEUE by default. */
  name?: string;
  /** The client jobs are added with (an api process's fails fast: see requestPathRedis). */
  producer: Redis;
  /** Options for the worker's own connections (BullMQ opens them; they block while waiting for jobs). */
  connection: RedisConnectionOptions;
  prefix: string;
  /** See EarshotConfig.jobLockMs / stalledCheckMs / drainMs. */
  lockMs: number;
  stalledCheckMs: number;
  drainMs: number;
  onError(err: Error): void;
}

/**
 * The scale-out queue (issue 12): BullMQ on Redis. Job id = transcript id, so submitting a
 * transcript twice is a no-op. A worker's claim is a lock it renews while the job runs; when it
 * dies the lock lapses, another worker's stalled-job check puts the job back, and that worker takes
 * the transcript over (the store's conditional updates decide which completion counts).
 */
export class BullmqQueue implements JobQueue {
  private readonly queue: Queue;
  private worker?: Worker;
  private readonly aborter = new AbortController();
  private lastDepth = 0;
  private depthAsked = 0;
  private closed?: Promise<void>;

  constructor(private readonly options: BullmqQueueOptions) {
    this.queue = new Queue(this.name, { connection: options.producer, prefix: options.prefix });
    this.queue.on('error', options.onError);
  }

  get name(): string {
    return this.options.name ?? TRANSCRIPT_QUEUE;
  }

  /**
   * Fair between projects by priority: a job's priority is its place among its project's
   * unfinished jobs when it arrives (BullMQ serves priority 1 first, FIFO within a priority). A
   * project's third unfinished job is served in the third round, after every other project's
   * first and second, whoever arrived first: round-robin by position, decided at admission, so
   * workers need no coordination. The count per project is a Redis hash, up here and down when a
   * job completes or fails for good (see backlog()).
   */
  async enqueue(transcriptId: string, projectId: string): Promise<void> {
    try {
      const existing = await this.queue.getJob(transcriptId);
      if (existing) {
        // A job whose retries ran out (the database was down for long) keeps its id in the failed
        // set, where a new add is ignored: submitting the unfinished transcript again revives it.
        if (await existing.isFailed()) await existing.retry('failed');
        return;
      }
      const place = await this.options.producer.hincrby(this.backlogKey, projectId, 1);
      await this.queue.add(this.name, { projectId }, {
        jobId: transcriptId,
        priority: Math.min(place, MAX_PRIORITY),
        // A handler that throws met the database or Redis down (failures of the job itself are
        // stored, not thrown): try again later rather than lose the job.
        attempts: 5,
        backoff: { type: 'exponential', delay: 2000 },
        // Kept a day so a late duplicate submission still finds the id and is ignored.
        removeOnComplete: { age: 24 * 3600 },
        removeOnFail: { age: 7 * 24 * 3600 },
      });
    } catch (err) {
      throw queueUnavailable(err);
    }
  }

  /**
   * The project's jobs queued or running, across every process. Counted, not scanned: an api
   * process that died between counting a job and adding it leaves the count one high (that
   * project's later jobs then wait one round longer).
   */
  async backlog(projectId: string): Promise<number> {
    try {
      return Math.max(0, Number((await this.options.producer.hget(this.backlogKey, projectId)) ?? 0));
    } catch (err) {
      throw queueUnavailable(err);
    }
  }

  private get backlogKey(): string {
    return `${this.options.prefix}:backlog:${this.name}`;
  }

  /** The job left its project's backlog for good (completed, or failed with no retry left). */
  private async finished(job: Job): Promise<void> {
    const projectId = (job.data as { projectId?: unknown }).projectId;
    if (typeof projectId !== 'string') return;
    const left = await this.options.producer.hincrby(this.backlogKey, projectId, -1);
    if (left <= 0) await this.options.producer.hdel(this.backlogKey, projectId);
  }

  process(handler: JobHandler, concurrency: number): void {
    const signal = this.aborter.signal;
    this.worker = new Worker(
      this.name,
      async (job, token) => {
        await handler(job.id!, signal, { attempt: job.attemptsStarted });
        if (signal.aborted) {
          // Shutting down mid-job: straight back to the queue for another worker.
          await job.moveToDelayed(Date.now(), token);
          throw new DelayedError();
        }
      },
      {
        connection: this.options.connection,
        prefix: this.options.prefix,
        concurrency: Math.max(1, concurrency),
        lockDuration: this.options.lockMs,
        stalledInterval: this.options.stalledCheckMs,
        // The store fails a transcript started MAX_STARTS times (worker.ts claim); one more
        // delivery lets that happen instead of BullMQ failing the job with the row left processing.
        maxStalledCount: MAX_STARTS,
      },
    );
    this.worker.on('error', this.options.onError);
    const countDown = (job: Job | undefined) => void (job && this.finished(job).catch(this.options.onError));
    this.worker.on('completed', countDown);
    this.worker.on('failed', (job) => job && job.attemptsMade >= (job.opts.attempts ?? 1) && countDown(job));
  }

  /** Waiting, delayed and running jobs of every worker, as last counted (refreshed at most once a second). */
  depth(): number {
    if (Date.now() - this.depthAsked > 1000) {
      this.depthAsked = Date.now();
      this.queue.getJobCounts('waiting', 'delayed', 'active', 'prioritized').then(
        (counts) => (this.lastDepth = Object.values(counts).reduce((a, b) => a + b, 0)),
        () => {},
      );
    }
    return this.lastDepth;
  }

  /** Jobs waiting in Redis and the workers consuming them, for the scaling advice (GET /v2/scale). */
  async load(): Promise<{ waiting: number; workers: number }> {
    const [counts, workers] = await Promise.all([this.queue.getJobCounts('waiting', 'delayed', 'prioritized'), this.queue.getWorkersCount()]);
    return { waiting: Object.values(counts).reduce((a, b) => a + b, 0), workers };
  }

  /**
   * Stops taking jobs; running ones get `drainMs` to finish, then are aborted and handed back to
   * the queue (SIGTERM drains: issue 12 item 5).
   */
  close(): Promise<void> {
    this.closed ??= (async () => {
      if (this.worker) {
        const timer = setTimeout(() => this.aborter.abort(), this.options.drainMs);
        try {
          await this.worker.close();
        } finally {
          clearTimeout(timer);
        }
      }
      await this.queue.close();
    })();
    return this.closed;
  }
}
