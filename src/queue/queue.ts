/**
 * The job queue between the API (producer) and the orchestrator (consumer). Embedded mode uses
 * the in-process queue; scale-out mode swaps in a Redis-backed one behind the same interface.
 */
export type JobHandler = (transcriptId: string, signal: AbortSignal) => Promise<void>;

export interface JobQueue {
  enqueue(transcriptId: string): Promise<void>;
  /** Starts consuming with at most `concurrency` jobs at once. */
  process(handler: JobHandler, concurrency: number): void;
  /** Jobs waiting plus running. */
  depth(): number;
  /** Stops taking jobs, aborts running ones, and resolves when they have settled. Idempotent. */
  close(): Promise<void>;
}
