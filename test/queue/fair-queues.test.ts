/**
 * Fair admission between projects (issue 15 item 3) in both queues: the in-process one (per-project
 * lanes taken in turn) and BullMQ on a real Redis (a job's priority is its place in its project's
 * backlog). One project floods the queue; another's single job is next but one, not last.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { BullmqQueue } from '../../src/queue/bullmq-queue.js';
import { MemoryQueue } from '../../src/queue/memory-queue.js';
import type { JobQueue } from '../../src/queue/queue.js';
import { redisOptions } from '../../src/queue/redis.js';
import { redisUrlOrSkip } from '../scale/cluster.js';

/** Runs `jobs` (id → project) through a one-slot consumer and returns the order they started in. */
async function startOrder(queue: JobQueue, jobs: Array<[string, string]>, startConsumer: 'before' | 'after'): Promise<string[]> {
  const started: string[] = [];
  let done!: () => void;
  const all = new Promise<void>((resolve) => (done = resolve));
  const consume = () =>
    queue.process(async (id) => {
      started.push(id);
      if (started.length === jobs.length) done();
      await new Promise((r) => setTimeout(r, 5));
    }, 1);
  if (startConsumer === 'before') consume();
  for (const [id, project] of jobs) await queue.enqueue(id, project);
  if (startConsumer === 'after') consume();
  await all;
  return started;
}

const flood: Array<[string, string]> = [
  ...Array.from({ length: 8 }, (_, i): [string, string] => [`a${i + 1}`, 'flooder']),
  ['b1', 'quiet'],
  ['c1', 'other'],
  ['c2', 'other'],
];

describe('fair queues', () => {
  test('memory queue: projects take turns, each in its own arrival order', async () => {
    const queue = new MemoryQueue();
    try {
      // Consumer first: a1 starts on arrival, the rest wait in their lanes.
      const order = await startOrder(queue, flood, 'before');
      // a1 started on arrival; then the projects with nothing started yet, then by oldest start.
      assert.deepEqual(order.slice(0, 6), ['a1', 'b1', 'c1', 'a2', 'c2', 'a3'], order.join(' '));
      assert.deepEqual(order.filter((id) => id.startsWith('a')), ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8']);
      assert.ok(order.indexOf('c2') < order.indexOf('a5'), `c2 waited for the flood: ${order.join(' ')}`);
    } finally {
      await queue.close();
    }
  });

  test('memory queue: backlog counts a project\'s jobs queued or running', async () => {
    const queue = new MemoryQueue();
    const release: Array<() => void> = [];
    queue.process(() => new Promise<void>((resolve) => release.push(resolve)), 1);
    for (const [id, project] of flood) await queue.enqueue(id, project);
    assert.equal(await queue.backlog('flooder'), 8, 'a1 runs, seven wait');
    assert.equal(await queue.backlog('quiet'), 1);
    assert.equal(await queue.backlog('nobody'), 0);
    release.shift()!();
    await new Promise((r) => setImmediate(r));
    assert.equal(await queue.backlog('flooder'), 7, 'a1 finished');
    assert.equal(await queue.backlog('quiet'), 1, 'b1 runs');
    release.shift()!();
    await new Promise((r) => setImmediate(r));
    assert.equal(await queue.backlog('quiet'), 0);
    release.forEach((r) => r());
    await queue.close();
  });

  test('BullMQ queue: a job\'s priority is its place in its project\'s backlog', async (t) => {
    const url = await redisUrlOrSkip(t);
    if (!url) return;
    const redis = new Redis(url);
    const prefix = `earshot-test-${randomBytes(4).toString('hex')}`;
    const queue = new BullmqQueue({ producer: redis, connection: redisOptions(url, `${prefix}:test`), prefix, lockMs: 30_000, stalledCheckMs: 30_000, drainMs: 0, onError: (err) => assert.fail(err) });
    try {
      // Everything queued before any worker runs, as when workers are busy: the strictest case.
      const ids = flood.map(([id, project]): [string, string] => [`${prefix}-${id}`, project]);
      const pending = startOrder(queue, ids, 'after');
      const order = (await pending).map((id) => id.slice(prefix.length + 1));
      // Round 1: each project's first job (ties in arrival order); round 2: each one's second; …
      assert.deepEqual(order.slice(0, 6), ['a1', 'b1', 'c1', 'a2', 'c2', 'a3'], order.join(' '));
      assert.deepEqual(order.filter((id) => id.startsWith('a')), ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8']);
      // Counted down on each job's `completed` event, which follows its handler.
      for (let i = 0; i < 100 && (await queue.backlog('flooder')) > 0; i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(await queue.backlog('flooder'), 0, 'counted down as jobs finished');
      assert.deepEqual(await redis.hgetall(`${prefix}:backlog:transcripts`), {}, 'no counters left behind');
    } finally {
      await queue.close();
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    }
  });
});
