import { deserialize, serialize } from 'node:v8';
import type { Redis } from 'ioredis';
import type { Recognised } from '../pipeline/features.js';
import type { FieldCipher, FieldRef } from '../store/encryption/field-cipher.js';
import { inRedis } from './redis.js';

/** What an `asr` worker leaves for the `intelligence` stage of one transcript. */
export interface RecognitionHandoff extends Recognised {
  /** When processing started (ms since the epoch), for the job's real-time factor. */
  startedAt: number;
}

export interface RecognitionHandoffsOptions {
  redis: Redis;
  /** The store's cipher: the words are transcript text, so Redis holds them sealed, like the database. */
  cipher: FieldCipher;
  prefix: string;
  /** How long a hand-off waits for an intelligence worker before it expires. */
  ttlMs: number;
}

/**
 * Between the two stages of a scaled-out transcript (issue 12 item 2): the recognised words and
 * the speaker features travel through Redis, sealed with the at-rest key and bound to the
 * transcript, at `<prefix>:recognised:<transcript id>`. The key is removed when the transcript
 * ends; a time-to-live removes it if nothing ever does.
 *
 * Structured clone (node:v8) keeps the speaker features' typed arrays as they are; what it reads
 * back was sealed by this installation, so nothing foreign is ever deserialised.
 */
export class RecognitionHandoffs {
  constructor(private readonly options: RecognitionHandoffsOptions) {}

  async put(projectId: string, transcriptId: string, handoff: RecognitionHandoff): Promise<void> {
    const sealed = this.options.cipher.seal(serialize(handoff), ref(projectId, transcriptId));
    await inRedis(() => this.options.redis.set(this.key(transcriptId), sealed, 'PX', this.options.ttlMs));
  }

  async get(projectId: string, transcriptId: string): Promise<RecognitionHandoff | undefined> {
    const sealed = await inRedis(() => this.options.redis.getBuffer(this.key(transcriptId)));
    if (!sealed) return undefined;
    return deserialize(this.options.cipher.open(sealed, ref(projectId, transcriptId))) as RecognitionHandoff;
  }

  async has(transcriptId: string): Promise<boolean> {
    return (await inRedis(() => this.options.redis.exists(this.key(transcriptId)))) === 1;
  }

  async drop(transcriptId: string): Promise<void> {
    await inRedis(() => this.options.redis.del(this.key(transcriptId)));
  }

  private key(transcriptId: string): string {
    return `${this.options.prefix}:recognised:${transcriptId}`;
  }
}

function ref(projectId: string, transcriptId: string): FieldRef {
  return { table: 'recognised', column: 'handoff', rowId: `${projectId}/${transcriptId}` };
}
