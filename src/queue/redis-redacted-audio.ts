import type { Redis } from 'ioredis';
import type { FieldCipher, FieldRef } from '../store/encryption/field-cipher.js';
import { newDownloadToken, type RedactedAudioStore } from './redacted-audio.js';
import { inRedis } from './redis.js';

export interface RedisRedactedAudioOptions {
  redis: Redis;
  /** The store's cipher: the copy is still the speaker's voice, so Redis holds it sealed. */
  cipher: FieldCipher;
  prefix: string;
  /** How long a copy stays downloadable (an hour, as in `earshot serve`). */
  ttlMs: number;
}

/**
 * Redacted copies (`redact_pii_audio`) when api and worker processes are apart: the worker that
 * finished the transcript writes the copy, any api process hands out its URL and serves it.
 * `<prefix>:redacted:<transcript id>` holds the owner, the token and the sealed MP3;
 * `<prefix>:redacted-token:<token>` points back to the transcript. Both expire together.
 */
export class RedisRedactedAudio implements RedactedAudioStore {
  constructor(private readonly options: RedisRedactedAudioOptions) {}

  async put(projectId: string, transcriptId: string, mp3: Buffer): Promise<void> {
    await this.drop(transcriptId);
    const token = newDownloadToken();
    const sealed = this.options.cipher.seal(mp3, ref(projectId, transcriptId));
    const { redis, ttlMs } = this.options;
    await inRedis(() =>
      redis
        .multi()
        .hset(this.key(transcriptId), 'owner', projectId, 'token', token, 'audio', sealed)
        .pexpire(this.key(transcriptId), ttlMs)
        .set(this.tokenKey(token), transcriptId, 'PX', ttlMs)
        .exec(),
    );
  }

  async tokenFor(projectId: string, transcriptId: string): Promise<string | undefined> {
    const [owner, token] = await inRedis(() => this.options.redis.hmget(this.key(transcriptId), 'owner', 'token'));
    return owner === projectId && token ? token : undefined;
  }

  async file(token: string): Promise<Buffer | undefined> {
    const transcriptId = await inRedis(() => this.options.redis.get(this.tokenKey(token)));
    if (!transcriptId) return undefined;
    const [owner, storedToken, sealed] = await inRedis(() => this.options.redis.hmgetBuffer(this.key(transcriptId), 'owner', 'token', 'audio'));
    if (!owner || !sealed || storedToken?.toString('utf8') !== token) return undefined;
    return this.options.cipher.open(sealed, ref(owner.toString('utf8'), transcriptId));
  }

  async drop(transcriptId: string): Promise<void> {
    const token = await inRedis(() => this.options.redis.hget(this.key(transcriptId), 'token'));
    await inRedis(() => (token ? this.options.redis.del(this.key(transcriptId), this.tokenKey(token)) : this.options.redis.del(this.key(transcriptId))));
  }

  private key(transcriptId: string): string {
    return `${this.options.prefix}:redacted:${transcriptId}`;
  }

  private tokenKey(token: string): string {
    return `${this.options.prefix}:redacted-token:${token}`;
  }
}

function ref(projectId: string, transcriptId: string): FieldRef {
  return { table: 'redacted', column: 'audio', rowId: `${projectId}/${transcriptId}` };
}
