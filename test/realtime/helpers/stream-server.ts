/**
 * An Earshot server with TLS (a certificate made for the test) and a plain-protocol client on the
 * `ws` package that trusts it, recording every server message and the close.
 */
import https from 'node:https';
import WebSocket from 'ws';
import type { EarshotConfig } from '../../../src/app.js';
import type { ServerMessage, TurnMessage } from '../../../src/realtime/protocol.js';
import { startTestServer, type TestServer } from '../../helpers/earshot-server.js';
import { makeTestCertificate, type TestCertificate } from './tls.js';

export interface StreamTestServer extends TestServer {
  /** wss://127.0.0.1:port/v3/ws */
  wsUrl: string;
  cert: TestCertificate;
  connect(query?: Record<string, string>, auth?: { key?: string | null; token?: string }): TestStream;
  /** GET /v3/token over https, trusting the test certificate. */
  token(query: string, key?: string | null): Promise<{ status: number; json: any }>;
  /** Any GET on the API over https (the helper's fetch-based `call` cannot trust the test CA). */
  get(path: string, key?: string | null): Promise<{ status: number; json: any }>;
}

export interface TestStream {
  ws: WebSocket;
  messages: ServerMessage[];
  /** Resolves with the close code and reason, whoever closed. */
  closed: Promise<{ code: number; reason: string }>;
  /** Resolves on Begin; rejects if the socket closes first. */
  begun: Promise<ServerMessage>;
  turns(): TurnMessage[];
  /** Sends PCM in chunks; `realtime` waits a chunk's duration between sends. */
  send(pcm: Int16Array, options?: { chunkMs?: number; realtime?: boolean }): Promise<void>;
  terminate(): void;
}

export async function startStreamServer(overrides: Partial<EarshotConfig> = {}): Promise<StreamTestServer> {
  const cert = await makeTestCertificate();
  const server = await startTestServer({ tlsCert: cert.certPath, tlsKey: cert.keyPath, ...overrides });
  const wsUrl = `${server.url.replace(/^https/, 'wss')}/v3/ws`;
  const connect: StreamTestServer['connect'] = (query = { sample_rate: '16000' }, auth = {}) => {
    const params = new URLSearchParams(query);
    if (auth.token) params.set('token', auth.token);
    const key = auth.key === undefined ? server.keyA : auth.key;
    const headers = key === null || auth.token ? {} : { authorization: key };
    const ws = new WebSocket(`${wsUrl}?${params}`, { headers, ca: cert.cert });
    return track(ws);
  };
  const get: StreamTestServer['get'] = (path, key = server.keyA) =>
    new Promise((resolve, reject) => {
      const request = https.get(`${server.url}${path}`, { ca: cert.cert, headers: key === null ? {} : { authorization: key } }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(body) }));
      });
      request.on('error', reject);
    });
  return {
    ...server,
    wsUrl,
    cert,
    connect,
    token: (query, key) => get(`/v3/token?${query}`, key),
    get,
    close: async () => {
      await server.close();
      await cert.remove();
    },
  };
}

function track(ws: WebSocket): TestStream {
  const messages: ServerMessage[] = [];
  ws.on('error', () => {});
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  const begun = new Promise<ServerMessage>((resolve, reject) => {
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as ServerMessage;
      messages.push(message);
      if (message.type === 'Begin') resolve(message);
    });
    void closed.then(({ code, reason }) => reject(new Error(`closed before Begin: ${code} ${reason}`)));
  });
  begun.catch(() => {});
  return {
    ws,
    messages,
    closed,
    begun,
    turns: () => messages.filter((m): m is TurnMessage => m.type === 'Turn'),
    async send(pcm, { chunkMs = 50, realtime = false } = {}) {
      const step = (16000 * chunkMs) / 1000;
      const started = performance.now();
      for (let i = 0, n = 0; i < pcm.length; i += step, n++) {
        if (ws.readyState !== WebSocket.OPEN) return;
        if (realtime) {
          const wait = started + n * chunkMs - performance.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        }
        await new Promise<void>((resolve) => ws.send(pcm.subarray(i, i + step), () => resolve()));
      }
    },
    terminate: () => ws.terminate(),
  };
}
