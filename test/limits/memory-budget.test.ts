/**
 * Issue 15 item 2 against a real `earshot serve` process with a small budget set by environment:
 * 20 large uploads at once are admitted only as far as the budget goes (the rest answered 413 or
 * 503 with retry-after, before their bodies are buffered), the server's memory stays under the
 * budget plus a margin, every admitted upload transcribes, and /v1 shares the same budget; an
 * audio_url download waits for room rather than failing.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { SHARED_AUDIO_DIR } from '../helpers/librivox.js';
import { fileServer, startTestServer } from '../helpers/earshot-server.js';
import { startServerProcess } from '../helpers/server-process.js';

const MiB = 1024 * 1024;
const BUDGET = 32 * MiB;
const MAX_UPLOAD = 12 * MiB;
/**
 * Room for what the server allocates besides held audio: parsers, sockets, and the ~170 MiB of
 * refused bodies read and dropped, which sit in memory until the next collection. Measured growth
 * on a quiet machine: 52–56 MiB on Node 20, 64–78 MiB on Node 24 (its collector lets more garbage
 * build up). Bodies buffered before being refused would take it past 128 MiB.
 */
const MARGIN = 64 * MiB;

/** JFK twice as a 48 kHz stereo float WAV: real speech, about 8 MiB. */
async function largeSpeechFile(): Promise<Buffer> {
  const { stdout } = await promisify(execFile)(
    'ffmpeg',
    ['-hide_banner', '-loglevel', 'error', '-stream_loop', '1', '-i', join(SHARED_AUDIO_DIR, 'jfk.wav'), '-ar', '48000', '-ac', '2', '-c:a', 'pcm_f32le', '-f', 'wav', 'pipe:1'],
    { encoding: 'buffer', maxBuffer: 64 * MiB },
  );
  return stdout;
}

