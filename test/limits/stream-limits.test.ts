/**
 * Streaming limits against idle and careless clients (issue 15 item 4), over real TLS WebSockets:
 * a client's `inactivity_timeout` is cut to the server's maximum, sessions with a custom
 * vocabulary have a cap of their own, and an unauthenticated upgrade is refused with 4001 and,
 * when the client never answers the close frame, cut off by the server.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:tls';
import { after, before, describe, test } from 'node:test';
import { startStreamServer, type StreamTestServer } from '../realtime/helpers/stream-server.js';

describe('streaming limits', () => {
  let s: StreamTestServer;

  before(async () => {
    s = await startStreamServer({ streamMaxInactivitySeconds: 1, streamMaxVocabularySessions: 1, streamMaxSessions: 4 });
  });
  after(() => s.close());

  test('an idle stream is closed at the server\'s cap, whatever inactivity_timeout it asked for', async () => {
    const stream = s.connect({ sample_rate: '16000', inactivity_timeout: '3600' });
    await stream.begun;
    const { code, reason } = await stream.closed;
    assert.equal(code, 4031, reason);
    assert.match(reason, /no audio or message for 1 s/);
  });

  test('a second session with keyterms_prompt is refused with 4102; one without is served', async () => {
    const terms = { sample_rate: '16000', keyterms_prompt: JSON.stringify(['Dashwood']) };
    const first = s.connect(terms);
    await first.begun;
    const second = s.connect(terms);
    const refused = await second.closed;
    assert.equal(refused.code, 4102, refused.reason);
    assert.match(refused.reason, /keyterms_prompt/);
    const plain = s.connect({ sample_rate: '16000' }, { key: s.keyB });
    await plain.begun;
    plain.ws.close();
    first.ws.close();
    await first.closed;
    const again = s.connect(terms);
    await again.begun;
    again.ws.close();
  });

  test('an unauthenticated upgrade is refused with 4001 and cut off when the client never answers', async () => {
    const { hostname, port } = new URL(s.url);
    const socket = connect({ host: hostname, port: Number(port), ca: s.cert.cert, servername: 'localhost' });
    socket.on('error', () => {});
    let received = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => (received = Buffer.concat([received, chunk])));
    await new Promise((resolve) => socket.once('secureConnect', resolve));
    socket.write(
      `GET /v3/ws?sample_rate=16000 HTTP/1.1\r\nHost: ${hostname}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    // Never read as a WebSocket: no close frame goes back. The server ends the socket itself.
    await new Promise((resolve) => socket.once('close', resolve));
    const text = received.toString('latin1');
    assert.match(text, /^HTTP\/1\.1 101/);
    const frame = received.subarray(received.indexOf('\r\n\r\n') + 4);
    assert.equal(frame[0], 0x88, 'a close frame');
    assert.equal(frame.readUInt16BE(2), 4001);
    assert.match(frame.subarray(4).toString('utf8'), /Not Authorized/);
  });
});
