/**
 * A JobQueue that reports to the metrics and the arrival history while passing everything through
 * to the queue it wraps: arrivals (enqueue), time waited (enqueue → handler start), and jobs
 * waiting or running. Exact for the in-process queue, where one process both enqueues and runs;
 * a queue shared by several processes reports wait time from its own job timestamps instead.
 */
import type { JobHandler, JobQueue } from '../queue/queue.js';
import type { ArrivalHistory } from './arrivals.js';
import type { EarshotMetrics } from './metrics.js';

export class InstrumentedQueue implements JobQueue {
  private readonly enqueuedAt = new Map<string, number>();
  private runningJobs = 0;

  constructor(
    private readonly inner: JobQueue,
    private readonly stage: string,
    private readonly metrics: EarshotMetrics,
    private readonly arrivals: ArrivalHistory,
  ) {
    // depth() counts waiting and running jobs; the gauge wants them apart.
    metrics.observeQueue(stage, { waiting: () => this.waiting(), running: () => this.runningJobs });
  }

  async enqueue(transcriptId: string, projectId: string): Promise<void> {
    // Before the inner enqueue: the in-process queue may start the handler within that call.
    this.enqueuedAt.set(transcriptId, performance.now());
    try {
      await this.inner.enqueue(transcriptId, projectId);
    } catch (err) {
      this.enqueuedAt.delete(transcriptId);
      throw err;
    }
    this.metrics.jobTransitions.inc({ status: 'queued' });
    this.arrivals.record();
  }

  process(handler: JobHandler, concurrency: number): void {
    this.inner.process(async (transcriptId, signal, delivery) => {
      const at = this.enqueuedAt.get(transcriptId);
      this.enqueuedAt.delete(transcriptId);
      if (at !== undefined) this.metrics.queueWait.observe({ stage: this.stage }, (performance.now() - at) / 1000);
      this.runningJobs++;
      try {
        await handler(transcriptId, signal, delivery);
      } finally {
        this.runningJobs--;
      }
    }, concurrency);
  }

  depth(): number {
    return this.inner.depth();
  }

  backlog(projectId: string): Promise<number> {
    return this.inner.backlog(projectId);
  }

  /** Jobs not yet started. */
  waiting(): number {
    return Math.max(0, this.inner.depth() - this.runningJobs);
  }

  close(): Promise<void> {
    this.enqueuedAt.clear();
    return this.inner.close();
  }
}