test('20 parallel large uploads against a small budget: memory stays bounded, the rest get 413/503, admitted ones transcribe', async () => {
  const file = await largeSpeechFile();
  assert.ok(file.length > 7 * MiB && file.length < MAX_UPLOAD, `${file.length} bytes`);
  const tooLarge = Buffer.concat([file, file]);
  const server = await startServerProcess({
    EARSHOT_MAX_UPLOAD_MEMORY_BYTES: String(BUDGET),
    EARSHOT_MAX_UPLOAD_BYTES: String(MAX_UPLOAD),
    EARSHOT_CONCURRENCY: '1',
  });
  const headers = { authorization: server.key, 'content-type': 'application/octet-stream' };
  try {
    // Warm up the upload path (lazily compiled routes, first allocations) before the baseline.
    for (let i = 0; i < 3; i++) await (await fetch(`${server.url}/v2/upload`, { method: 'POST', headers, body: Uint8Array.from(file.subarray(0, 100_000)) })).text();
    const baseline = server.rss();
    let peak = baseline;
    const sampler = setInterval(() => {
      // The process may be gone if it crashed; the answers below then say so.
      try {
        peak = Math.max(peak, server.rss());
      } catch {}
    }, 10);
    const bodies = Array.from({ length: 20 }, (_, i) => Uint8Array.from(i % 5 === 4 ? tooLarge : file));
    const replies = await Promise.all(
      bodies.map(async (body) => {
        const response = await fetch(`${server.url}/v2/upload`, { method: 'POST', headers, body });
        return { sent: body.length, status: response.status, retryAfter: response.headers.get('retry-after'), json: (await response.json()) as Record<string, string> };
      }),
    );
    clearInterval(sampler);
    peak = Math.max(peak, server.rss());

    const admitted = replies.filter((r) => r.status === 200);
    const busy = replies.filter((r) => r.status === 503);
    const refused = replies.filter((r) => r.status === 413);
    assert.deepEqual(replies.filter((r) => ![200, 413, 503].includes(r.status)), [], 'every answer is 200, 413 or 503');
    assert.equal(refused.length, 4, 'the four files over the per-upload limit get 413');
    assert.ok(refused.every((r) => r.sent === tooLarge.length && /EARSHOT_MAX_UPLOAD_BYTES/.test(r.json.error)));
    assert.ok(admitted.length >= 1 && admitted.length <= Math.floor(BUDGET / file.length), `${admitted.length} admitted`);
    assert.equal(busy.length, 16 - admitted.length);
    assert.ok(busy.every((r) => r.retryAfter !== null && Number(r.retryAfter) > 0 && /EARSHOT_MAX_UPLOAD_MEMORY_BYTES/.test(r.json.error)));
    const growth = peak - baseline;
    console.log(`# budget ${BUDGET / MiB} MiB: ${admitted.length} admitted, ${busy.length} × 503, ${refused.length} × 413; RSS ${(baseline / MiB).toFixed(0)} → peak ${(peak / MiB).toFixed(0)} MiB (+${(growth / MiB).toFixed(1)} MiB) for ${((bodies.reduce((s, b) => s + b.length, 0)) / MiB).toFixed(0)} MiB sent`);
    assert.ok(growth < BUDGET + MARGIN, `RSS grew ${(growth / MiB).toFixed(1)} MiB, over the ${BUDGET / MiB} MiB budget + ${MARGIN / MiB} MiB margin`);

    // The budget is full of held uploads: /v1 is refused the same way, in OpenAI's shape.
    const form = new FormData();
    form.append('file', new Blob([Uint8Array.from(file)]), 'jfk.wav');
    const v1 = await fetch(`${server.url}/v1/audio/transcriptions`, { method: 'POST', headers: { authorization: `Bearer ${server.key}` }, body: form });
    const v1Body = (await v1.json()) as { error: { code: string } };
    assert.equal(v1.status, 503, JSON.stringify(v1Body));
    assert.ok(v1.headers.get('retry-after'));

    // Every admitted upload is usable: each transcribes to JFK's words, and frees its bytes.
    const ids: string[] = [];
    for (const upload of admitted) {
      const created = await fetch(`${server.url}/v2/transcript`, {
        method: 'POST',
        headers: { authorization: server.key, 'content-type': 'application/json' },
        body: JSON.stringify({ audio_url: upload.json.upload_url }),
      });
      ids.push(((await created.json()) as { id: string }).id);
    }
    for (const id of ids) {
      for (;;) {
        const t = (await (await fetch(`${server.url}/v2/transcript/${id}`, { headers: { authorization: server.key } })).json()) as Record<string, string>;
        if (t.status === 'error') assert.fail(t.error);
        if (t.status === 'completed') {
          assert.match(t.text, /fellow americans/i);
          break;
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    // The jobs ended and let go of their uploads: the budget has room again.
    const again = await fetch(`${server.url}/v2/upload`, { method: 'POST', headers, body: Uint8Array.from(file) });
    assert.equal(again.status, 200, await again.text());
  } catch (err) {
    console.log(server.output());
    throw err;
  } finally {
    await server.close();
  }
});

test('an audio_url download waits for room in the budget, then completes', async () => {
  const big = await largeSpeechFile();
  const jfk = readFileSync(join(SHARED_AUDIO_DIR, 'jfk.wav'));
  // Room for the upload, not for the upload and the download together.
  const server = await startTestServer({ maxUploadMemoryBytes: big.length + jfk.length - 1, concurrency: 2, allowPrivateUrls: true });
  const files = await fileServer({ '/jfk.wav': jfk });
  try {
    const up = await server.call('POST', '/v2/upload', { raw: Uint8Array.from(big), headers: { 'content-type': 'application/octet-stream' } });
    assert.equal(up.status, 200, up.text);
    const fetched = await server.call('POST', '/v2/transcript', { body: { audio_url: `${files.origin}/jfk.wav` } });
    // The download has asked for the file, and waits with its size declared but no room for it.
    while (files.requests.length === 0) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 2000));
    assert.equal((await server.call('GET', `/v2/transcript/${fetched.json.id}`)).json.status, 'processing');
    // The upload's job ends and lets go of its bytes: the download goes on.
    const uploaded = await server.call('POST', '/v2/transcript', { body: { audio_url: up.json.upload_url } });
    for (const id of [uploaded.json.id, fetched.json.id]) {
      const done = await server.waitFor(id, undefined, 300_000);
      assert.equal(done.status, 'completed', done.error);
      assert.match(done.text, /fellow americans/i);
    }
  } finally {
    await files.close();
    await server.close();
  }
});
