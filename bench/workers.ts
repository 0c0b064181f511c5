/**
 * `node --import tsx bench/workers.ts`: throughput of scaled-out workers (issue 12). A burst of
 * transcripts (the five LibriVox clips, four times: 20 jobs) is submitted through one
 * `earshot api`, then drained by one single-slot `earshot worker` (one job at a time, one decoder:
 * one core of capacity, as a worker on its own small machine), and in a fresh installation by
 * two; prints both wall times and their ratio from one run (issue target: two ÷ one ≥ 1.8 in
 * throughput), and the queue wait of the last job of the burst. Needs the local Postgres and Redis
 * (as the tests do: EARSHOT_TEST_POSTGRES_URL, EARSHOT_TEST_REDIS_URL).
 * Each worker is pinned to a core of its own (`taskset`), as if each ran on a one-core machine: a
 * worker's main thread (speech detection, formatting, analyses) would otherwise borrow the core
 * the other worker decodes on, which says more about this 2-core machine than about scaling out.
 * Options: --jobs N (default 20), --concurrency N and --decoders N per worker (default 1 each),
 * --no-pin to let the workers share every core.
 */
import type { TestContext } from 'node:test';
import { parseArgs } from 'node:util';
import { librivoxClips } from '../test/helpers/librivox.js';
import { call, startCluster } from '../test/scale/cluster.js';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { promisify } from 'node:util';

const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '1' },
    decoders: { type: 'string', default: '1' },
    'no-pin': { type: 'boolean', default: false },
  },
});
const cores = availableParallelism();
const jobs = Number(values.jobs);
const clips = await Promise.all(librivoxClips().map((c) => readFile(c.path)));

/** The cluster helper skips a test when a service is missing; here that ends the run with the reason. */
const run = promisify(execFile);

const noSkip = { skip: (reason: string) => { throw new Error(reason); } } as unknown as TestContext;

async function drain(workers: number): Promise<{ wallMs: number; lastWaitMs: number }> {
  const cluster = (await startCluster(noSkip, { EARSHOT_CONCURRENCY: values.concurrency!, EARSHOT_DECODERS: values.decoders!, EARSHOT_LOG_LEVEL: 'warn' }))!;
  try {
    const api = await cluster.startApi();
    const started = await Promise.all(Array.from({ length: workers }, () => cluster.startWorker()));
    if (!values['no-pin']) {
      // -a: every thread the worker has (its decoder threads too); threads it starts later inherit it.
      for (const [i, worker] of started.entries()) await run('taskset', ['-a', '-p', '-c', String(i % cores), String(worker.process.pid)]);
    }
    const uploads: string[] = [];
    for (let i = 0; i < jobs; i++) {
      const response = await fetch(`${api.url}/v2/upload`, { method: 'POST', headers: { authorization: cluster.key }, body: new Uint8Array(clips[i % clips.length]) });
      uploads.push(((await response.json()) as { upload_url: string }).upload_url);
    }
    const submitted = Date.now();
    for (const url of uploads) await call(api.url, cluster.key, 'POST', '/v2/transcript', { audio_url: url });
    for (;;) {
      const [row] = await cluster.query<{ done: string; errors: string }>(
        "select count(*) filter (where status in ('completed', 'error')) as done, count(*) filter (where status = 'error') as errors from transcripts",
      );
      if (Number(row.errors) > 0) throw new Error(`${row.errors} transcript(s) failed`);
      if (Number(row.done) === jobs) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const wallMs = Date.now() - submitted;
    // Queue wait of the job that waited longest: created → claimed (first start).
    const [wait] = await cluster.query<{ ms: string }>('select max(extract(epoch from (claimed_at - created_at)) * 1000) as ms from transcripts');
    return { wallMs, lastWaitMs: Math.round(Number(wait.ms)) };
  } finally {
    await cluster.close();
  }
}

const one = await drain(1);
process.stdout.write(`1 worker:  ${jobs} jobs in ${(one.wallMs / 1000).toFixed(1)} s (longest queue wait ${(one.lastWaitMs / 1000).toFixed(1)} s)\n`);
const two = await drain(2);
process.stdout.write(`2 workers: ${jobs} jobs in ${(two.wallMs / 1000).toFixed(1)} s (longest queue wait ${(two.lastWaitMs / 1000).toFixed(1)} s)\n`);
process.stdout.write(`throughput, two workers ÷ one: ${(one.wallMs / two.wallMs).toFixed(2)} (issue target ≥ 1.8)\n`);
process.exit(0);
