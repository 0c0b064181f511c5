/**
 * Real `earshot api` and `earshot worker` child processes for the scale-out tests, against the
 * local Postgres (a fresh schema per cluster) and Redis (a fresh key prefix per cluster), both
 * removed by `close()`. Skips when either is unreachable, or fails when CI is set.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { Redis } from 'ioredis';
import pg from 'pg';
import { newKey } from '../helpers/earshot-server.js';
import { postgresUrlOrSkip, testSchemaName, withSearchPath } from '../store/backends.js';

const ROOT = new URL('../../', import.meta.url).pathname;
export const REDIS_URL = process.env.EARSHOT_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The command the machine's set-up starts Redis with (it keeps nothing on disk); starts one that stopped. */
const REDIS_START = ['--daemonize', 'yes', '--bind', '127.0.0.1', '-::1', '--port', '6379', '--save', '', '--appendonly', 'no', '--dir', '/var/lib/redis', '--logfile', '/var/log/redis/ci.log'];

async function redisAnswers(): Promise<string | null> {
  const client = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 2000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
    return null;
  } catch (err) {
    return (err as Error).message;
  } finally {
    client.disconnect();
  }
}

/** Redis's URL, or null after skipping the test (throwing under CI=true) when it cannot be reached. */
export async function redisUrlOrSkip(t: TestContext): Promise<string | null> {
  let reason = await redisAnswers();
  if (reason !== null && !process.env.EARSHOT_TEST_REDIS_URL) {
    spawnSync('redis-server', REDIS_START, { stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 300));
    reason = await redisAnswers();
  }
  if (reason === null) return REDIS_URL;
  if (process.env.CI) throw new Error(`Redis is required when CI is set, but ${REDIS_URL} is unreachable: ${reason}`);
  t.skip(`Redis unreachable at ${REDIS_URL} (${reason}); start it or set EARSHOT_TEST_REDIS_URL`);
  return null;
}

export interface EarshotChild {
  process: ChildProcess;
  /** stdout and stderr so far. */
  output(): string;
  /** Signals the process and waits for it to exit. */
  stop(signal: NodeJS.Signals): Promise<number | null>;
}

export interface ApiChild extends EarshotChild {
  url: string;
}

export interface Cluster {
  key: string;
  prefix: string;
  /** A Redis client of the test's own (for inspecting keys). */
  redis: Redis;
  env: Record<string, string>;
  startApi(): Promise<ApiChild>;
  startWorker(extraArgs?: string[], env?: Record<string, string>): Promise<EarshotChild>;
  /** Every process this cluster started, still running or not. */
  children: EarshotChild[];
  /** Raw SQL in the cluster's schema. */
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export async function startCluster(t: TestContext, settings: Record<string, string> = {}): Promise<Cluster | null> {
  const redisUrl = await redisUrlOrSkip(t);
  if (!redisUrl) return null;
  const pgUrl = await postgresUrlOrSkip(t);
  if (!pgUrl) return null;
  const schema = testSchemaName();
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.query(`set search_path to ${schema}`);
  const dataDir = await mkdtemp(join(tmpdir(), 'earshot-scale-'));
  const prefix = `earshot-test-${process.pid}-${randomBytes(4).toString('hex')}`;
  const key = newKey('scale');
  const redis = new Redis(redisUrl);
  const env: Record<string, string> = {
    // Named after the prefix, so a test can drop exactly its own processes' database connections.
    EARSHOT_DATABASE_URL: withApplicationName(withSearchPath(pgUrl, schema), prefix),
    EARSHOT_REDIS_URL: redisUrl,
    EARSHOT_QUEUE_PREFIX: prefix,
    EARSHOT_DATA_DIR: dataDir,
    EARSHOT_API_KEYS: key,
    EARSHOT_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    EARSHOT_STREAM_TOKEN_SECRET: randomBytes(16).toString('hex'),
    EARSHOT_WEBHOOK_SECRET: randomBytes(16).toString('hex'),
    EARSHOT_ALLOW_PRIVATE_URLS: '1',
    EARSHOT_CONCURRENCY: '1',
    // Short, so a killed worker's job is found again within seconds.
    EARSHOT_JOB_LOCK_MS: '2000',
    EARSHOT_STALLED_CHECK_MS: '1000',
    EARSHOT_WEBHOOK_RETRY_BASE_MS: '200',
    EARSHOT_LOG_LEVEL: 'info',
    ...settings,
  };
  const children: EarshotChild[] = [];
  const spawnEarshot = (args: string[], ready: RegExp, extraEnv: Record<string, string> = {}) =>
    new Promise<{ child: EarshotChild; match: RegExpExecArray }>((resolve, reject) => {
      const proc = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), ...args], {
        cwd: ROOT,
        env: { ...process.env, ...env, ...extraEnv },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      const child: EarshotChild = {
        process: proc,
        output: () => out,
        stop: async (signal) => {
          if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode;
          const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
          proc.kill(signal);
          return exited;
        },
      };
      children.push(child);
      const timer = setTimeout(() => reject(new Error(`earshot ${args[0]} did not start within 60 s:\n${out}`)), 60_000);
      const onData = (chunk: Buffer) => {
        out += chunk;
        const match = ready.exec(out);
        if (match) {
          clearTimeout(timer);
          resolve({ child, match });
        }
      };
      proc.stdout!.on('data', onData);
      proc.stderr!.on('data', (chunk: Buffer) => (out += chunk));
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`earshot ${args[0]} exited with ${code}:\n${out}`));
      });
    });
  return {
    key,
    prefix,
    redis,
    env,
    children,
    startApi: async () => {
      const { child, match } = await spawnEarshot(['api', '--port', '0'], /listening on (http:\/\/\S+)/);
      return { ...child, url: match[1] };
    },
    startWorker: async (extraArgs = [], extraEnv = {}) => (await spawnEarshot(['worker', ...extraArgs], /Earshot worker is running/, extraEnv)).child,
    query: async (text, params = []) => (await admin.query(text, params)).rows,
    close: async () => {
      await Promise.all(children.map((c) => c.stop('SIGKILL')));
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) await redis.del(...keys);
      } while (cursor !== '0');
      redis.disconnect();
      await admin.query(`drop schema if exists ${schema} cascade`);
      await admin.end();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Prints every process's output, then rethrows: what a failed scale-out test needs to be read. */
export function dumpOnFailure(cluster: Cluster, err: unknown): never {
  for (const child of cluster.children) process.stderr.write(`--- ${child.process.spawnargs.slice(3).join(' ')} ---\n${child.output()}\n`);
  throw err;
}

function withApplicationName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('application_name', name);
  return parsed.toString();
}

/** A webhook receiver that records every call's body. */
export async function webhookReceiver(): Promise<{ url: string; calls: Array<{ transcript_id: string; status: string }>; close(): Promise<void> }> {
  const calls: Array<{ transcript_id: string; status: string }> = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      calls.push(JSON.parse(body));
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    calls,
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

/** A REST call with the cluster's key; never throws on an HTTP error. */
export async function call(baseUrl: string, key: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: key, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: response.status, json };
}

/** Polls until `check` returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitUntil<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Several LibriVox clips joined into one WAV with sox: a job that takes a few seconds. */
export async function longSpeech(paths: string[], times: number): Promise<{ path: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'earshot-speech-'));
  const path = join(dir, 'speech.wav');
  const inputs = Array.from({ length: times }, () => paths).flat();
  const result = spawnSync('sox', [...inputs, path]);
  if (result.status !== 0) throw new Error(`sox failed: ${result.stderr}`);
  return { path, remove: () => rm(dir, { recursive: true, force: true }) };
}
