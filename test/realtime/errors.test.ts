/**
 * The streaming endpoint's refusals and limits over the plain protocol (the `ws` package, trusting
 * the test certificate), issue 5: missing or bad auth, wrong sample rate, unknown text frames,
 * expired and reused tokens, too many sessions, a client that vanishes mid-turn, inactivity and
 * the maximum session length. Each must close with the SDK's code and a readable reason, and the
 * server must stay healthy afterwards.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TerminationMessage } from '../../src/realtime/protocol.js';
import { clipSequence, silence } from './helpers/audio.js';
import { startStreamServer, type StreamTestServer } from './helpers/stream-server.js';

describe('streaming: refusals and limits', () => {
  let s: StreamTestServer;
  let speech: Int16Array;

  before(async () => {
    // One session per key, two per server, so the limits are reachable with a few sockets.
    s = await startStreamServer({ streamMaxSessions: 2, streamMaxSessionsPerKey: 1 });
    speech = (await clipSequence(['0880'], 1500)).pcm; // "he was not an ill disposed young man"
  });
  after(() => s.close());

  test('no key, a wrong key, and a revoked key close with 4001 AuthFailed', async () => {
    for (const key of [null, 'not-a-key']) {
      const stream = s.connect({ sample_rate: '16000' }, { key });
      const { code, reason } = await stream.closed;
      assert.equal(code, 4001, reason);
      assert.match(reason, /Not Authorized/);
      assert.equal(stream.messages.length, 0, 'no Begin before the refusal');
    }
    const created = await s.server.store.createApiKey('revoked');
    await s.server.store.revokeApiKey(created.id);
    assert.equal((await s.connect({ sample_rate: '16000' }, { key: created.key }).closed).code, 4001);
  });

  test('a missing, malformed or unsupported sample rate closes with 4000 BadSampleRate', async () => {
    const queries: Record<string, string>[] = [{}, { sample_rate: 'fast' }, { sample_rate: '96000' }, { sample_rate: '4000' }];
    for (const query of queries) {
      const { code, reason } = await s.connect(query).closed;
      assert.equal(code, 4000, `${JSON.stringify(query)}: ${reason}`);
      assert.match(reason, /sample_rate/);
    }
  });

  test('unknown options and bad values close with 4101 BadSchema, naming the option', async () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ sample_rate: '16000', encoding: 'opus' }, /encoding "opus"/],
      [{ sample_rate: '16000', end_of_turn_confidence_threshold: '2' }, /end_of_turn_confidence_threshold/],
      [{ sample_rate: '16000', keyterms_prompt: 'not json' }, /keyterms_prompt/],
      [{ sample_rate: '16000', redact_pii: 'true' }, /redact_pii=true is not supported/],
      [{ sample_rate: '16000', word_boost: '["x"]' }, /Unknown or unsupported query option "word_boost"/],
      [{ sample_rate: '16000', min_turn_silence: '900', max_turn_silence: '500' }, /max_turn_silence/],
    ];
    for (const [query, pattern] of cases) {
      const { code, reason } = await s.connect(query).closed;
      assert.equal(code, 4101, `${JSON.stringify(query)}: ${reason}`);
      assert.match(reason, pattern);
      assert.ok(Buffer.byteLength(reason) <= 123);
    }
  });

  test('a text frame that is not a known message closes with 4101 after Begin', async () => {
    for (const frame of ['hello', '{"type":"Bogus"}', '{"terminate_session":true}', '[1,2]']) {
      const stream = s.connect();
      await stream.begun;
      stream.ws.send(frame);
      const { code, reason } = await stream.closed;
      assert.equal(code, 4101, `${frame}: ${reason}`);
    }
  });

  test('temporary tokens: one session each, refused once expired; /v3/token needs a key', async () => {
    assert.equal((await s.token('expires_in_seconds=60', null)).status, 401);
    const bad = await s.token('expires_in_seconds=0');
    assert.equal(bad.status, 400);
    assert.match(bad.json.error, /expires_in_seconds/);

    const { json } = await s.token('expires_in_seconds=60');
    const first = s.connect({ sample_rate: '16000' }, { token: json.token });
    await first.begun;
    first.ws.send(JSON.stringify({ type: 'Terminate' }));
    assert.equal((await first.closed).code, 1000);
    const again = await s.connect({ sample_rate: '16000' }, { token: json.token }).closed;
    assert.equal(again.code, 4001);
    assert.match(again.reason, /already used/);

    const short = await s.token('expires_in_seconds=1');
    await new Promise((r) => setTimeout(r, 1100));
    const expired = await s.connect({ sample_rate: '16000' }, { token: short.json.token }).closed;
    assert.equal(expired.code, 4001);
    assert.match(expired.reason, /expired/);

    const forged = await s.connect({ sample_rate: '16000' }, { token: `${json.token.slice(0, -4)}AAAA` }).closed;
    assert.equal(forged.code, 4001);
  });

  test('too many sessions per key and per server close with 4102 TooManyStreams', async () => {
    const a = s.connect();
    await a.begun;
    const sameKey = await s.connect().closed;
    assert.equal(sameKey.code, 4102);
    assert.match(sameKey.reason, /per key is 1/);
    const b = s.connect({ sample_rate: '16000' }, { key: s.keyB });
    await b.begun;
    const other = await s.server.store.createApiKey('third');
    const full = await s.connect({ sample_rate: '16000' }, { key: other.key }).closed;
    assert.equal(full.code, 4102);
    assert.match(full.reason, /maximum of 2/);
    for (const stream of [a, b]) {
      stream.ws.send(JSON.stringify({ type: 'Terminate' }));
      assert.equal((await stream.closed).code, 1000);
    }
  });

  test('a client that disconnects mid-turn frees its slot; the next session works', async () => {
    const quitter = s.connect({ sample_rate: '16000' });
    await quitter.begun;
    await quitter.send(speech.subarray(0, 1.5 * 16000));
    quitter.terminate();
    await quitter.closed;
    // The key's only slot must be free again (limit 1 per key).
    let next = s.connect({ sample_rate: '16000' });
    for (let tries = 0; tries < 20; tries++) {
      try {
        await next.begun;
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
        next = s.connect({ sample_rate: '16000' });
      }
    }
    await next.begun;
    await next.send(speech);
    next.ws.send(JSON.stringify({ type: 'Terminate' }));
    assert.equal((await next.closed).code, 1000);
    const finals = next.turns().filter((t) => t.end_of_turn);
    assert.ok(finals.some((t) => /young man/.test(t.transcript)), JSON.stringify(finals.map((t) => t.transcript)));
  });
});

describe('streaming: time limits', () => {
  let s: StreamTestServer;
  before(async () => {
    s = await startStreamServer({ streamInactivitySeconds: 1, streamMaxSessionSeconds: 3 });
  });
  after(() => s.close());

  test('a silent client is closed with 4031 SessionTimeout after the inactivity timeout', async () => {
    const stream = s.connect();
    await stream.begun;
    const started = Date.now();
    const { code, reason } = await stream.closed;
    assert.equal(code, 4031, reason);
    assert.match(reason, /inactivity/);
    assert.ok(Date.now() - started >= 900 && Date.now() - started < 4000);
  });

  test('a session past its maximum length gets Termination, then 4008 SessionExpired', async () => {
    const stream = s.connect();
    const begin = await stream.begun;
    assert.equal(begin.type, 'Begin');
    if (begin.type === 'Begin') assert.ok(Math.abs(begin.expires_at - (Date.now() / 1000 + 3)) < 2, 'expires_at is when the session ends');
    const feeding = stream.send(silence(6000), { chunkMs: 100, realtime: true });
    const { code, reason } = await stream.closed;
    await feeding;
    assert.equal(code, 4008, reason);
    assert.match(reason, /maximum session duration/);
    const termination = stream.messages.find((m): m is TerminationMessage => m.type === 'Termination');
    assert.ok(termination && termination.audio_duration_seconds > 2 && termination.audio_duration_seconds < 4.5, JSON.stringify(termination));
  });

  test('shutting the server down closes open sessions with 1001 Going Away', async () => {
    const stream = s.connect();
    await stream.begun;
    await s.server.close();
    const { code, reason } = await stream.closed;
    assert.equal(code, 1001);
    assert.match(reason, /shutting down/);
  });
});
