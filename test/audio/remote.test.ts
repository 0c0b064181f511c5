import { SHARED_AUDIO_DIR } from '../helpers/librivox.js';
import { expectCode } from '../helpers/errors.js';
import assert from 'node:assert/strict';
import dc from 'node:diagnostics_channel';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { forbiddenAddressReason } from '../../src/audio/address-guard.js';
import { fetchRemoteAudio, type RemoteFetchOptions } from '../../src/audio/remote.js';

const MP3 = readFileSync(`${SHARED_AUDIO_DIR}jfk.mp3`);
const LOCAL: RemoteFetchOptions = { maxBytes: 1_000_000, timeoutMs: 10_000, allowPrivateNetworks: true };

interface TestServer {
  origin: string;
  port: number;
  /** Paths requested so far, in order. */
  requests: string[];
  close(): Promise<void>;
}

async function startServer(handler: (req: http.IncomingMessage, res: http.ServerResponse, server: TestServer) => void): Promise<TestServer> {
  const server = http.createServer();
  const state: TestServer = {
    origin: '',
    port: 0,
    requests: [],
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  server.on('request', (req, res) => {
    state.requests.push(req.url ?? '');
    handler(req, res, state);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = (server.address() as AddressInfo).port;
  state.origin = `http://127.0.0.1:${state.port}`;
  return state;
}


/** Counts client sockets this process opens, to prove a refused URL sent no traffic at all. */
function countSockets(): { readonly count: number; stop(): void } {
  let count = 0;
  const onSocket = () => count++;
  dc.subscribe('net.client.socket', onSocket);
  return {
    get count() {
      return count;
    },
    stop: () => dc.unsubscribe('net.client.socket', onSocket),
  };
}

let media: TestServer;
let other: TestServer;

before(async () => {
  media = await startServer((req, res, self) => {
    const url = new URL(req.url ?? '/', self.origin);
    switch (url.pathname) {
      case '/jfk.mp3':
        res.writeHead(200, { 'content-type': 'audio/mpeg', 'content-length': MP3.length });
        res.end(MP3);
        return;
      case '/chunked.mp3':
        // No Content-Length: the size is only known once the body ends.
        res.writeHead(200, { 'content-type': 'audio/mpeg' });
        res.write(MP3.subarray(0, 30_000));
        setImmediate(() => res.end(MP3.subarray(30_000)));
        return;
      case '/missing.mp3':
        res.writeHead(404, 'Not Found').end('no such file');
        return;
      case '/broken':
        res.writeHead(500).end();
        return;
      case '/never-answers':
        return;
      case '/trickle':
        // Headers, then a few bytes, then nothing, forever.
        res.writeHead(200, { 'content-type': 'audio/mpeg' });
        res.write(MP3.subarray(0, 1000));
        return;
      case '/endless': {
        res.writeHead(200, { 'content-type': 'audio/mpeg' });
        const pump = () => {
          while (!res.destroyed && res.write(Buffer.alloc(16_384))) {}
          if (!res.destroyed) res.once('drain', pump);
        };
        pump();
        return;
      }
      case '/r3':
        res.writeHead(302, { location: '/r2' }).end();
        return;
      case '/r2':
        res.writeHead(301, { location: `${self.origin}/r1` }).end();
        return;
      case '/r1':
        res.writeHead(307, { location: 'jfk.mp3' }).end();
        return;
      case '/loop':
        res.writeHead(302, { location: '/loop' }).end();
        return;
      case '/to-other':
        res.writeHead(302, { location: `${other.origin}/jfk.mp3` }).end();
        return;
      case '/to-localhost':
        res.writeHead(302, { location: `http://localhost:${other.port}/jfk.mp3` }).end();
        return;
      case '/to-ftp':
        res.writeHead(302, { location: 'ftp://example.com/jfk.mp3' }).end();
        return;
      default:
        res.writeHead(400).end();
    }
  });
  other = await startServer((_req, res) => res.writeHead(200).end(MP3));
});

after(async () => {
  await media.close();
  await other.close();
});

describe('fetchRemoteAudio: downloads', () => {
  test('returns the exact bytes and reports progress up to the total', async () => {
    const progress: Array<[number, number | undefined]> = [];
    const body = await fetchRemoteAudio(`${media.origin}/jfk.mp3`, { ...LOCAL, onProgress: (n, total) => progress.push([n, total]) });
    assert.ok(body.equals(MP3));
    assert.deepEqual(progress.at(-1), [MP3.length, MP3.length]);
  });

  test('a body without Content-Length arrives whole, with an unknown total', async () => {
    const progress: Array<number | undefined> = [];
    const body = await fetchRemoteAudio(`${media.origin}/chunked.mp3`, { ...LOCAL, onProgress: (_n, total) => progress.push(total) });
    assert.ok(body.equals(MP3));
    assert.ok(progress.length > 0 && progress.every((total) => total === undefined));
  });

  test('a hostname is resolved and connected to (localhost, private networks allowed)', async () => {
    const body = await fetchRemoteAudio(`http://localhost:${media.port}/jfk.mp3`, LOCAL);
    assert.ok(body.equals(MP3));
  });

  test('follows a chain of relative and absolute redirects', async () => {
    media.requests.length = 0;
    const body = await fetchRemoteAudio(`${media.origin}/r3`, LOCAL);
    assert.ok(body.equals(MP3));
    assert.deepEqual(media.requests, ['/r3', '/r2', '/r1', '/jfk.mp3']);
  });
});

describe('fetchRemoteAudio: failures', () => {
  test('HTTP 404 names the status and the URL', async () => {
    await expectCode(fetchRemoteAudio(`${media.origin}/missing.mp3`, LOCAL), 'remote_fetch_failed', /HTTP 404 Not Found from http:\/\/127\.0\.0\.1:\d+\/missing\.mp3/);
  });

  test('https checks the certificate: a self-signed one is remote_fetch_failed', async () => {
    // Key and certificate go straight from openssl's stdout into the server, never to disk.
    const pem = execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=localhost', '-days', '1', '-keyout', '-', '-out', '-'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
    const server = https.createServer({ key: pem, cert: pem }, (_req, res) => res.end(MP3));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      await expectCode(fetchRemoteAudio(`https://localhost:${port}/jfk.mp3`, LOCAL), 'remote_fetch_failed', /self[- ]signed/i);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test('HTTP 500 is remote_fetch_failed', async () => {
    await expectCode(fetchRemoteAudio(`${media.origin}/broken`, LOCAL), 'remote_fetch_failed', /HTTP 500/);
  });

  test('the query string, which may hold a signature, stays out of messages', async () => {
    await assert.rejects(fetchRemoteAudio(`${media.origin}/missing.mp3?X-Amz-Signature=secret`, LOCAL), (err: Error) => {
      assert.doesNotMatch(err.message, /secret/);
      return true;
    });
  });

  test('a refused connection is named without the address dialled', async () => {
    const closed = await startServer(() => {});
    await closed.close();
    const refused = await fetchRemoteAudio(`${closed.origin}/jfk.mp3`, LOCAL).catch((err: Error) => err);
    assert.ok(refused instanceof Error);
    assert.match(refused.message, /the connection was refused/);
    // Only the URL the client sent appears, never Node's "connect ECONNREFUSED <ip>:<port>".
    assert.doesNotMatch(refused.message, /ECONNREFUSED|connect /);
  });

  test('a server that never answers is remote_timeout', async () => {
    await expectCode(fetchRemoteAudio(`${media.origin}/never-answers`, { ...LOCAL, timeoutMs: 300 }), 'remote_timeout');
  });

  test('a response that never ends is remote_timeout', async () => {
    await expectCode(fetchRemoteAudio(`${media.origin}/trickle`, { ...LOCAL, timeoutMs: 300 }), 'remote_timeout', /1000 bytes received/);
  });

  test('Content-Length over the limit is audio_too_large before reading', async () => {
    const progress: number[] = [];
    await expectCode(
      fetchRemoteAudio(`${media.origin}/jfk.mp3`, { ...LOCAL, maxBytes: 10_000, onProgress: (n) => progress.push(n) }),
      'audio_too_large',
    );
    assert.deepEqual(progress, []);
  });

  test('an endless body stops being read once it passes the limit', async () => {
    // The timeout is far away: reaching audio_too_large proves reading stopped at the limit.
    const progress: number[] = [];
    await expectCode(
      fetchRemoteAudio(`${media.origin}/endless`, { ...LOCAL, maxBytes: 200_000, timeoutMs: 30_000, onProgress: (n) => progress.push(n) }),
      'audio_too_large',
    );
    assert.ok(progress.every((n) => n <= 200_000));
  });

  test('too many redirects is remote_fetch_failed', async () => {
    await expectCode(fetchRemoteAudio(`${media.origin}/loop`, LOCAL), 'remote_fetch_failed', /redirects/);
    await expectCode(fetchRemoteAudio(`${media.origin}/r1`, { ...LOCAL, maxRedirects: 0 }), 'remote_fetch_failed', /redirects/);
  });

  test('aborting the signal rejects with its reason', async () => {
    const controller = new AbortController();
    const pending = fetchRemoteAudio(`${media.origin}/trickle`, { ...LOCAL, signal: controller.signal });
    setImmediate(() => controller.abort());
    await assert.rejects(pending, { name: 'AbortError' });
  });
});

describe('fetchRemoteAudio: network guard', () => {
  const guarded: RemoteFetchOptions = { maxBytes: 1_000_000, timeoutMs: 5_000 };

  test('ftp:, file: and data: URLs are remote_forbidden', async () => {
    for (const url of ['ftp://example.com/a.mp3', 'file:///etc/passwd', 'data:audio/mpeg;base64,AAAA']) {
      await expectCode(fetchRemoteAudio(url, { ...LOCAL }), 'remote_forbidden', /http and https/);
    }
  });

  test('private and loopback addresses are refused before any socket is opened', async () => {
    const sockets = countSockets();
    media.requests.length = 0;
    try {
      const urls = [
        `${media.origin}/jfk.mp3`,
        `http://localhost:${media.port}/jfk.mp3`,
        'http://10.0.0.1/a.mp3',
        'http://172.16.5.4/a.mp3',
        'http://192.168.1.1/a.mp3',
        'http://100.64.0.1/a.mp3',
        'http://169.254.169.254/latest/meta-data/',
        'http://0.0.0.0/a.mp3',
        'http://[::1]/a.mp3',
        'http://[::ffff:127.0.0.1]/a.mp3',
        'http://[::ffff:a9fe:a9fe]/a.mp3',
        'http://[fe80::1]/a.mp3',
        'http://[fd12:3456::1]/a.mp3',
        'http://224.0.0.1/a.mp3',
        'http://0x7f.1/a.mp3',
      ];
      for (const url of urls) await expectCode(fetchRemoteAudio(url, guarded), 'remote_forbidden', /Refusing/);
    } finally {
      sockets.stop();
    }
    assert.equal(sockets.count, 0);
    assert.deepEqual(media.requests, []);
  });

  test('a redirect to a loopback address is refused, and the target never contacted', async () => {
    // The first server is allowed by name, as an operator's internal media host would be.
    const allowMedia = { ...guarded, allowedOrigins: [media.origin] };
    other.requests.length = 0;
    await expectCode(fetchRemoteAudio(`${media.origin}/to-other`, allowMedia), 'remote_forbidden', /loopback/);
    await expectCode(fetchRemoteAudio(`${media.origin}/to-localhost`, allowMedia), 'remote_forbidden', /^Refusing to fetch from localhost: the name resolves to an address that is not public\./);
    assert.deepEqual(other.requests, []);
    // The same chain goes through when private networks are allowed, so the guard made the difference.
    const body = await fetchRemoteAudio(`${media.origin}/to-other`, LOCAL);
    assert.ok(body.equals(MP3));
  });

  test('a redirect to ftp: is refused', async () => {
    await expectCode(fetchRemoteAudio(`${media.origin}/to-ftp`, LOCAL), 'remote_forbidden', /redirected from/);
  });
});

describe('forbiddenAddressReason', () => {
  test('names the class of every special-purpose address', () => {
    const cases: Array<[string, RegExp]> = [
      ['127.0.0.1', /loopback/],
      ['127.255.0.1', /loopback/],
      ['10.20.30.40', /private/],
      ['172.16.0.1', /private/],
      ['172.31.255.255', /private/],
      ['192.168.0.1', /private/],
      ['100.64.0.1', /carrier-grade NAT/],
      ['100.127.255.255', /carrier-grade NAT/],
      ['169.254.169.254', /link-local/],
      ['0.1.2.3', /this network/],
      ['224.0.0.251', /multicast/],
      ['255.255.255.255', /broadcast/],
      ['::', /unspecified/],
      ['::1', /loopback/],
      ['fe80::1', /link-local/],
      ['febf::1', /link-local/],
      ['fc00::1', /unique-local/],
      ['fdff::1', /unique-local/],
      ['ff02::1', /multicast/],
      ['::ffff:127.0.0.1', /loopback, as IPv4-mapped/],
      ['::ffff:10.0.0.1', /private \(10\.0\.0\.0\/8\), as IPv4-mapped/],
      ['::ffff:a9fe:a9fe', /link-local.*IPv4-mapped/],
      ['64:ff9b::192.168.0.1', /private.*NAT64/],
      ['2002:7f00:1::1', /loopback.*6to4/],
    ];
    for (const [address, reason] of cases) {
      assert.match(forbiddenAddressReason(address) ?? 'allowed', reason, address);
    }
  });

  test('lets public addresses through, including those next to private ranges', () => {
    for (const address of ['8.8.8.8', '1.1.1.1', '172.15.255.255', '172.32.0.1', '100.63.255.255', '100.128.0.1', '169.253.0.1', '11.0.0.1', '2606:4700:4700::1111', '2a00:1450:4001::200e', '::ffff:8.8.8.8', '64:ff9b::808:808', '2c0f:f000::1']) {
      assert.equal(forbiddenAddressReason(address), null, address);
    }
  });
});
