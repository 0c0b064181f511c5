/**
 * The queue wrapper on the real in-process queue: arrivals, waiting and running jobs, and one
 * wait-time observation per started job, read back through the metrics text.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ArrivalHistory } from '../../src/observability/arrivals.js';
import { InstrumentedQueue } from '../../src/observability/instrumented-queue.js';
import { EarshotMetrics } from '../../src/observability/metrics.js';
import { MemoryQueue } from '../../src/queue/memory-queue.js';
import { parsePrometheus, sampleValue } from './prometheus-text.js';

test('waiting and running jobs, arrivals and wait times follow the in-process queue', async () => {
  const metrics = new EarshotMetrics();
  const arrivals = new ArrivalHistory();
  const queue = new InstrumentedQueue(new MemoryQueue(), 'all', metrics, arrivals);
  const release: Array<() => void> = [];
  const started: string[] = [];
  queue.process((id) => {
    started.push(id);
    return new Promise<void>((resolve) => release.push(resolve));
  }, 1);
  const read = async () => parsePrometheus((await metrics.scrape()).body);
  try {
    for (const id of ['a', 'b', 'c']) await queue.enqueue(id, 'project');
    // One slot: "a" runs, "b" and "c" wait.
    let samples = await read();
    assert.deepEqual(started, ['a']);
    assert.equal(queue.waiting(), 2);
    assert.equal(sampleValue(samples, 'earshot_queue_depth', { stage: 'all' }), 2);
    assert.equal(sampleValue(samples, 'earshot_jobs', { stage: 'all', status: 'queued' }), 2);
    assert.equal(sampleValue(samples, 'earshot_jobs', { stage: 'all', status: 'processing' }), 1);
    assert.equal(sampleValue(samples, 'earshot_job_transitions_total', { status: 'queued' }), 3);
    assert.equal(sampleValue(samples, 'earshot_queue_wait_seconds_count', { stage: 'all' }), 1);
    const { perMinute, thisMinute } = arrivals.snapshot();
    assert.equal(thisMinute + perMinute.reduce((x, y) => x + y, 0), 3);

    release.shift()!();
    await new Promise((r) => setImmediate(r));
    samples = await read();
    assert.deepEqual(started, ['a', 'b']);
    assert.equal(sampleValue(samples, 'earshot_queue_depth', { stage: 'all' }), 1);
    assert.equal(sampleValue(samples, 'earshot_jobs', { stage: 'all', status: 'processing' }), 1);
    assert.equal(sampleValue(samples, 'earshot_queue_wait_seconds_count', { stage: 'all' }), 2);
  } finally {
    for (const r of release) r();
    await queue.close();
  }
});
