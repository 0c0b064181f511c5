/**
 * Slow and idle HTTP clients (issue 15 item 4) against a real server over raw sockets: a body
 * trickled in is cut off at the request timeout, headers that never end at the headers timeout,
 * and connections beyond the cap are dropped while the server keeps answering the others.
 */
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../src/app.js';
import { startTestServer, type TestServer } from '../helpers/earshot-server.js';

interface Outcome {
  /** Everything the server wrote before it closed the socket. */
  received: string;
  /** Body bytes the client had sent when the socket closed. */
  sent: number;
}

function openSocket(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Sends `head`, then one body byte every `everyMs` until `total` or until the server closes. */
async function drip(url: string, head: string, total: number, everyMs: number): Promise<Outcome> {
  const socket = await openSocket(url);
  let received = '';
  let sent = 0;
  socket.on('data', (chunk) => (received += chunk.toString('latin1')));
  socket.on('error', () => {});
  socket.write(head);
  const timer = setInterval(() => {
    if (sent < total && !socket.destroyed) {
      socket.write('x');
      sent++;
    }
  }, everyMs);
  await new Promise((resolve) => socket.once('close', resolve));
  clearInterval(timer);
  return { received, sent };
}

describe('slow and idle clients', () => {
  let s: TestServer;

  before(async () => {
    const http = { ...loadConfig({}, {}).http, requestTimeoutMs: 2000, headersTimeoutMs: 1000, maxConnections: 4 };
    s = await startTestServer({ http });
  });
  after(() => s.close());

  test('a body trickled in a byte at a time is dropped at the request timeout with 408', async () => {
    const total = 4000; // 4000 bytes at one per 50 ms would take 200 s.
    const head = `POST /v2/upload HTTP/1.1\r\nHost: x\r\nAuthorization: ${s.keyA}\r\nContent-Type: application/octet-stream\r\nContent-Length: ${total}\r\n\r\n`;
    const { received, sent } = await drip(s.url, head, total, 50);
    assert.ok(sent < total, `the server waited for the whole body (${sent} bytes)`);
    assert.match(received, /^HTTP\/1\.1 408/);
    assert.equal((await s.call('GET', '/v2/transcript')).status, 200, 'the server still answers');
  });

  test('headers that never end are dropped at the headers timeout', async () => {
    const { received, sent } = await drip(s.url, 'GET /v2/transcript HTTP/1.1\r\nHost: x\r\nX-Slow: ', 4000, 50);
    assert.ok(sent < 4000, `the server waited for every header byte (${sent})`);
    assert.match(received, /^HTTP\/1\.1 408/);
  });

  test('connections beyond the cap are dropped on arrival; the others are served', async () => {
    const server = s.server.app.server;
    const count = () => new Promise<number>((resolve, reject) => server.getConnections((err, n) => (err ? reject(err) : resolve(n))));
    const held: Socket[] = [];
    for (let i = 0; i < 4; i++) held.push(await openSocket(s.url));
    for (const socket of held) socket.on('error', () => {});
    while ((await count()) < 4) await new Promise((r) => setTimeout(r, 20));

    const extra = await openSocket(s.url).catch(() => null);
    if (extra) {
      extra.on('error', () => {});
      extra.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
      let answer = '';
      extra.on('data', (chunk) => (answer += chunk.toString('latin1')));
      await new Promise((resolve) => extra.once('close', resolve));
      assert.equal(answer, '', 'a fifth connection was served');
    }
    // A held connection still gets its answer.
    const first = held[0]!;
    let reply = '';
    first.on('data', (chunk) => (reply += chunk.toString('latin1')));
    first.write(`GET /v2/transcript HTTP/1.1\r\nHost: x\r\nAuthorization: ${s.keyA}\r\nConnection: close\r\n\r\n`);
    await new Promise((resolve) => first.once('close', resolve));
    assert.match(reply, /^HTTP\/1\.1 200/);
    for (const socket of held) socket.destroy();
    while ((await count()) > 0) await new Promise((r) => setTimeout(r, 20));
    assert.equal((await s.call('GET', '/v2/transcript')).status, 200, 'room again once they closed');
  });
});
