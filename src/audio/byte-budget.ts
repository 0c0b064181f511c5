import { EarshotError } from '../errors.js';
import { formatBytes } from '../format-bytes.js';

/** Sent as `retry-after` when the budget is full: uploads of a few MB come and go within seconds. */
export const BUDGET_RETRY_AFTER_SECONDS = 5;

/**
 * One memory budget for audio bytes held by the process: uploads being received, files held for
 * their transcript job, `audio_url` downloads (issue 15 item 2). Every holder reserves before it
 * reads (from `content-length` when there is one) and grows its reservation as bytes stream in,
 * so a burst of large requests is refused at the door instead of being buffered first.
 */
export class ByteBudget {
  private used = 0;
  private readonly waiters = new Set<() => void>();

  constructor(readonly capacity: number) {}

  get usedBytes(): number {
    return this.used;
  }

  /** A reservation of `bytes` now, or `memory_budget_full` (503, retry-after) when they do not fit. */
  reserve(bytes = 0): Reservation {
    const reservation = new Reservation(this);
    reservation.resize(bytes);
    return reservation;
  }

  /** @internal Resolves at the next release (or abort), for Reservation.ensureWhenFree. */
  released(signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      const wake = (): void => {
        this.waiters.delete(wake);
        signal?.removeEventListener('abort', wake);
        resolve();
      };
      this.waiters.add(wake);
      signal?.addEventListener('abort', wake, { once: true });
    });
  }

  /** @internal Reservation's bookkeeping. */
  change(delta: number): void {
    if (delta > 0 && this.used + delta > this.capacity) {
      throw new EarshotError(
        'memory_budget_full',
        `The server is holding ${formatBytes(this.used)} of audio in flight, and this needs ${formatBytes(delta)} more than its ${formatBytes(this.capacity)} budget (EARSHOT_MAX_UPLOAD_MEMORY_BYTES) allows; retry in ${BUDGET_RETRY_AFTER_SECONDS} s.`,
        { retryAfterSeconds: BUDGET_RETRY_AFTER_SECONDS },
      );
    }
    this.used += delta;
    if (delta < 0) for (const wake of [...this.waiters]) wake();
  }
}

/** Bytes one holder has claimed from a ByteBudget; released once, when the holder lets go of them. */
export class Reservation {
  private held = 0;
  private released = false;

  constructor(private readonly budget: ByteBudget) {}

  get bytes(): number {
    return this.held;
  }

  /** Claims (or gives back) bytes so the reservation holds exactly `bytes`; throws when they do not fit. */
  resize(bytes: number): void {
    if (this.released) throw new Error('Reservation: resized after release');
    this.budget.change(bytes - this.held);
    this.held = bytes;
  }

  /** At least `bytes`: a stream that outgrew its declared length claims the difference. */
  ensure(bytes: number): void {
    if (bytes > this.held) this.resize(bytes);
  }

  /**
   * Like `ensure`, but waits while the budget is full (a queued job downloading its audio_url
   * waits for room rather than failing); fails at once only if `bytes` exceeds the whole budget.
   */
  async ensureWhenFree(bytes: number, signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      try {
        this.ensure(bytes);
        return;
      } catch (err) {
        if (bytes > this.budget.capacity) throw err;
      }
      await this.budget.released(signal);
    }
  }

  release(): void {
    if (this.released) return;
    this.budget.change(-this.held);
    this.held = 0;
    this.released = true;
  }
}
