/**
 * One process's observability, created once by the composition root and handed to the HTTP
 * layer and the worker: its metrics registry, arrival history, throughput window and job observer.
 * `earshot api` and `earshot worker` create their own the same way.
 */
import type { JobQueue } from '../queue/queue.js';
import { ArrivalHistory } from './arrivals.js';
import { InstrumentedQueue } from './instrumented-queue.js';
import { JobObserver } from './job-observer.js';
import { EarshotMetrics } from './metrics.js';
import type { Readiness } from './readiness.js';
import type { StageLoad } from './scale-advice.js';
import { ThroughputWindow } from './throughput.js';

/** What the HTTP layer needs for /metrics, /readyz and GET /v2/scale. */
export interface ApiObservability {
  metrics: EarshotMetrics;
  /** Dependencies /readyz checks, the database first. */
  readiness: readonly Readiness[];
  /** The load on each worker stage now, for GET /v2/scale. */
  scaleLoads(): Promise<StageLoad[]> | StageLoad[];
  /** API keys allowed on admin endpoints (EARSHOT_ADMIN_KEYS). */
  adminKeys: readonly string[];
}

export class Observability {
  readonly metrics = new EarshotMetrics();
  readonly arrivals = new ArrivalHistory();
  readonly throughput = new ThroughputWindow();
  readonly jobs = new JobObserver(this.metrics, this.throughput);

  instrument(queue: JobQueue, stage: string): InstrumentedQueue {
    return new InstrumentedQueue(queue, stage, this.metrics, this.arrivals);
  }

  /**
   * `serve`'s load: one in-process queue whose every job needs both worker stages, so each stage
   * sees the whole queue; the advice says how a split deployment would size each pool.
   */
  embeddedLoads(queue: InstrumentedQueue, slots: number): StageLoad[] {
    const { perMinute, thisMinute } = this.arrivals.snapshot();
    return ['asr', 'intelligence'].map((stage) => ({
      stage,
      queueDepth: queue.waiting(),
      currentWorkers: 1,
      slotsPerWorker: slots,
      arrivalsPerMinute: perMinute,
      arrivalsThisMinute: thisMinute,
      work: this.throughput.work(stage),
    }));
  }
}
