/**
 * The job queue between the API (producer) and the orchestrator (consumer). Embedded mode uses
 * the in-process queue (memory-queue.ts); scale-out mode BullMQ on Redis (bullmq-queue.ts).
 */
export type JobHandler = (transcriptId: string, signal: AbortSignal, delivery?: JobDelivery) => Promise<void>;

/** How often the queue has handed this job out, counting this time (1 on the first delivery). */
export interface JobDelivery {
  attempt: number;
}

export interface JobQueue {
  /** Queues a transcript; each project's jobs take turns with every other project's (docs/limits.md). */
  enqueue(transcriptId: string, projectId: string): Promise<void>;
  /** Starts consuming with at most `concurrency` jobs at once. */
  process(handler: JobHandler, concurrency: number): void;
  /** Jobs waiting plus running. */
  depth(): number;
  /** The project's jobs queued or running (its queued-jobs quota counts these). */
  backlog(projectId: string): Promise<number>;
  /**
   * Stops taking jobs, ends running ones and resolves when they have settled: MemoryQueue aborts
   * them at once, BullmqQueue lets them finish for a while, then hands them back. Idempotent.
   */
  close(): Promise<void>;
}
