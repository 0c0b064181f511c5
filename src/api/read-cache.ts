import { createHash } from 'node:crypto';
import type { AuthContext } from '../store/store.js';

/**
 * Short-lived in-memory caches for the two lookups every GET makes (issue 4's latency target:
 * p99 ≤ 20 ms under 200 concurrent clients). Both are bounded, per process, and expire quickly,
 * so what another process changes (a key revoked with `earshot keys revoke`, a transcript deleted
 * through another server on the same Postgres) shows within `ttlMs`; what this process changes
 * is invalidated at once.
 */
class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; size: number; expires: number }>();
  private bytes = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly maxBytes = Infinity,
  ) {}

  get enabled(): boolean {
    return this.ttlMs > 0;
  }

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= Date.now()) {
      this.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: V, size = 1): void {
    if (!this.enabled || size > this.maxBytes) return;
    this.delete(key);
    this.entries.set(key, { value, size, expires: Date.now() + this.ttlMs });
    this.bytes += size;
    // Map order is insertion order: the oldest entries go first.
    for (const [oldest] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.bytes <= this.maxBytes) break;
      this.delete(oldest);
    }
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.bytes -= entry.size;
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }
}

/**
 * Successful key lookups, by the key's sha256 (no plaintext key kept in the heap). Failures are
 * not cached, so a new key works at once; a revoked one stops working within `ttlMs`.
 */
export class ApiKeyCache {
  private readonly cache: TtlCache<AuthContext>;

  constructor(ttlMs: number, maxEntries = 10_000) {
    this.cache = new TtlCache(ttlMs, maxEntries);
  }

  async authenticate(key: string, lookup: (key: string) => Promise<AuthContext | null>): Promise<AuthContext | null> {
    if (!this.cache.enabled) return lookup(key);
    const hash = createHash('sha256').update(key, 'utf8').digest('base64');
    const hit = this.cache.get(hash);
    if (hit) return hit;
    const auth = await lookup(key);
    if (auth) this.cache.set(hash, auth);
    return auth;
  }

  clear(): void {
    this.cache.clear();
  }
}

/**
 * Rendered JSON of completed transcripts, which change only when deleted or when a webhook
 * attempt updates `webhook_status_code`; both call `invalidate`. Queued and processing ones are
 * never cached, so status polling always reads the store.
 */
export class TranscriptReadCache {
  private readonly cache: TtlCache<{ projectId: string; body: string }>;
  /** Bumped by every invalidation, so a read that raced with a delete is not cached afterwards. */
  private generation = 0;

  constructor(ttlMs: number, maxBytes = 64 * 1024 * 1024) {
    this.cache = new TtlCache(ttlMs, 100_000, maxBytes);
  }

  /** The cached body, only for the project that owns it. */
  get(id: string, projectId: string): string | undefined {
    const entry = this.cache.get(id);
    return entry && entry.projectId === projectId ? entry.body : undefined;
  }

  /** Take before reading the store; pass to `set`. */
  version(): number {
    return this.generation;
  }

  set(id: string, projectId: string, body: string, version: number): void {
    if (version !== this.generation) return;
    this.cache.set(id, { projectId, body }, body.length * 2);
  }

  invalidate(id: string): void {
    this.generation++;
    this.cache.delete(id);
  }
}
