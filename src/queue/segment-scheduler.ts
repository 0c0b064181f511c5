/**
 * Segment-level scheduling of recognition (issue #12 item 3). Jobs are admitted to decoding and
 * VAD together, and each one's speech segments come here instead of going straight to the
 * engine's decoders: the scheduler keeps every decoder busy and, whenever one frees up, gives it
 * the next segment of the next tenant in turn (and, within a tenant, of the next job in turn).
 * A ten-second upload behind several two-hour ones then waits for a few segments, not for
 * hours, one tenant's backlog never starves another's, and one long file alone still has all
 * the decoders for its segments.
 */
import { EarshotError } from '../errors.js';
import type { IncrementalRecognizer, Recognition, RecognizeOptions, SpeechEngine } from '../engines/engine.js';

export interface SchedulerTicket {
  /** Fairness is between tenants first (a project / API key), then between a tenant's jobs. */
  tenant: string;
  job: string;
}

export interface SegmentSchedulerOptions {
  /** Segments recognised at once: the engine's decoders (more would only queue inside it). */
  slots: number;
  /**
   * Turns in a row a tenant gets per round (default 1): a tenant with 3 gets three segments
   * decoded for every one of a tenant with 1 while both have work waiting.
   */
  priorities?: Readonly<Record<string, number>>;
}

export interface SchedulerStats {
  running: number;
  waiting: number;
  /** Tenants with segments waiting. */
  tenants: number;
}

interface Task {
  start(): Promise<void>;
  cancel(reason: unknown): void;
}

interface JobLine {
  job: string;
  tasks: Task[];
}

interface TenantLine {
  tenant: string;
  /** Jobs with waiting segments, served in turn. */
  jobs: JobLine[];
  /** Turns left in this round (weighted round robin). */
  credit: number;
}

export class SegmentScheduler {
  /** Tenants with waiting segments, in turn order: the head is served next. */
  private readonly ring: TenantLine[] = [];
  private running = 0;
  private waiting = 0;
  private closed = false;

  constructor(
    private readonly engine: SpeechEngine,
    private readonly options: SegmentSchedulerOptions,
  ) {
    if (!Number.isInteger(options.slots) || options.slots < 1) {
      throw new EarshotError('config_invalid', `The segment scheduler needs at least one slot (got ${options.slots}).`);
    }
    for (const [tenant, p] of Object.entries(options.priorities ?? {})) {
      if (!Number.isInteger(p) || p < 1) throw new EarshotError('config_invalid', `Priority of "${tenant}" must be a whole number of at least 1 (got ${p}).`);
    }
  }

  /**
   * The engine as one job sees it: recognize() waits for its turn here; streams and everything
   * else go straight to the engine (real-time sessions hold decoders of their own).
   */
  engineFor(ticket: SchedulerTicket): SpeechEngine {
    const engine = this.engine;
    const submit = <T>(work: () => Promise<T>) => this.submit(ticket, work);
    return {
      name: engine.name,
      model: engine.model,
      recognize: (pcm: Int16Array, options?: RecognizeOptions): Promise<Recognition> => submit(() => engine.recognize(pcm, options)),
      createRecognizer: (options?: RecognizeOptions): Promise<IncrementalRecognizer> => engine.createRecognizer(options),
      // The engine belongs to the process, not to the job.
      close: async () => {},
    };
  }

  get stats(): SchedulerStats {
    return { running: this.running, waiting: this.waiting, tenants: this.ring.length };
  }

  /** Refuses new segments and fails waiting ones (their jobs see a retryable error); running ones finish. */
  close(): void {
    this.closed = true;
    for (const line of this.ring.splice(0)) {
      for (const job of line.jobs) for (const task of job.tasks) task.cancel(closedError());
    }
    this.waiting = 0;
  }

  private submit<T>(ticket: SchedulerTicket, work: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(closedError());
    return new Promise<T>((resolve, reject) => {
      // Through a resolved promise, so even a synchronous throw frees the slot.
      this.enqueue(ticket, { start: () => Promise.resolve().then(work).then(resolve, reject), cancel: reject });
      this.pump();
    });
  }

  private enqueue(ticket: SchedulerTicket, task: Task): void {
    // Newcomers go first: they have waited for nothing yet, while everyone in the ring has just
    // had a turn or is about to; a tenant with a backlog is then never ahead of a fresh request.
    let line = this.ring.find((t) => t.tenant === ticket.tenant);
    if (!line) {
      line = { tenant: ticket.tenant, jobs: [], credit: this.priorityOf(ticket.tenant) };
      this.ring.unshift(line);
    }
    let job = line.jobs.find((j) => j.job === ticket.job);
    if (!job) {
      job = { job: ticket.job, tasks: [] };
      line.jobs.unshift(job);
    }
    job.tasks.push(task);
    this.waiting++;
  }

  private pump(): void {
    while (this.running < this.options.slots && this.ring.length > 0) {
      const task = this.next();
      this.waiting--;
      this.running++;
      void task.start().finally(() => {
        this.running--;
        this.pump();
      });
    }
  }

  /** The head tenant's next job's oldest segment; rotates jobs and, when its turns are used, tenants. */
  private next(): Task {
    const line = this.ring[0];
    const job = line.jobs.shift()!;
    const task = job.tasks.shift()!;
    if (job.tasks.length > 0) line.jobs.push(job);
    line.credit--;
    if (line.jobs.length === 0) {
      this.ring.shift();
    } else if (line.credit <= 0) {
      line.credit = this.priorityOf(line.tenant);
      this.ring.push(this.ring.shift()!);
    }
    return task;
  }

  private priorityOf(tenant: string): number {
    return this.options.priorities?.[tenant] ?? 1;
  }
}

function closedError(): EarshotError {
  return new EarshotError('queue_unavailable', 'The worker is shutting down, so this segment was not recognised; the job goes back to the queue.');
}
