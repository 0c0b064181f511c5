/**
 * Streaming limits against idle and careless clients (issue 15 item 4), over real TLS WebSockets:
 * a client's `inactivity_timeout` is cut to the server's maximum, sessions with a custom
 * vocabulary have a cap of their own, an unauthenticated upgrade is refused with 4001 and,
 * when the client never answers the close frame, cut off by the server, and a session is refused
 * with 4102 while live decoding runs behind (issue 16: a full machine refuses, whatever the count).
 */
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:tls';
import { after, before, describe, test } from 'node:test';
import { clipSequence } from '../realtime/helpers/audio.js';
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

describe('admission by live decoding lag', () => {
  let s: StreamTestServer;

  before(async () => {
    s = await startStreamServer({ streamMaxLagMs: 100 });
  });
  after(() => s.close());

  test('while live decoding runs behind the audio, a new session is refused with 4102; once it catches up, one is served', async () => {
    // More streams than cores, each with eight seconds of LibriVox speech arriving at once after a
    // stall (a network hiccup): their decoding waits for the shared pool's slots and runs behind its
    // arrival by hundreds of ms, on any machine. (One such stream alone finds a slot free: no load.)
    const speech = (await clipSequence(['0880', '0930', '0920'], 300)).pcm;
    const late = Array.from({ length: availableParallelism() + 2 }, () => s.connect({ sample_rate: '16000' }));
    await Promise.all(late.map((l) => l.begun));
    await Promise.all(late.map((l) => l.send(speech.subarray(0, 1600))));
    await new Promise((r) => setTimeout(r, speech.length / 16));
    await Promise.all(late.map((l) => l.send(speech.subarray(1600))));
    await new Promise((r) => setTimeout(r, 400));
    const refused = s.connect({ sample_rate: '16000' }, { key: s.keyB });
    const { code, reason } = await refused.closed;
    assert.equal(code, 4102, reason);
    assert.match(reason, /ms behind the audio/);
    for (const l of late) l.ws.send(JSON.stringify({ type: 'Terminate' }));
    for (const l of late) {
      assert.equal((await l.closed).code, 1000);
      assert.ok(l.turns().some((t) => t.end_of_turn && /young man/.test(t.transcript)), 'a late stream lost nothing');
    }
    // Its lateness fades within seconds of decoding catching up.
    for (let attempt = 0; ; attempt++) {
      const next = s.connect({ sample_rate: '16000' }, { key: s.keyB });
      const outcome = await Promise.race([next.begun.then(() => 'served'), next.closed.then(({ code }) => String(code))]);
      if (outcome === 'served') {
        next.ws.close();
        break;
      }
      assert.equal(outcome, '4102');
      assert.ok(attempt < 15, 'still refused 15 s after the late stream ended');
      await new Promise((r) => setTimeout(r, 1000));
    }
  });
});
