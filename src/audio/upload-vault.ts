import { randomUUID } from 'node:crypto';
import { ByteBudget, type Reservation } from './byte-budget.js';

export interface UploadVaultOptions {
  /**
   * Total bytes held at once: a budget of its own, or the process's one budget for audio in
   * flight, shared with uploads being received and downloads (`budget`). Beyond it uploads are
   * refused (`memory_budget_full`), not spilled to disk.
   */
  maxTotalBytes?: number;
  budget?: ByteBudget;
  /** How long an upload waits for a transcript request before it is dropped. */
  ttlMs: number;
  now?: () => number;
}

interface Entry {
  owner: string;
  bytes: Buffer;
  held: Reservation;
  expiresAt: number;
}

export interface PutOptions {
  /**
   * The budget reservation the bytes were received under: the vault takes it over (a memory
   * vault keeps it until the upload is dropped; a shared one lets go once the bytes are stored).
   */
  held?: Reservation;
}

/**
 * Where uploaded audio waits for its transcript job: this process's memory (`UploadVault`,
 * embedded `serve`) or Redis (`RedisUploadVault`, `api` + `worker`). Callers always await, so an
 * implementation may answer synchronously.
 */
export interface AudioVault {
  /** True when other processes read what this one puts (so a job's audio survives this process). */
  readonly shared: boolean;
  put(owner: string, bytes: Buffer, options?: PutOptions): string | Promise<string>;
  /** The bytes of an upload, or undefined when it is unknown, expired or another project's. */
  get(owner: string, id: string): Buffer | undefined | Promise<Buffer | undefined>;
  drop(id: string): void | Promise<void>;
  /** Bytes of the owner's uploads still held (not expired, not dropped): its upload quota's count. */
  heldBytes(owner: string): number | Promise<number>;
}

/**
 * Uploaded audio lives only here, in memory: never on disk. An upload is usable only by the
 * project that sent it, and is dropped when its transcript job ends or its time-to-live passes.
 */
export class UploadVault implements AudioVault {
  readonly shared = false;
  private readonly entries = new Map<string, Entry>();
  private totalBytes = 0;
  private readonly timer: NodeJS.Timeout;
  private readonly now: () => number;
  readonly budget: ByteBudget;

  constructor(private readonly options: UploadVaultOptions) {
    this.now = options.now ?? Date.now;
    const budget = options.budget ?? (options.maxTotalBytes !== undefined ? new ByteBudget(options.maxTotalBytes) : undefined);
    if (!budget) throw new Error('UploadVault: give maxTotalBytes or budget');
    this.budget = budget;
    this.timer = setInterval(() => this.sweep(), Math.min(60_000, Math.max(1000, options.ttlMs / 4)));
    this.timer.unref();
  }

  put(owner: string, bytes: Buffer, options: PutOptions & { id?: string } = {}): string {
    this.sweep();
    const id = options.id ?? randomUUID();
    this.drop(id);
    let held = options.held;
    try {
      if (held) held.resize(bytes.length);
      else held = this.budget.reserve(bytes.length);
    } catch (err) {
      held?.release();
      throw err;
    }
    this.entries.set(id, { owner, bytes, held, expiresAt: this.now() + this.options.ttlMs });
    this.totalBytes += bytes.length;
    return id;
  }

  /** The bytes of an upload, or undefined when it is unknown, expired or another project's. */
  get(owner: string, id: string): Buffer | undefined {
    const entry = this.entries.get(id);
    if (!entry || entry.owner !== owner) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.drop(id);
      return undefined;
    }
    return entry.bytes;
  }

  /** Keeps an upload alive while a job that uses it waits in the queue. */
  hold(id: string, ttlMs: number): void {
    const entry = this.entries.get(id);
    if (entry) entry.expiresAt = Math.max(entry.expiresAt, this.now() + ttlMs);
  }

  drop(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    this.totalBytes -= entry.bytes.length;
    entry.held.release();
  }

  heldBytes(owner: string): number {
    this.sweep();
    let bytes = 0;
    for (const entry of this.entries.values()) if (entry.owner === owner) bytes += entry.bytes.length;
    return bytes;
  }

  get size(): { uploads: number; bytes: number } {
    return { uploads: this.entries.size, bytes: this.totalBytes };
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, entry] of this.entries) if (entry.expiresAt <= now) this.drop(id);
  }

  close(): void {
    clearInterval(this.timer);
    for (const entry of this.entries.values()) entry.held.release();
    this.entries.clear();
    this.totalBytes = 0;
  }
}
