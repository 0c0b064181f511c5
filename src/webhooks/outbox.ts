import type { Store } from '../store/store.js';
import type { DeliveryAttempt, WebhookNotifier, WebhookSender } from './sender.js';

export interface OutboxWebhooksOptions {
  store: Store;
  /** Signs and posts one attempt, and spaces the retries (its own retry loop is not used). */
  sender: WebhookSender;
  maxAttempts: number;
  /** Deliveries in flight at once. */
  concurrency?: number;
  onAttempt?: (transcriptId: string, attempt: DeliveryAttempt) => void | Promise<void>;
  onError(err: Error): void;
}

/** A claimed attempt comes back after this if its process died; longer than a POST's time limit. */
const LEASE_MS = 60_000;
/** Longest sleep between looks at the outbox, in case another process on the database added work. */
const IDLE_POLL_MS = 30_000;

/**
 * Webhook deliveries of embedded mode (`serve`) through an outbox table in the store: scheduling
 * writes a row, attempts and retries are rows claimed when due, and a restart picks up whatever
 * was pending (issue 15 item 7). At least once, in order per transcript; the URL and auth header
 * (sealed) are read from the transcript at each attempt, so a deleted transcript's webhook stops.
 */
export class OutboxWebhooks implements WebhookNotifier {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private closed = false;

  constructor(private readonly options: OutboxWebhooksOptions) {}

  async send(transcriptId: string, status: string): Promise<void> {
    await this.options.store.enqueueWebhook(transcriptId, status);
    this.wake();
  }

  /** Starts delivering, beginning with what an earlier run left pending. */
  start(): void {
    this.wake();
  }

  /** Waits until nothing is due now (retries scheduled later stay in the outbox). */
  async drain(): Promise<void> {
    while (this.running) await this.running;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.drain();
  }

  private wake(): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.running = this.pump()
      .catch((err: Error) => this.options.onError(err))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.wake();
        } else void this.scheduleNext();
      });
  }

  private async pump(): Promise<void> {
    const concurrency = this.options.concurrency ?? 4;
    for (;;) {
      this.again = false;
      const batch = await this.options.store.claimDueWebhooks(concurrency, LEASE_MS);
      if (batch.length === 0 || this.closed) return;
      await Promise.all(batch.map((entry) => this.attempt(entry)));
    }
  }

  private async attempt(entry: { seq: number; transcriptId: string; status: string; attempt: number }): Promise<void> {
    const { store, sender, maxAttempts } = this.options;
    const job = await store.getJob(entry.transcriptId);
    if (!job?.webhookUrl) return store.settleWebhook(entry.seq, null);
    const target = {
      url: job.webhookUrl,
      authHeaderName: job.webhookAuthHeaderName,
      authHeaderValue: job.webhookAuthHeaderValue,
      // Read at each attempt, so a rotation applies to the next retry (the worker needs no env for it).
      secret: await store.projectWebhookSecret(job.projectId),
    };
    const result = await sender.attempt(entry.transcriptId, entry.status, target);
    await this.options.onAttempt?.(entry.transcriptId, { attempt: entry.attempt, url: target.url, ...result, at: new Date() });
    const done = result.error === null || entry.attempt >= maxAttempts;
    await store.settleWebhook(entry.seq, done ? null : new Date(Date.now() + sender.retryDelay(entry.attempt)));
  }

  private async scheduleNext(): Promise<void> {
    if (this.closed) return;
    const next = await this.options.store.nextWebhookDue().catch((err: Error) => (this.options.onError(err), null));
    if (this.closed || this.running) return;
    const wait = next === null ? IDLE_POLL_MS : Math.min(IDLE_POLL_MS, Math.max(0, next.getTime() - Date.now()));
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.wake(), wait);
    this.timer.unref();
  }
}
