/**
 * The Redis pieces of scale-out on a real Redis, each test under its own key prefix: the sealed
 * upload vault with its per-job leases, the BullMQ queue's idempotent submission, and streaming
 * tokens redeemed once across api processes.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test, type TestContext } from 'node:test';
import { Redis } from 'ioredis';
import { UnrecoverableError, Worker } from 'bullmq';
import { BullmqQueue, TRANSCRIPT_QUEUE } from '../../src/queue/bullmq-queue.js';
import { RedisUploadVault } from '../../src/queue/redis-upload-vault.js';
import { redisOptions } from '../../src/queue/redis.js';
import { StreamTokens } from '../../src/realtime/tokens.js';
import { RedisUsedTokens } from '../../src/realtime/used-tokens.js';
import { FieldCipher } from '../../src/store/encryption/field-cipher.js';
import { testKeyring } from '../store/backends.js';
import { redisUrlOrSkip } from './cluster.js';

async function withRedis(t: TestContext, fn: (redis: Redis, prefix: string, url: string) => Promise<void>): Promise<void> {
  const url = await redisUrlOrSkip(t);
  if (!url) return;
  const redis = new Redis(url);
  const prefix = `earshot-test-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await fn(redis, prefix, url);
  } finally {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  }
}

function vault(redis: Redis, prefix: string, cipher = new FieldCipher(testKeyring())): RedisUploadVault {
  return new RedisUploadVault({ redis, cipher, prefix, ttlMs: 60_000, holdMs: 3_600_000 });
}

test('uploads are sealed, readable only by their project and with the keyring, and expire', async (t) => {
  await withRedis(t, async (redis, prefix) => {
    const cipher = new FieldCipher(testKeyring());
    const uploads = vault(redis, prefix, cipher);
    const bytes = Buffer.from('RIFF....WAVEfmt pretend audio '.repeat(20));
    const id = await uploads.put('project-a', bytes);
    assert.deepEqual(await uploads.get('project-a', id), bytes);
    assert.equal(await uploads.get('project-b', id), undefined, "another project's upload reads as missing");
    const raw = await redis.hgetBuffer(`${prefix}:upload:${id}`, 'audio');
    assert.equal(raw!.indexOf('RIFF'), -1);
    const ttl = await redis.pttl(`${prefix}:upload:${id}`);
    assert.ok(ttl > 50_000 && ttl <= 60_000, `ttl ${ttl}`);

    // Another key cannot open it; a sealed value copied under another id does not open either.
    await assert.rejects(vault(redis, prefix).get('project-a', id), /cannot be read/);
    const other = await uploads.put('project-a', Buffer.from('other'));
    await redis.hset(`${prefix}:upload:${other}`, 'audio', raw!);
    await assert.rejects(uploads.get('project-a', other), /authentication failed/);
  });
});

test('an upload goes when the last job using it is released, and each transcript releases once', async (t) => {
  await withRedis(t, async (redis, prefix) => {
    const uploads = vault(redis, prefix);
    const id = await uploads.put('p', Buffer.from('audio'));
    await uploads.acquire(id);
    await uploads.acquire(id);
    const held = await redis.pttl(`${prefix}:upload:${id}`);
    assert.ok(held > 3_000_000, `a leased upload waits as long as a queued job may (${held} ms)`);

    await uploads.release(id, 'transcript-1');
    await uploads.release(id, 'transcript-1'); // finished by two workers: counts once
    assert.ok(await uploads.get('p', id), 'still leased by transcript-2');
    await uploads.release(id, 'transcript-2');
    assert.equal(await uploads.get('p', id), undefined);
    assert.deepEqual(await redis.keys(`${prefix}:upload:${id}*`), [], 'no counters left behind');
  });
});

test("a project's held upload bytes count what is still stored: released, dropped and expired uploads leave the count", async (t) => {
  await withRedis(t, async (redis, prefix) => {
    const uploads = vault(redis, prefix);
    const first = await uploads.put('p', Buffer.alloc(1000));
    const second = await uploads.put('p', Buffer.alloc(300));
    await uploads.put('other', Buffer.alloc(50));
    assert.equal(await uploads.heldBytes('p'), 1300);
    assert.equal(await uploads.heldBytes('other'), 50, 'each project has its own count');

    await uploads.acquire(first);
    await uploads.release(first, 'transcript-1');
    assert.equal(await uploads.heldBytes('p'), 300, 'a released upload is no longer held');
    await redis.del(`${prefix}:upload:${second}`); // what expiry does
    assert.equal(await uploads.heldBytes('p'), 0, 'an expired upload is no longer held');
    assert.equal(await redis.hlen(`${prefix}:upload-bytes:p`), 0, 'and the ledger forgets it');
  });
});

test('submitting a transcript twice queues one job', async (t) => {
  await withRedis(t, async (redis, prefix, url) => {
    const queue = new BullmqQueue({
      producer: redis,
      connection: redisOptions(url, `${prefix}:test`),
      prefix,
      lockMs: 30_000,
      stalledCheckMs: 30_000,
      drainMs: 0,
      onError: (err) => assert.fail(err),
    });
    try {
      await queue.enqueue('3f0c1b6e-0000-4000-8000-000000000001', 'p');
      await queue.enqueue('3f0c1b6e-0000-4000-8000-000000000001', 'p');
      await queue.enqueue('3f0c1b6e-0000-4000-8000-000000000002', 'p');
      // Every job carries a priority (its place in its project's backlog), so they wait in `prioritized`.
      const waiting = () => redis.zrange(`${prefix}:transcripts:prioritized`, 0, -1);
      assert.equal((await waiting()).length, 2);
      assert.equal(await queue.backlog('p'), 2);

      // A job that failed for good (its retries spent) comes back when submitted again.
      const failing = new Worker(TRANSCRIPT_QUEUE, async () => {
        throw new UnrecoverableError('the database is down');
      }, { connection: redisOptions(url, `${prefix}:test`), prefix });
      await waitFor(async () => (await redis.zcard(`${prefix}:transcripts:failed`)) === 2);
      await failing.close();
      await queue.enqueue('3f0c1b6e-0000-4000-8000-000000000001', 'p');
      assert.deepEqual(await waiting(), ['3f0c1b6e-0000-4000-8000-000000000001']);
      assert.equal(await redis.zcard(`${prefix}:transcripts:failed`), 1);
    } finally {
      await queue.close();
    }
  });
});

test('a streaming token redeemed through one api process is refused by another', async (t) => {
  await withRedis(t, async (redis, prefix) => {
    const apiA = new StreamTokens('shared-secret', Date.now, new RedisUsedTokens(redis, prefix));
    const apiB = new StreamTokens('shared-secret', Date.now, new RedisUsedTokens(redis, prefix));
    const token = apiA.issue({ keyId: 'k', projectId: 'p' }, 60);
    assert.equal((await apiB.redeem(token)).projectId, 'p', 'issued by one, accepted by another');
    await assert.rejects(apiA.redeem(token), /already used/);
    const [nonceKey] = await redis.keys(`${prefix}:stream-token:*`);
    const ttl = await redis.pttl(nonceKey);
    assert.ok(ttl > 55_000 && ttl <= 60_000, `remembered until the token expires (${ttl} ms)`);
  });
});

async function waitFor(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
