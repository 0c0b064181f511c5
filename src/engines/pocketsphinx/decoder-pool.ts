/**
 * A fixed-size pool of decoders. Each one costs a model load (a few hundred ms, ~95 MB), so they
 * are created only when every existing one is busy, and reused after that.
 */
import { EarshotError } from '../../errors.js';

export interface Freeable {
  free(): void;
}

interface Waiter<T> {
  resolve(item: T): void;
  reject(err: unknown): void;
}

export interface PoolStats {
  size: number;
  created: number;
  idle: number;
  inUse: number;
  waiting: number;
}

export class DecoderPool<T extends Freeable> {
  private readonly idle: T[] = [];
  private readonly inUse = new Set<T>();
  private readonly waiters: Waiter<T>[] = [];
  private creating = 0;
  private closed = false;

  constructor(
    private readonly createItem: () => Promise<T>,
    readonly size: number,
  ) {
    if (!Number.isInteger(size) || size < 1) {
      throw new EarshotError('invalid_request', `The pocketsphinx pool size must be a whole number of at least 1 (got ${size}).`);
    }
  }

  get stats(): PoolStats {
    return { size: this.size, created: this.idle.length + this.inUse.size, idle: this.idle.length, inUse: this.inUse.size, waiting: this.waiters.length };
  }

  /** Resolves with an item for exclusive use; give it back with release(). */
  acquire(): Promise<T> {
    if (this.closed) return Promise.reject(closedError());
    const item = this.idle.pop();
    if (item) {
      this.inUse.add(item);
      return Promise.resolve(item);
    }
    const promise = new Promise<T>((resolve, reject) => this.waiters.push({ resolve, reject }));
    if (this.inUse.size + this.creating < this.size) void this.grow();
    return promise;
  }

  /**
   * Returns an item. A broken one (`healthy` false, e.g. after a native error) is freed instead
   * and a replacement is created if someone is waiting.
   */
  release(item: T, healthy = true): void {
    if (!this.inUse.delete(item)) return;
    if (!healthy || this.closed) {
      item.free();
      if (!this.closed && this.waiters.length > 0) void this.grow();
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter) {
      this.inUse.add(item);
      waiter.resolve(item);
    } else {
      this.idle.push(item);
    }
  }

  /** Frees idle items now and in-use ones when they are released; pending acquires fail. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) waiter.reject(closedError());
    for (const item of this.idle.splice(0)) item.free();
  }

  private async grow(): Promise<void> {
    this.creating++;
    let item: T;
    try {
      item = await this.createItem();
    } catch (err) {
      this.creating--;
      // Nothing to hand out: fail the oldest waiter rather than leave it hanging, and all of them
      // when no other item exists or is on its way to serve them later.
      this.waiters.shift()?.reject(err);
      if (this.inUse.size + this.creating === 0) for (const waiter of this.waiters.splice(0)) waiter.reject(err);
      return;
    }
    this.creating--;
    if (this.closed) {
      item.free();
      return;
    }
    this.inUse.add(item);
    this.release(item);
  }
}

function closedError(): EarshotError {
  return new EarshotError('internal', 'The pocketsphinx engine is closed; create a new engine to keep transcribing.');
}
