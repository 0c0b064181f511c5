import { randomUUID } from 'node:crypto';
import { EarshotError } from '../errors.js';

export interface UploadVaultOptions {
  /** Total bytes held at once across all uploads; uploads beyond it are refused, not spilled to disk. */
  maxTotalBytes: number;
  /** How long an upload waits for a transcript request before it is dropped. */
  ttlMs: number;
  now?: () => number;
}

interface Entry {
  owner: string;
  bytes: Buffer;
  expiresAt: number;
}

/**
 * Where uploaded audio waits for its transcript job: this process's memory (`UploadVault`,
 * embedded `serve`) or Redis (`RedisUploadVault`, `api` + `worker`). Callers always await, so an
 * implementation may answer synchronously.
 */
export interface AudioVault {
  /** True when other processes read what this one puts (so a job's audio survives this process). */
  readonly shared: boolean;
  put(owner: string, bytes: Buffer): string | Promise<string>;
  /** The bytes of an upload, or undefined when it is unknown, expired or another project's. */
  get(owner: string, id: string): Buffer | undefined | Promise<Buffer | undefined>;
  drop(id: string): void | Promise<void>;
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

  constructor(private readonly options: UploadVaultOptions) {
    this.now = options.now ?? Date.now;
    this.timer = setInterval(() => this.sweep(), Math.min(60_000, Math.max(1000, options.ttlMs / 4)));
    this.timer.unref();
  }

  put(owner: string, bytes: Buffer, id: string = randomUUID()): string {
    this.sweep();
    if (this.totalBytes + bytes.length > this.options.maxTotalBytes) {
      throw new EarshotError('audio_too_large', 'The server holds too much uploaded audio right now; retry once running jobs finish.');
    }
    this.drop(id);
    this.entries.set(id, { owner, bytes, expiresAt: this.now() + this.options.ttlMs });
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
    this.entries.clear();
    this.totalBytes = 0;
  }
}
