import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { AudioVault, PutOptions } from '../audio/upload-vault.js';
import type { FieldCipher, FieldRef } from '../store/encryption/field-cipher.js';
import { inRedis } from './redis.js';
import type { UploadLeasing } from './upload-leases.js';

export interface RedisUploadVaultOptions {
  redis: Redis;
  /** The store's cipher (the at-rest keyring), so a Redis snapshot holds only ciphertext. */
  cipher: FieldCipher;
  /** Key prefix shared by every process of one installation. */
  prefix: string;
  /** How long an upload waits for a transcript request. */
  ttlMs: number;
  /** How long an upload used by a transcript may wait in the queue. */
  holdMs: number;
}

/**
 * Uploaded audio for `earshot api` + `earshot worker` (issue 12 item 4): any api process may accept
 * an upload and any worker read it, so the bytes live in Redis, never on a disk of ours. Each is
 * AES-256-GCM sealed with the store's current key, the associated data binding the project and the
 * upload id (a value copied to another key does not open), and expires after its time-to-live.
 *
 * Per upload: `<prefix>:upload:<id>` (hash: owner, sealed audio), `…:leases` (jobs using it) and
 * `…:released` (transcripts that already let go, so a job finished by two workers counts once).
 */
export class RedisUploadVault implements AudioVault, UploadLeasing {
  readonly shared = true;

  constructor(private readonly options: RedisUploadVaultOptions) {}

  /** The bytes leave this process's memory once stored, and with them any reservation they came under. */
  async put(owner: string, bytes: Buffer, options: PutOptions = {}): Promise<string> {
    try {
      const id = randomUUID();
      const sealed = this.options.cipher.seal(bytes, ref(owner, id));
      await inRedis(() =>
        this.options.redis
          .multi()
          .hset(this.key(id), 'owner', owner, 'audio', sealed)
          .pexpire(this.key(id), this.options.ttlMs)
          // The project's ledger: upload id → size, lasting as long as a queued job may hold an upload.
          .hset(this.heldKey(owner), id, bytes.length)
          .pexpire(this.heldKey(owner), this.options.holdMs, 'GT')
          .exec(),
      );
      return id;
    } finally {
      options.held?.release();
    }
  }

  async get(owner: string, id: string): Promise<Buffer | undefined> {
    const [storedOwner, sealed] = await inRedis(() => this.options.redis.hmgetBuffer(this.key(id), 'owner', 'audio'));
    if (!storedOwner || !sealed || storedOwner.toString('utf8') !== owner) return undefined;
    return this.options.cipher.open(sealed, ref(owner, id));
  }

  async drop(id: string): Promise<void> {
    await inRedis(() => this.options.redis.del(this.key(id), `${this.key(id)}:leases`, `${this.key(id)}:released`));
  }

  /**
   * Counted from the project's ledger, forgetting uploads whose key is gone (expired, dropped or
   * released), so expiry needs no bookkeeping of its own.
   */
  async heldBytes(owner: string): Promise<number> {
    return Number(await inRedis(() => this.options.redis.eval(HELD_BYTES, 1, this.heldKey(owner), `${this.options.prefix}:upload:`)));
  }

  async acquire(uploadId: string): Promise<void> {
    const key = this.key(uploadId);
    const hold = this.options.holdMs;
    // GT: a hold never shortens a longer time-to-live.
    await inRedis(() => this.options.redis.multi().incr(`${key}:leases`).pexpire(`${key}:leases`, hold, 'GT').pexpire(key, hold, 'GT').exec());
  }

  async release(uploadId: string, transcriptId?: string): Promise<void> {
    const key = this.key(uploadId);
    await inRedis(() => this.options.redis.eval(RELEASE, 3, key, `${key}:leases`, `${key}:released`, transcriptId ?? '', this.options.holdMs));
  }

  private heldKey(owner: string): string {
    return `${this.options.prefix}:upload-bytes:${owner}`;
  }

  private key(id: string): string {
    return `${this.options.prefix}:upload:${id}`;
  }
}

/** The upload goes when its last job lets go; a transcript that already let go is not counted again. */
const RELEASE = `
if ARGV[1] ~= '' then
  if redis.call('SADD', KEYS[3], ARGV[1]) == 0 then return -1 end
  redis.call('PEXPIRE', KEYS[3], ARGV[2])
end
local left = redis.call('DECR', KEYS[2])
if left <= 0 then redis.call('DEL', KEYS[1], KEYS[2], KEYS[3]) end
return left
`;

const HELD_BYTES = `
local ledger = redis.call('HGETALL', KEYS[1])
local total = 0
for i = 1, #ledger, 2 do
  if redis.call('EXISTS', ARGV[1] .. ledger[i]) == 1 then
    total = total + tonumber(ledger[i + 1])
  else
    redis.call('HDEL', KEYS[1], ledger[i])
  end
end
return total
`;

function ref(owner: string, id: string): FieldRef {
  return { table: 'upload', column: 'audio', rowId: `${owner}/${id}` };
}
