import type { Redis } from 'ioredis';
import { queueUnavailable } from '../queue/redis.js';

/**
 * Where the nonces of redeemed streaming tokens are remembered until the tokens expire, so each
 * token opens one session (as AssemblyAI's do): this process's memory for `earshot serve`, Redis
 * for `earshot api`, where a token may be presented to any of several processes.
 */
export interface UsedTokens {
  /** True the first time a nonce is claimed; false once it was. */
  claim(nonce: string, expiresAt: number): Promise<boolean>;
}

export class MemoryUsedTokens implements UsedTokens {
  private readonly used = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  async claim(nonce: string, expiresAt: number): Promise<boolean> {
    const now = this.now();
    for (const [n, until] of this.used) if (until <= now) this.used.delete(n);
    if (this.used.has(nonce)) return false;
    this.used.set(nonce, expiresAt);
    return true;
  }
}

export class RedisUsedTokens implements UsedTokens {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async claim(nonce: string, expiresAt: number): Promise<boolean> {
    try {
      // NX: only the first claim sets it; PXAT: gone when the token could not be used anyway.
      return (await this.redis.set(`${this.prefix}:stream-token:${nonce}`, '1', 'PXAT', expiresAt, 'NX')) === 'OK';
    } catch (err) {
      throw queueUnavailable(err);
    }
  }
}
