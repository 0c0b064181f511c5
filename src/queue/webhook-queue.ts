import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Store } from '../store/store.js';
import type { WebhookNotifier, WebhookSender } from '../webhooks/sender.js';
import type { RedisConnectionOptions } from './redis.js';

export const WEBHOOK_QUEUE = 'webhooks';

interface DeliveryData {
  transcriptId: string;
  status: string;
}

export interface QueuedWebhooksOptions {
  producer: Redis;
  connection: RedisConnectionOptions;
  prefix: string;
  store: Store;
  /** Signs and posts one attempt, and spaces the retries (its own retry loop is not used). */
  sender: WebhookSender;
  maxAttempts: number;
  /** As for transcript jobs: an attempt whose worker died is found again after lock + check. */
  lockMs: number;
  stalledCheckMs: number;
  onError(err: Error): void;
}

/**
 * Webhook deliveries of `earshot worker`: each attempt is a BullMQ job and each retry a delayed job
 * in Redis, so a schedule survives a restart of every process (issue 12 item 5). The job holds only
 * the transcript id and status; the URL and the auth header (sealed at rest) are read from the
 * store at each attempt, so no secret sits in Redis. Job id = transcript id + status, so a
 * transcript's webhook is scheduled once whoever asks twice.
 */
export class QueuedWebhooks implements WebhookNotifier {
  private readonly queue: Queue<DeliveryData>;
  private worker?: Worker<DeliveryData>;

  constructor(private readonly options: QueuedWebhooksOptions) {
    this.queue = new Queue<DeliveryData>(WEBHOOK_QUEUE, { connection: options.producer, prefix: options.prefix });
    this.queue.on('error', options.onError);
  }

  async send(transcriptId: string, status: string): Promise<void> {
    await this.queue.add('deliver', { transcriptId, status }, {
      jobId: `${transcriptId}-${status}`,
      attempts: this.options.maxAttempts,
      backoff: { type: 'webhook' },
      removeOnComplete: { age: 24 * 3600 },
      removeOnFail: { age: 7 * 24 * 3600 },
    });
  }

  /** Starts delivering (workers only; api processes never send webhooks). */
  deliver(concurrency: number): void {
    this.worker = new Worker<DeliveryData>(WEBHOOK_QUEUE, (job) => this.attempt(job), {
      connection: this.options.connection,
      prefix: this.options.prefix,
      concurrency,
      lockDuration: this.options.lockMs,
      stalledInterval: this.options.stalledCheckMs,
      settings: { backoffStrategy: (attemptsMade: number) => this.options.sender.retryDelay(attemptsMade) },
    });
    this.worker.on('error', this.options.onError);
  }

  private async attempt(job: Job<DeliveryData>): Promise<void> {
    const { store, sender } = this.options;
    const { transcriptId, status } = job.data;
    const row = await store.getJob(transcriptId);
    if (!row?.webhookUrl) return;
    const target = {
      url: row.webhookUrl,
      authHeaderName: row.webhookAuthHeaderName,
      authHeaderValue: row.webhookAuthHeaderValue,
      // Read at each attempt, so a rotation applies to the next retry (the worker needs no env for it).
      secret: await store.projectWebhookSecret(row.projectId),
    };
    const result = await sender.attempt(transcriptId, status, target);
    // attemptsStarted also counts a start whose worker died mid-attempt: the log numbers every POST.
    await store.appendWebhookDelivery({ transcriptId, attempt: job.attemptsStarted, url: target.url, ...result, at: new Date() });
    // Thrown, the attempt is retried by BullMQ after retryDelay, until maxAttempts.
    if (result.error !== null) throw new Error(`webhook to ${target.url}: ${result.error}`);
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
  }
}
