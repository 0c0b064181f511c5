import type { JobHandler, JobQueue } from './queue.js';

/**
 * In-process queue for the embedded server. Durability comes from the store, not from here: a
 * job left queued or processing when the process dies is found again by the orchestrator's
 * recovery on the next start.
 */
export class MemoryQueue implements JobQueue {
  private readonly waiting: string[] = [];
  private running = 0;
  private handler?: JobHandler;
  private concurrency = 1;
  private closed?: Promise<void>;
  private readonly aborter = new AbortController();
  private readonly inFlight = new Set<Promise<void>>();

  async enqueue(transcriptId: string): Promise<void> {
    if (this.closed) throw new Error('queue is closed');
    this.waiting.push(transcriptId);
    this.pump();
  }

  process(handler: JobHandler, concurrency: number): void {
    this.handler = handler;
    this.concurrency = Math.max(1, concurrency);
    this.pump();
  }

  depth(): number {
    return this.waiting.length + this.running;
  }

  private pump(): void {
    while (this.handler && !this.closed && this.running < this.concurrency && this.waiting.length > 0) {
      const id = this.waiting.shift()!;
      this.running++;
      const job = this.handler(id, this.aborter.signal)
        .catch(() => {
          // The handler records failures in the store; nothing more to do here.
        })
        .finally(() => {
          this.running--;
          this.inFlight.delete(job);
          this.pump();
        });
      this.inFlight.add(job);
    }
  }

  close(): Promise<void> {
    this.closed ??= (async () => {
      this.waiting.length = 0;
      this.aborter.abort();
      await Promise.all(this.inFlight);
    })();
    return this.closed;
  }
}
