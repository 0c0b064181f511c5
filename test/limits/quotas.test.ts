/**
 * Per-project quotas (issue 15 item 3) on a real embedded server: the request rate, queued
 * transcripts and concurrent /v1 requests. Each refusal is a 429 with `retry-after` and a message
 * naming the quota; another project is not affected.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, test } from 'node:test';
import { loadConfig } from '../../src/app.js';
import { startTestServer, type TestServer } from '../helpers/earshot-server.js';

const quotasOf = (overrides: Partial<ReturnType<typeof loadConfig>['quotas']>) => ({ ...loadConfig({}, {}).quotas, ...overrides });

describe('per-project quotas', () => {
  const servers: TestServer[] = [];
  after(async () => {
    for (const s of servers) await s.close();
  });

  test('request rate: the project over its per-minute quota gets 429 with retry-after; others do not', async () => {
    const s = await startTestServer({ quotas: quotasOf({ requestsPerMinute: 5 }) });
    servers.push(s);
    for (let i = 0; i < 5; i++) assert.equal((await s.call('GET', '/v2/transcript')).status, 200, `request ${i + 1}`);
    const refused = await s.call('GET', '/v2/transcript');
    assert.equal(refused.status, 429);
    assert.match(refused.json.error, /5 per minute.*EARSHOT_QUOTA_REQUESTS_PER_MINUTE/);
    const retryAfter = Number(refused.headers.get('retry-after'));
    assert.ok(retryAfter >= 1 && retryAfter <= 60, `retry-after ${refused.headers.get('retry-after')}`);
    assert.equal((await s.call('GET', '/v2/transcript', { key: s.keyB })).status, 200, 'another project has its own count');
    for (let i = 0; i < 8; i++) assert.equal((await s.call('GET', '/health', { key: null })).status, 200, 'unauthenticated routes are not counted');
    const v1 = await s.call('GET', '/v1/models', { headers: { authorization: `Bearer ${s.keyA}` }, key: null });
    assert.equal(v1.status, 429, '/v1 shares the count');
    assert.equal(v1.json.error.type, 'rate_limit_error');
  });

  test('uploaded bytes held: past the quota a project gets 429 until its transcript lets an upload go; another project still uploads', async () => {
    const audio = await readFile(new URL('../../../shared/audio/jfk.wav', import.meta.url));
    const s = await startTestServer({ quotas: quotasOf({ uploadBytes: Math.round(audio.length * 1.5) }) });
    servers.push(s);
    const upload = (key: string) => s.call('POST', '/v2/upload', { key, raw: audio, headers: { 'content-type': 'application/octet-stream' } });
    const first = await upload(s.keyA);
    assert.equal(first.status, 200, first.text);
    const refused = await upload(s.keyA);
    assert.equal(refused.status, 429, refused.text);
    assert.match(refused.json.error, /EARSHOT_QUOTA_UPLOAD_BYTES/);
    assert.ok(Number(refused.headers.get('retry-after')) > 0);
    assert.equal((await upload(s.keyB)).status, 200, 'another project has its own quota');

    const job = await s.call('POST', '/v2/transcript', { body: { audio_url: first.json.upload_url } });
    assert.equal(job.status, 200, job.text);
    assert.equal((await s.waitFor(job.json.id)).status, 'completed');
    assert.equal((await upload(s.keyA)).status, 200, 'a finished transcript gives its upload bytes back');
  });

  test('queued transcripts: past the quota a project gets 429; another project still submits', async () => {
    // An audio_url that never answers keeps the one running job busy, so the rest stay queued.
    const hanging = http.createServer(() => {});
    await new Promise<void>((r) => hanging.listen(0, '127.0.0.1', r));
    const audioUrl = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/slow.wav`;
    const s = await startTestServer({ quotas: quotasOf({ queuedJobs: 2 }), allowPrivateUrls: true, concurrency: 1 });
    servers.push(s);
    try {
      const submit = (key: string) => s.call('POST', '/v2/transcript', { key, body: { audio_url: audioUrl } });
      // The first starts (and hangs); the second waits.
      for (let i = 0; i < 2; i++) assert.equal((await submit(s.keyA)).status, 200, `job ${i + 1}`);
      const refused = await submit(s.keyA);
      assert.equal(refused.status, 429, refused.text);
      assert.match(refused.json.error, /2 queued or processing \(the limit is 2, EARSHOT_QUOTA_QUEUED_JOBS\)/);
      assert.ok(Number(refused.headers.get('retry-after')) > 0);
      assert.equal((await submit(s.keyB)).status, 200, 'another project is not held back');
      const listed = await s.call('GET', '/v2/transcript');
      assert.equal(listed.json.transcripts.length, 2, 'the refused request created no transcript');
    } finally {
      hanging.closeAllConnections();
      hanging.close();
    }
  });

  test('/v1: a project past its concurrent-request quota gets 429 before its file is read', async () => {
    const s = await startTestServer({ quotas: quotasOf({ openaiRequests: 1 }) });
    servers.push(s);
    const { hostname, port } = new URL(s.url);
    const boundary = 'quota-boundary';
    // A request whose form never finishes holds the project's one slot.
    const held = http.request({ host: hostname, port, method: 'POST', path: '/v1/audio/transcriptions', headers: { authorization: `Bearer ${s.keyA}`, 'content-type': `multipart/form-data; boundary=${boundary}` } });
    held.on('error', () => {});
    held.write(`--${boundary}\r\nContent-Disposition: form-data; name="model"\r\n\r\nwhisper-1\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\n\r\nRIFF`);
    const form = () => {
      const body = new FormData();
      body.set('model', 'whisper-1');
      return body;
    };
    const post = (key: string) => fetch(`${s.url}/v1/audio/transcriptions`, { method: 'POST', headers: { authorization: `Bearer ${key}` }, body: form() });
    let refused: Response | undefined;
    // The held request reaches its handler a moment after it is written.
    for (let i = 0; i < 100 && refused?.status !== 429; i++) {
      refused = await post(s.keyA);
      if (refused.status !== 429) await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(refused!.status, 429);
    const body = (await refused!.json()) as { error: { message: string; type: string } };
    assert.equal(body.error.type, 'rate_limit_error');
    assert.match(body.error.message, /EARSHOT_QUOTA_OPENAI_REQUESTS/);
    assert.ok(Number(refused!.headers.get('retry-after')) > 0);
    const other = await post(s.keyB);
    assert.equal(other.status, 400, 'another project gets through to the form check (no file)');
    held.destroy();
    let after: Response | undefined;
    for (let i = 0; i < 100 && after?.status !== 400; i++) {
      after = await post(s.keyA);
      if (after.status !== 400) await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(after!.status, 400, 'the slot came back when the held request ended');
  });
});
