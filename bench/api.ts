/**
 * `node --import tsx bench/api.ts`: the async API's benchmark (issue 4).
 *   1. upload → completed through the HTTP API for the five LibriVox clips, one after another,
 *      ÷ raw `pocketsphinx_continuous` on the same clips in the same run (target ≤ 0.8). Each
 *      clip runs raw then through the API, so a change in machine load hits both sides alike.
 *   2. GET /v2/transcript/:id under 200 concurrent keep-alive clients on loopback, for a bounded
 *      time: p50/p99 latency and errors (target p99 ≤ 20 ms, no errors). The clients run in a
 *      worker thread so they do not share the server's event loop.
 * Options: --rounds N (clip rounds, default 3), --skip-clips, --seconds S (load test, default
 *          10), --clients C (default 200), --no-cache (API-key and transcript caches off: every
 *          GET reads the store), --health (load GET /health instead, the HTTP stack's ceiling),
 *          --database URL (default SQLite in a temp dir).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { loadConfig, startEarshot } from '../src/app.js';
import { librivoxClips, rawPocketsphinx } from '../test/helpers/librivox.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const rounds = Number(option('--rounds', '3'));
const skipClips = args.includes('--skip-clips');
/** Every GET reads the store: what polling a queued or processing transcript costs. */
const noCache = args.includes('--no-cache');
const seconds = Number(option('--seconds', '10'));
const clients = Number(option('--clients', '200'));
const database = args.includes('--database') ? option('--database', '') : undefined;

const key = `bench_${Date.now()}_abcdefghijklmnopqrstuvwxyz`;
const dataDir = await mkdtemp(join(tmpdir(), 'earshot-bench-'));
// Private URLs allowed: the webhook receiver below is on loopback.
const server = await startEarshot(
  loadConfig(
    {
      port: 0,
      dataDir,
      databaseUrl: database,
      concurrency: 1,
      apiKeys: [key],
      logLevel: 'warn',
      allowPrivateUrls: true,
      ...(noCache ? { authCacheMs: 0, readCacheMs: 0 } : {}),
    },
    {},
  ),
);
const headers = { authorization: key };

