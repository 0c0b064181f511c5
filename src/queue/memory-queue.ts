import type { JobHandler, JobQueue } from './queue.js';

/**
 * In-process queue for the embedded server. Durability comes from the store, not from here: a
 * job left queued or processing when the process dies is found again by the orchestrator's
 * recovery on the next start.
 *
 * Fair between projects: each project waits in a lane of its own and a free slot takes the oldest
 * job of the project whose last job started longest ago (one with nothing started yet goes
 * first), so one project's backlog of a thousand jobs delays another's single job by at most one
 * job per busy slot, not by the thousand.
 */
export class MemoryQueue implements JobQueue {
  /** Project → its waiting jobs, oldest first (ties in `lastStart` go to the lane made first). */
  private readonly lanes = new Map<string, string[]>();
  /** Project → when its latest job started (a counter), while it has jobs waiting or running. */
  private readonly lastStart = new Map<string, number>();
  private readonly runningOf = new Map<string, number>();
  private starts = 0;
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
    return (this.lanes.get(projectId)?.length ?? 0) + (this.runningOf.get(projectId) ?? 0);
  }

  /** The project whose turn it is: the one whose latest job started longest ago. */
  private nextProject(): string {
    let chosen = '';
    let chosenStart = Infinity;
    for (const projectId of this.lanes.keys()) {
      const started = this.lastStart.get(projectId) ?? -1;
      if (started < chosenStart) [chosen, chosenStart] = [projectId, started];
    }
    return chosen;
  }

  private pump(): void {
    while (this.handler && !this.closed && this.running < this.concurrency && this.waitingJobs > 0) {
      const projectId = this.nextProject();
      const lane = this.lanes.get(projectId)!;
      const id = lane.shift()!;
      if (lane.length === 0) this.lanes.delete(projectId);
      this.waitingJobs--;
      this.lastStart.set(projectId, ++this.starts);
      this.runningOf.set(projectId, (this.runningOf.get(projectId) ?? 0) + 1);
      this.running++;
      const job = this.handler(id, this.aborter.signal)
        .catch(() => {
          // The handler records failures in the store; nothing more to do here.
        })
        .finally(() => {
          this.running--;
          this.finished(projectId);
          this.inFlight.delete(job);
          this.pump();
        });
      this.inFlight.add(job);
    }
  }

  /** A project with nothing waiting or running is forgotten: its next job counts as its first. */
  private finished(projectId: string): void {
    const left = (this.runningOf.get(projectId) ?? 1) - 1;
    if (left > 0) return void this.runningOf.set(projectId, left);
    this.runningOf.delete(projectId);
    if (!this.lanes.has(projectId)) this.lastStart.delete(projectId);
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
