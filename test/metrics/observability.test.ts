/**
 * Observability of `earshot serve` (issue 12 items 6 and 7) on a real server running a real
 * transcription: /metrics moves by the right amounts, /healthz and /readyz answer (and /readyz
 * names the database when it is gone), GET /v2/scale and `earshot scale advise` explain their
 * numbers, and log lines carry the request id and the transcript id.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import { loadConfig, startEarshot } from '../../src/app.js';
import { runCli } from '../helpers/cli.js';
import { newKey, postgresDatabase, startTestServer, type TestServer } from '../helpers/earshot-server.js';
import { librivoxClips } from '../helpers/librivox.js';
import { parsePrometheus, sampleValue, type Sample } from './prometheus-text.js';

const clip = librivoxClips().find((c) => c.id.endsWith('0880'))!;

async function scrape(s: TestServer): Promise<Sample[]> {
  const reply = await s.call('GET', '/metrics', { key: null });
  assert.equal(reply.status, 200, reply.text);
  assert.match(reply.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  return parsePrometheus(reply.text);
}

async function transcribe(s: TestServer, body: Record<string, unknown> = {}): Promise<Record<string, any>> {
  const up = await s.call('POST', '/v2/upload', { raw: await readFile(clip.path), headers: { 'content-type': 'application/octet-stream' } });
  assert.equal(up.status, 200, up.text);
  const created = await s.call('POST', '/v2/transcript', { body: { audio_url: up.json.upload_url, ...body } });
  assert.equal(created.status, 200, created.text);
  return s.waitFor(created.json.id);
}

/** A webhook receiver that always answers 500. */
async function failingReceiver(): Promise<{ url: string; hits: () => number; close(): Promise<void> }> {
  let hits = 0;
  const server = http.createServer((req, res) => {
    hits++;
    req.resume();
    res.statusCode = 500;
    res.end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    hits: () => hits,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('metrics, health and scale advice on a running server', () => {
  let s: TestServer;
  let adminKey: string;
  let before1: Sample[];
  let after1: Sample[];
  let transcript: Record<string, any>;

  before(async () => {
    adminKey = newKey('admin');
    s = await startTestServer({ adminKeys: [adminKey], allowPrivateUrls: true, webhookMaxAttempts: 2 });
    await s.server.store.seedApiKeys([`ops:${adminKey}`]);
    before1 = await scrape(s);
    transcript = await transcribe(s);
    assert.equal(transcript.status, 'completed', transcript.error);
    after1 = await scrape(s);
  });
  after(() => s.close());

  test('one completed job moves the job, stage, real-time-factor and queue metrics by one', () => {
    const moved = (name: string, labels: Record<string, string> = {}) => sampleValue(after1, name, labels) - sampleValue(before1, name, labels);
    for (const status of ['queued', 'processing', 'completed']) assert.equal(moved('earshot_job_transitions_total', { status }), 1, status);
    assert.equal(moved('earshot_job_transitions_total', { status: 'error' }), 0);
    assert.equal(moved('earshot_job_realtime_factor_count'), 1);
    assert.ok(moved('earshot_job_realtime_factor_sum') > 0);
    assert.ok(Math.abs(moved('earshot_audio_seconds_total') - transcript.audio_duration) < 0.01, `audio ${moved('earshot_audio_seconds_total')} vs ${transcript.audio_duration}`);
    assert.equal(moved('earshot_queue_wait_seconds_count', { stage: 'all' }), 1);
    for (const stage of ['decode', 'vad', 'asr', 'transcript', 'formatted']) {
      assert.equal(moved('earshot_stage_duration_seconds_count', { stage }), 1, stage);
    }
    assert.ok(moved('earshot_stage_duration_seconds_sum', { stage: 'asr' }) > 0);
    assert.ok(moved('earshot_stage_duration_seconds_sum', { stage: 'decode' }) > 0);
    // Nothing waits or runs once the job is done; no stream is open.
    assert.equal(sampleValue(after1, 'earshot_queue_depth', { stage: 'all' }), 0);
    assert.equal(sampleValue(after1, 'earshot_jobs', { stage: 'all', status: 'processing' }), 0);
    assert.equal(sampleValue(after1, 'earshot_stream_sessions_open'), 0);
    // Node's process metrics come along.
    assert.ok(sampleValue(after1, 'earshot_process_cpu_user_seconds_total') > 0);
  });

  test('HTTP latency is labelled by route pattern, method and status class, never by id', async () => {
    const count = (route: string, method: string, statusClass: string, samples = after1) =>
      sampleValue(samples, 'earshot_http_request_duration_seconds_count', { route, method, status_class: statusClass });
    assert.equal(count('/v2/transcript', 'POST', '2xx') - count('/v2/transcript', 'POST', '2xx', before1), 1);
    assert.equal(count('/v2/upload', 'POST', '2xx') - count('/v2/upload', 'POST', '2xx', before1), 1);
    assert.ok(count('/v2/transcript/:transcript_id', 'GET', '2xx') >= 1);
    // Every histogram's +Inf bucket holds all its observations.
    const inf = after1.find((x) => x.name === 'earshot_http_request_duration_seconds_bucket' && x.labels.route === '/v2/transcript' && x.labels.le === '+Inf');
    assert.equal(inf?.value, count('/v2/transcript', 'POST', '2xx'));

    assert.equal((await s.call('GET', `/no/such/${transcript.id}`)).status, 404);
    const text = (await s.call('GET', '/metrics', { key: null })).text;
    assert.equal(sampleValue(parsePrometheus(text), 'earshot_http_request_duration_seconds_count', { route: 'unmatched', method: 'GET', status_class: '4xx' }), 1);
    assert.ok(!text.includes(transcript.id), 'a transcript id appears in /metrics');
    assert.ok(!text.includes(s.keyA) && !text.includes('alpha'), 'a key or project appears in /metrics');
  });

  test('/healthz and /readyz answer 200 and keep /health; the request id comes back', async () => {
    const healthz = await s.call('GET', '/healthz', { key: null });
    assert.equal(healthz.status, 200);
    assert.deepEqual(healthz.json, { status: 'ok' });
    const readyz = await s.call('GET', '/readyz', { key: null });
    assert.equal(readyz.status, 200, readyz.text);
    assert.deepEqual(readyz.json, { status: 'ready', checks: [{ name: 'database', ok: true }, { name: 'queue', ok: true }] });
    assert.equal((await s.call('GET', '/health', { key: null })).json.status, 'ok');
    const traced = await s.call('GET', '/healthz', { key: null, headers: { 'x-request-id': 'proxy-req-42' } });
    assert.equal(traced.headers.get('x-request-id'), 'proxy-req-42');
    assert.match(healthz.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
  });

  test('webhook attempts and deliveries given up are counted', async () => {
    const receiver = await failingReceiver();
    try {
      const start = await scrape(s);
      const done = await transcribe(s, { webhook_url: receiver.url });
      assert.equal(done.status, 'completed');
      // Two attempts, 100 ms apart (the test server's base delay), then the delivery is given up.
      const deadline = Date.now() + 20_000;
      let now = await scrape(s);
      while (sampleValue(now, 'earshot_webhook_deliveries_failed_total') === sampleValue(start, 'earshot_webhook_deliveries_failed_total')) {
        assert.ok(Date.now() < deadline, 'the webhook delivery was never given up');
        await new Promise((r) => setTimeout(r, 100));
        now = await scrape(s);
      }
      assert.equal(receiver.hits(), 2);
      assert.equal(sampleValue(now, 'earshot_webhook_attempts_total', { result: 'failed' }) - sampleValue(start, 'earshot_webhook_attempts_total', { result: 'failed' }), 2);
      assert.equal(sampleValue(now, 'earshot_webhook_deliveries_failed_total') - sampleValue(start, 'earshot_webhook_deliveries_failed_total'), 1);
    } finally {
      await receiver.close();
    }
  });

  test('GET /v2/scale takes only admin keys and explains each stage\'s number', async () => {
    const refused = await s.call('GET', '/v2/scale', { key: s.keyA });
    assert.equal(refused.status, 403);
    assert.match(refused.json.error, /EARSHOT_ADMIN_KEYS/);
    assert.equal((await s.call('GET', '/v2/scale', { key: null })).status, 401);

    const reply = await s.call('GET', '/v2/scale', { key: adminKey });
    assert.equal(reply.status, 200, reply.text);
    assert.deepEqual(reply.json.stages.map((x: any) => x.stage), ['asr', 'intelligence']);
    const asr = reply.json.stages[0];
    assert.equal(asr.inputs.queueDepth, 0);
    assert.ok(asr.inputs.jobsMeasured >= 1);
    assert.ok(asr.inputs.throughput > 0);
    assert.ok(asr.inputs.arrivalsThisMinute + asr.inputs.arrivalsPerMinute.reduce((a: number, b: number) => a + b, 0) >= 1);
    assert.equal(asr.recommendedWorkers, 1, asr.steps.join('\n'));
    assert.match(asr.steps.join('\n'), /s of audio per second per slot/);
  });

  test('earshot scale advise prints the advice of the running server', async () => {
    const denied = await runCli(['scale', 'advise', '--url', s.url, '--key', s.keyA]);
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, /answered 403: .*EARSHOT_ADMIN_KEYS/);
    const result = await runCli(['scale', 'advise', '--url', s.url, '--key', adminKey]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^asr: 1 worker\(s\) of 1 slot\(s\) \(now 1\), 0 job\(s\) waiting$/m);
    assert.match(result.stdout, /^intelligence: 1 worker\(s\)/m);
    assert.match(result.stdout, /^ {2}throughput: .* s of audio per second per slot$/m);
  });
});

test('earshot scale advise --inputs works the arithmetic on a load written by hand', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'earshot-scale-'));
  try {
    const path = join(dir, 'load.json');
    const load = { stage: 'asr', queueDepth: 20, currentWorkers: 2, slotsPerWorker: 2, arrivalsPerMinute: Array(10).fill(12), arrivalsThisMinute: 0, work: { audioSeconds: 600, busySeconds: 120, jobs: 10 } };
    await writeFile(path, JSON.stringify({ stages: [load] }));
    const result = await runCli(['scale', 'advise', '--inputs', path]);
    assert.equal(result.code, 0, result.stderr);
    // 12 jobs/min × 60 s ÷ 60 = 12 s/s ÷ (5 × 0.8) = 3 slots; backlog 1200 s ÷ (5 × 120) = 2; ceil(5 / 2) = 3.
    assert.equal(result.stdout.split('\n')[0], 'asr: 3 worker(s) of 2 slot(s) (now 2), 20 job(s) waiting');
    assert.match(result.stdout, /steady state: 12 \/ \(5 × 0.8 utilisation\) = 3 slots/);
    assert.match(result.stdout, /backlog: 20 waiting × 60 s = 1200 s of audio, cleared in 2 min: 1200 \/ \(5 × 120\) = 2 slots/);
    const json = await runCli(['scale', 'advise', '--inputs', path, '--json']);
    assert.equal(JSON.parse(json.stdout).stages[0].recommendedWorkers, 3);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('/readyz answers 503 naming the database once the store is closed', async () => {
  const s = await startTestServer();
  try {
    assert.equal((await s.call('GET', '/readyz', { key: null })).status, 200);
    await s.server.store.close();
    const reply = await s.call('GET', '/readyz', { key: null });
    assert.equal(reply.status, 503);
    assert.equal(reply.json.status, 'not_ready');
    assert.deepEqual(reply.json.checks[0], { name: 'database', ok: false, error: 'the store is closed' });
    assert.deepEqual(reply.json.checks[1], { name: 'queue', ok: true });
    // Alive all the same: a liveness probe must not restart a process for its database's outage.
    assert.equal((await s.call('GET', '/healthz', { key: null })).status, 200);
  } finally {
    await s.close();
  }
});

test('/readyz on Postgres answers 503 when the installation\'s schema is dropped', async (t) => {
  const db = await postgresDatabase(t);
  if (!db) return;
  const s = await startTestServer({ databaseUrl: db.url });
  try {
    assert.equal((await s.call('GET', '/readyz', { key: null })).status, 200);
    await db.drop();
    const reply = await s.call('GET', '/readyz', { key: null });
    assert.equal(reply.status, 503, reply.text);
    assert.equal(reply.json.checks[0].name, 'database');
    assert.equal(reply.json.checks[0].ok, false);
    assert.match(reply.json.checks[0].error, /projects/);
  } finally {
    await s.close();
  }
});

test('log lines carry reqId for requests and transcript_id for a job\'s work', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'earshot-logs-'));
  const lines: Array<Record<string, unknown>> = [];
  const sink = new PassThrough();
  sink.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
  });
  const key = newKey('logs');
  const server = await startEarshot(loadConfig({ port: 0, dataDir: dir, concurrency: 1, apiKeys: [key] }, {}), { logger: pino({ level: 'info' }, sink) });
  try {
    const call = (method: string, path: string, body?: BodyInit, type?: string) =>
      fetch(`${server.url}${path}`, { method, headers: { authorization: key, ...(type ? { 'content-type': type } : {}) }, body });
    const up = (await (await call('POST', '/v2/upload', new Uint8Array(await readFile(clip.path)), 'application/octet-stream')).json()) as { upload_url: string };
    const created = (await (await call('POST', '/v2/transcript', JSON.stringify({ audio_url: up.upload_url }), 'application/json')).json()) as { id: string };
    for (let status = ''; status !== 'completed'; ) {
      status = ((await (await call('GET', `/v2/transcript/${created.id}`)).json()) as { status: string }).status;
      assert.notEqual(status, 'error');
      await new Promise((r) => setTimeout(r, 50));
    }
    const refused = await fetch(`${server.url}/v2/transcript/nope`, { headers: { 'x-request-id': 'trace-7' } });
    assert.equal(refused.status, 401);
    const jobLine = lines.find((l) => l.transcript_id === created.id && /completed/.test(String(l.msg)));
    assert.ok(jobLine, `no completed line with transcript_id ${created.id}:\n${lines.map((l) => JSON.stringify(l)).join('\n')}`);
    assert.ok(lines.some((l) => l.reqId === 'trace-7'), 'the refused request was not logged with its reqId');
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
});
