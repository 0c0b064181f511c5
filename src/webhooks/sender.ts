import http from 'node:http';
import https from 'node:https';
import { describeConnectionError, pinnedLookup, vetHost } from '../audio/address-guard.js';
import { EarshotError, isEarshotError } from '../errors.js';
import { SIGNATURE_HEADER, signWebhook } from './signature.js';

export interface WebhookTarget {
  url: string;
  authHeaderName?: string | null;
  authHeaderValue?: string | null;
  /** The project's own signing secret (POST /v2/webhook-secret); else the installation's signs. */
  secret?: string | null;
}

/**
 * Who delivers a transcript's webhook: `WebhookSender` retries from this process's memory
 * (embedded `serve`); `QueuedWebhooks` (src/queue/webhook-queue.ts) schedules each attempt as a queue job, so retries survive
 * a restart of every process (`earshot worker`).
 */
export interface WebhookNotifier {
  send(transcriptId: string, status: string, target: WebhookTarget): void | Promise<void>;
}

export type AttemptResult = Pick<DeliveryAttempt, 'statusCode' | 'error'>;

export interface DeliveryAttempt {
  attempt: number;
  url: string;
  statusCode: number | null;
  error: string | null;
  at: Date;
}

export interface WebhookSenderOptions {
  /** The installation's secret, for projects without their own. */
  secret: string;
  /** Attempts in all, the first included. */
  maxAttempts?: number;
  /** Delay before the second attempt; each later one doubles it (with jitter). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  timeoutMs?: number;
  allowPrivateNetworks?: boolean;
  onAttempt?: (transcriptId: string, attempt: DeliveryAttempt) => void | Promise<void>;
}

/**
 * Delivers `{transcript_id, status}` to a transcript's webhook_url, retrying with exponential
 * backoff until the receiver answers 2xx or the attempts run out. Each attempt is reported so the
 * API can show a delivery log.
 */
export class WebhookSender implements WebhookNotifier {
  private readonly pending = new Set<Promise<void>>();
  private readonly aborter = new AbortController();

  constructor(private readonly options: WebhookSenderOptions) {}

  /** Starts delivery in the background; `drain()` waits for every delivery under way. */
  send(transcriptId: string, status: string, target: WebhookTarget): void {
    const delivery = this.deliver(transcriptId, status, target).finally(() => this.pending.delete(delivery));
    this.pending.add(delivery);
  }

  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.all(this.pending);
  }

  async close(): Promise<void> {
    this.aborter.abort();
    await this.drain();
  }

  private async deliver(transcriptId: string, status: string, target: WebhookTarget): Promise<void> {
    const maxAttempts = this.options.maxAttempts ?? 6;
    for (let attempt = 1; attempt <= maxAttempts && !this.aborter.signal.aborted; attempt++) {
      const result = await this.attempt(transcriptId, status, target);
      await this.options.onAttempt?.(transcriptId, { attempt, url: target.url, ...result, at: new Date() });
      if (result.error === null) return;
      if (attempt < maxAttempts) await this.sleep(this.retryDelay(attempt));
    }
  }

  /** One signed POST; `error` is null when the receiver answered 2xx. Never throws. */
  attempt(transcriptId: string, status: string, target: WebhookTarget): Promise<AttemptResult> {
    const body = JSON.stringify({ transcript_id: transcriptId, status });
    return this.post(target, body).then(
      (statusCode) => ({ statusCode, error: statusCode >= 200 && statusCode < 300 ? null : `HTTP ${statusCode}` }),
      // The log is shown to the client: our own errors are written for it, socket errors are not.
      (error: Error) => ({ statusCode: null, error: isEarshotError(error) ? error.message : describeConnectionError(error) }),
    );
  }

  /** Wait before the attempt after `attempt` (1 = after the first). */
  retryDelay(attempt: number): number {
    const base = this.options.baseDelayMs ?? 1000;
    const capped = Math.min(this.options.maxDelayMs ?? 5 * 60_000, base * 2 ** (attempt - 1));
    // Jitter spreads retries from many transcripts so a recovering receiver isn't hit all at once.
    return capped * (0.8 + Math.random() * 0.4);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.aborter.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
    });
  }

  private async post(target: WebhookTarget, body: string): Promise<number> {
    const url = new URL(target.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new EarshotError('remote_forbidden', `webhook_url must be http or https, not ${url.protocol}`);
    }
    const addresses = await vetHost(url.hostname, this.options.allowPrivateNetworks ?? false);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
      'user-agent': 'earshot-webhooks',
      [SIGNATURE_HEADER]: signWebhook(target.secret ?? this.options.secret, body, Math.floor(Date.now() / 1000)),
    };
    if (target.authHeaderName && target.authHeaderValue) headers[target.authHeaderName] = target.authHeaderValue;
    const client = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = client.request(url, {
        method: 'POST',
        headers,
        lookup: pinnedLookup(addresses),
        agent: false,
        timeout: this.options.timeoutMs ?? 10_000,
        signal: this.aborter.signal,
      });
      req.once('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.once('timeout', () => req.destroy(new Error(`no answer within ${this.options.timeoutMs ?? 10_000} ms`)));
      req.once('error', reject);
      req.end(body);
    });
  }
}
