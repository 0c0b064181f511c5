/**
 * Runs a real Earshot server for API tests: in-process through `startEarshot`, on a random port,
 * with its own temporary data directory and seeded API keys, SQLite by default or Postgres in a
 * fresh schema. Everything it made is removed by `close()`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import pg from 'pg';
import { loadConfig, startEarshot, type EarshotConfig, type EarshotServer } from '../../src/app.js';

export interface TestServer {
  url: string;
  server: EarshotServer;
  dataDir: string;
  /** Two keys in two different projects. */
  keyA: string;
  keyB: string;
  /** JSON or text request with a key (or none); never throws on an HTTP error. */
  call(method: string, path: string, init?: { key?: string | null; body?: unknown; raw?: BodyInit; headers?: Record<string, string> }): Promise<Reply>;
  /** Polls GET /v2/transcript/:id until it is completed or error. */
  waitFor(id: string, key?: string, timeoutMs?: number): Promise<Record<string, any>>;
  close(): Promise<void>;
}

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

export function newKey(label: string): string {
  return `${label}_${randomBytes(18).toString('base64url')}`;
}

export async function startTestServer(overrides: Partial<EarshotConfig> = {}, dataDir?: string): Promise<TestServer> {
  const dir = dataDir ?? (await mkdtemp(join(tmpdir(), 'earshot-api-')));
  const keyA = newKey('a');
  const keyB = newKey('b');
  const config = loadConfig(
    {
      port: 0,
      host: '127.0.0.1',
      dataDir: dir,
      // Beside the data directory, never in it (the server refuses that), and gone with it.
      keyFile: `${dir}.keys.json`,
      concurrency: 1,
      apiKeys: [`alpha:${keyA}`, `beta:${keyB}`],
      logLevel: process.env.EARSHOT_TEST_LOG_LEVEL ?? 'silent',
      webhookBaseDelayMs: 100,
      authCacheMs: 300,
      ...overrides,
    },
    {},
  );
  const server = await startEarshot(config);
  const call: TestServer['call'] = async (method, path, init = {}) => {
    const headers: Record<string, string> = { ...init.headers };
    const key = init.key === undefined ? keyA : init.key;
    if (key !== null) headers.authorization = key;
    let body: BodyInit | undefined = init.raw;
    if (init.body !== undefined) {
      body = JSON.stringify(init.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${server.url}${path}`, { method, headers, body });
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, text, json };
  };
  const waitFor: TestServer['waitFor'] = async (id, key = keyA, timeoutMs = 60_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const reply = await call('GET', `/v2/transcript/${id}`, { key });
      if (reply.status !== 200) throw new Error(`GET ${id}: ${reply.status} ${reply.text}`);
      if (reply.json.status === 'completed' || reply.json.status === 'error') return reply.json;
      if (Date.now() > deadline) throw new Error(`transcript ${id} still ${reply.json.status} after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return {
    url: server.url,
    server,
    dataDir: dir,
    keyA,
    keyB,
    call,
    waitFor,
    close: async () => {
      await server.close();
      if (!dataDir) await rm(dir, { recursive: true, force: true });
      if (!dataDir) await rm(`${dir}.keys.json`, { force: true });
    },
  };
}

/** A local HTTP server handing out files (audio_url tests), counting requests. */
export async function fileServer(files: Record<string, Buffer>): Promise<{ origin: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    const body = files[new URL(req.url ?? '/', 'http://x').pathname];
    if (!body) {
      res.statusCode = 404;
      res.end('not found');
      return;
    }
    res.setHeader('content-type', 'application/octet-stream');
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/**
 * A fresh schema on the local Postgres for one test, or null after skipping it (failing when CI
 * is set, so an unreachable database never passes silently).
 */
export async function postgresDatabase(t: TestContext): Promise<{ url: string; drop(): Promise<void> } | null> {
  const candidates = process.env.EARSHOT_TEST_POSTGRES_URL
    ? [process.env.EARSHOT_TEST_POSTGRES_URL]
    : ['postgres://postgres@127.0.0.1:5432/test', 'postgres://root@127.0.0.1:5432/test'];
  const reasons: string[] = [];
  for (const base of candidates) {
    const admin = new pg.Client({ connectionString: base, connectionTimeoutMillis: 3000 });
    try {
      await admin.connect();
    } catch (err) {
      reasons.push(`${new URL(base).username}@${new URL(base).host}: ${(err as Error).message}`);
      await admin.end().catch(() => {});
      continue;
    }
    const schema = `earshot_api_${process.pid}_${randomBytes(4).toString('hex')}`;
    await admin.query(`create schema ${schema}`);
    const url = new URL(base);
    url.searchParams.set('options', `-c search_path=${schema}`);
    return {
      url: url.toString(),
      drop: async () => {
        await admin.query(`drop schema if exists ${schema} cascade`);
        await admin.end();
      },
    };
  }
  const reason = reasons.join('; ');
  if (process.env.CI) throw new Error(`Postgres is required when CI is set, but unreachable: ${reason}`);
  t.skip(`Postgres unreachable (${reason}); set EARSHOT_TEST_POSTGRES_URL or start it on 127.0.0.1:5432`);
  return null;
}
