/**
 * The process's Prometheus metrics (issue 12 item 6). One Registry per process, not prom-client's
 * global one, so tests can run several servers in one process and each scrape sees its own.
 *
 * No label ever carries a tenant, key, project or transcript id, nor a raw URL: /metrics is meant
 * for an unauthenticated scraper (docs/observability.md), and label values stay a small fixed set.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What a gauge reads at scrape time; several sources (queues, stages) may report under one metric. */
type Source = () => number | Promise<number>;

/** Seconds: from tens of milliseconds (a short stage) to an hour (a long file waiting). */
const DURATION_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900, 3600];
/** HTTP answers: milliseconds for reads, seconds for uploads. */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Wall time ÷ audio time: 0.05 is 20× faster than real time. */
const RTF_BUCKETS = [0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 5];

export class EarshotMetrics {
  readonly registry = new Registry();
  private readonly queueSources = new Map<string, { waiting: Source; running: Source }>();
  private streamSource: Source = () => 0;

  readonly queueWait = new Histogram({
    name: 'earshot_queue_wait_seconds',
    help: 'Time a job waited in the queue before a worker started it, per stage queue',
    labelNames: ['stage'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });
  readonly stageDuration = new Histogram({
    name: 'earshot_stage_duration_seconds',
    help: 'Busy time of one pipeline stage in one job (the pipeline graph\'s stage-end events)',
    labelNames: ['stage'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });
  readonly realtimeFactor = new Histogram({
    name: 'earshot_job_realtime_factor',
    help: 'Processing wall time divided by audio duration, per completed job (below 1: faster than real time)',
    buckets: RTF_BUCKETS,
    registers: [this.registry],
  });
  readonly audioSeconds = new Counter({
    name: 'earshot_audio_seconds_total',
    help: 'Seconds of audio in completed jobs',
    registers: [this.registry],
  });
  readonly jobTransitions = new Counter({
    name: 'earshot_job_transitions_total',
    help: 'Jobs entering each status: queued (enqueued), processing, completed, error',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });
  readonly webhookAttempts = new Counter({
    name: 'earshot_webhook_attempts_total',
    help: 'Webhook delivery attempts by result: ok (2xx) or failed (HTTP error, refused, timed out)',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly webhookGiveUps = new Counter({
    name: 'earshot_webhook_deliveries_failed_total',
    help: 'Webhook deliveries that used up every attempt without a 2xx',
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'earshot_http_request_duration_seconds',
    help: 'HTTP request latency by route pattern, method and status class',
    labelNames: ['route', 'method', 'status_class'] as const,
    buckets: HTTP_BUCKETS,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'earshot_' });
    const sources = this.queueSources;
    new Gauge({
      name: 'earshot_queue_depth',
      help: 'Jobs waiting to start, per stage queue (the autoscaling signal)',
      labelNames: ['stage'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const [stage, source] of sources) this.set({ stage }, await source.waiting());
      },
    });
    new Gauge({
      name: 'earshot_jobs',
      help: 'Jobs now queued or processing, per stage queue, as this process sees them',
      labelNames: ['stage', 'status'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const [stage, source] of sources) {
          this.set({ stage, status: 'queued' }, await source.waiting());
          this.set({ stage, status: 'processing' }, await source.running());
        }
      },
    });
    const streams = () => this.streamSource();
    new Gauge({
      name: 'earshot_stream_sessions_open',
      help: 'Real-time streaming sessions open now',
      registers: [this.registry],
      async collect() {
        this.set(await streams());
      },
    });
  }

  /**
   * Reports a queue's waiting and running jobs under its stage name ("all" for `serve`'s whole-job
   * queue; "asr" and "intelligence" when workers are split). The BullMQ queue registers here too.
   */
  observeQueue(stage: string, source: { waiting: Source; running: Source }): void {
    this.queueSources.set(stage, source);
  }

  observeStreams(source: Source): void {
    this.streamSource = source;
  }

  /** One webhook attempt; the last failing one also counts as a delivery given up. */
  webhookAttempt(attempt: { attempt: number; error: string | null }, maxAttempts: number): void {
    this.webhookAttempts.inc({ result: attempt.error === null ? 'ok' : 'failed' });
    if (attempt.error !== null && attempt.attempt >= maxAttempts) this.webhookGiveUps.inc();
  }

  /** The Prometheus text exposition, and its content type. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