// Completion is seen through the webhook, the moment the job stores its result: polling GET
// would add its own interval and load the server while it transcribes.
const finished = new Map<string, (status: string) => void>();
const receiver = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    res.end();
    const { transcript_id, status } = JSON.parse(body) as { transcript_id: string; status: string };
    finished.get(transcript_id)?.(status);
  });
});
await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
const webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/done`;

async function transcribeViaApi(bytes: Buffer): Promise<string> {
  const up = await fetch(`${server.url}/v2/upload`, { method: 'POST', headers: { ...headers, 'content-type': 'application/octet-stream' }, body: new Uint8Array(bytes) });
  const { upload_url } = (await up.json()) as { upload_url: string };
  let done!: (status: string) => void;
  const status = new Promise<string>((r) => (done = r));
  const created = await fetch(`${server.url}/v2/transcript`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ audio_url: upload_url, webhook_url: webhookUrl }),
  });
  const { id } = (await created.json()) as { id: string };
  finished.set(id, done);
  // A webhook can only arrive after the job ran, well after `created` was answered.
  if ((await status) !== 'completed') throw new Error(`transcript ${id} failed`);
  finished.delete(id);
  return id;
}

try {
  const clips = librivoxClips();
  // One warm-up job: a long-running server has its engine and VAD session loaded already.
  let lastId = await transcribeViaApi(await readFile(clips[0].path));

  console.log(`1. upload → completed vs raw pocketsphinx_continuous: ${clips.length} LibriVox clips × ${rounds} round(s), sequential\n`);
  const perClip = new Map<string, { raw: number; api: number }>();
  for (let round = 0; round < (skipClips ? 0 : rounds); round++) {
    for (const clip of clips) {
      let started = performance.now();
      await rawPocketsphinx(clip.path);
      const raw = performance.now() - started;
      started = performance.now();
      lastId = await transcribeViaApi(await readFile(clip.path));
      const api = performance.now() - started;
      const sum = perClip.get(clip.id) ?? { raw: 0, api: 0 };
      perClip.set(clip.id, { raw: sum.raw + raw, api: sum.api + api });
    }
  }
  let rawTotal = 0;
  let apiTotal = 0;
  console.log(`${'clip'.padEnd(44)} ${'raw ms'.padStart(8)} ${'API ms'.padStart(8)} ${'ratio'.padStart(6)}`);
  for (const [id, { raw, api }] of perClip) {
    rawTotal += raw;
    apiTotal += api;
    console.log(`${id.padEnd(44)} ${(raw / rounds).toFixed(0).padStart(8)} ${(api / rounds).toFixed(0).padStart(8)} ${(api / raw).toFixed(2).padStart(6)}`);
  }
  const ratio = apiTotal / rawTotal;
  console.log(`${'total (mean per round)'.padEnd(44)} ${(rawTotal / rounds).toFixed(0).padStart(8)} ${(apiTotal / rounds).toFixed(0).padStart(8)} ${ratio.toFixed(2).padStart(6)}`);
  console.log(`ratio API ÷ raw = ${ratio.toFixed(2)} (target ≤ 0.8: ${ratio <= 0.8 ? 'met' : 'NOT met'})\n`);

  console.log(
    `2. GET ${args.includes('--health') ? '/health' : '/v2/transcript/:id'}, ${clients} concurrent keep-alive clients, ${seconds} s, ` +
      `store ${server.store.kind}, caches ${noCache ? 'off' : 'on'}\n`,
  );
  const target = args.includes('--health') ? '/health' : `/v2/transcript/${lastId}`;
  const load = await runLoad(`${server.url}${target}`, key, clients, seconds * 1000);
  const sorted = Float64Array.from(load.latencies).sort();
  const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
  console.log(`${'requests'.padEnd(12)} ${load.latencies.length}   (${(load.latencies.length / seconds).toFixed(0)} req/s)`);
  console.log(`${'errors'.padEnd(12)} ${load.errors}${load.errorSample ? `   e.g. ${load.errorSample}` : ''}`);
  for (const p of [50, 90, 99, 99.9]) console.log(`${`p${p}`.padEnd(12)} ${pct(p).toFixed(2)} ms`);
  console.log(`${'max'.padEnd(12)} ${sorted[sorted.length - 1].toFixed(2)} ms`);
  console.log(`p99 ${pct(99).toFixed(2)} ms (target ≤ 20 ms: ${pct(99) <= 20 && load.errors === 0 ? 'met' : 'NOT met'})`);
} finally {
  receiver.close();
  await server.close();
  await rm(dataDir, { recursive: true, force: true });
}

interface LoadResult {
  latencies: number[];
  errors: number;
  errorSample?: string;
}

/** Closed-loop clients (each sends its next request when the last one is answered), in a worker thread. */
function runLoad(url: string, apiKey: string, concurrency: number, durationMs: number): Promise<LoadResult> {
  const source = `
    const { parentPort, workerData } = require('node:worker_threads');
    const http = require('node:http');
    const { url, apiKey, concurrency, durationMs } = workerData;
    const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
    const latencies = [];
    let errors = 0, errorSample;
    const end = Date.now() + durationMs;
    const one = () => new Promise((resolve) => {
      const started = performance.now();
      const req = http.get(url, { agent, headers: { authorization: apiKey } }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode === 200) latencies.push(performance.now() - started);
          else { errors++; errorSample ??= 'HTTP ' + res.statusCode; }
          resolve();
        });
      });
      req.on('error', (err) => { errors++; errorSample ??= err.message; resolve(); });
    });
    const client = async () => { while (Date.now() < end) await one(); };
    Promise.all(Array.from({ length: concurrency }, client)).then(() => {
      agent.destroy();
      parentPort.postMessage({ latencies, errors, errorSample });
    });
  `;
  return new Promise((resolve, reject) => {
    const worker = new Worker(source, { eval: true, workerData: { url, apiKey, concurrency, durationMs } });
    worker.once('message', (result: LoadResult) => {
      void worker.terminate();
      resolve(result);
    });
    worker.once('error', reject);
  });
}
