import type { JobHandler, JobQueue } from './queue.js';

/**
 * In-process queue for the embedded server. Durability comes from the store, not from here: a
 * job left queued or processing when the process dies is found again by the orchestrator's
 * recovery on the next start.
 *
 * Fair between projects: each project waits in a lane of its own and a free slot takes the next
 * job of the next project in turn, so one project's backlog of a thousand jobs delays another's
 * single job by at most one job per busy slot, not by the thousand.
 */
export class MemoryQueue implements JobQueue {
  /** Project → its waiting jobs, oldest first. Map order is the turn order: served lanes move to the back. */
  private readonly lanes = new Map<string, string[]>();
  private waitingJobs = 0;
  private running = 0;
  private handler?: JobHandler;
  private concurrency = 1;
  private closed?: Promise<void>;
  private readonly aborter = new AbortController();
  private readonly inFlight = new Set<Promise<void>>();

  async enqueue(transcriptId: string, projectId: string): Promise<void> {
    if (this.closed) throw new Error('queue is closed');
    const lane = this.lanes.get(projectId);
    if (lane) lane.push(transcriptId);
    else this.lanes.set(projectId, [transcriptId]);
    this.waitingJobs++;
    this.pump();
  }

  process(handler: JobHandler, concurrency: number): void {
    this.handler = handler;
    this.concurrency = Math.max(1, concurrency);
    this.pump();
  }

  depth(): number {
    return this.waitingJobs + this.running;
  }

  async backlog(projectId: string): Promise<number> {
    return this.lanes.get(projectId)?.length ?? 0;
  }

  /** The oldest job of the project whose turn it is; that project goes to the back of the turn order. */
  private next(): string | undefined {
    const turn = this.lanes.entries().next();
    if (turn.done) return undefined;
    const [projectId, lane] = turn.value;
    const id = lane.shift()!;
    this.lanes.delete(projectId);
    if (lane.length > 0) this.lanes.set(projectId, lane);
    this.waitingJobs--;
    return id;
  }

  private pump(): void {
    while (this.handler && !this.closed && this.running < this.concurrency && this.waitingJobs > 0) {
      const id = this.next()!;
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
      this.lanes.clear();
      this.waitingJobs = 0;
      this.aborter.abort();
      await Promise.all(this.inFlight);
    })();
    return this.closed;
  }
}
