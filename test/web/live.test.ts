/**
 * The live page (issue 13) with Chromium's fake microphone playing a LibriVox clip (followed by
 * silence, so turns end): a temporary token, the v3 WebSocket over ws:// on the server's own port,
 * PCM16 from the AudioWorklet; partial captions update in place and finals are appended; the
 * session is saved as a transcript through the ordinary upload API.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/earshot-server.js';
import { LIBRIVOX_DIR } from '../helpers/librivox.js';
import { assertAccessible, DESKTOP, launch, screenshots, signIn, watchPage } from './helpers/browser.js';

const CLIP = `${LIBRIVOX_DIR}/sense_and_sensibility_01_austen_64kb-0870.wav`;

let server: TestServer;
let browser: Browser | null = null;
let dir: string;

before(async () => {
  server = await startTestServer();
  dir = await mkdtemp(join(tmpdir(), 'earshot-live-'));
});
after(async () => {
  await browser?.close();
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

test('microphone captions: partials in place, finals appended, saved as a transcript', async (t) => {
  // Chromium loops the file: speech, then two seconds of silence so each turn ends.
  const wav = join(dir, 'mic.wav');
  execFileSync('sox', [CLIP, '-r', '48000', wav, 'pad', '0.5', '2.5']);
  browser = await launch(t, ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-audio-capture=${wav}`]);
  if (!browser) return;
  const context = await browser.newContext({ viewport: DESKTOP });
  await context.grantPermissions(['microphone'], { origin: server.url });
  const page = await context.newPage();
  const watch = watchPage(page, server.url);
  const sockets: string[] = [];
  page.on('websocket', (ws) => sockets.push(ws.url()));
  await signIn(page, server.url, server.keyA);
  await page.getByRole('link', { name: 'Live' }).click();
  await page.getByRole('button', { name: /Start captions/ }).waitFor();
  await assertAccessible(page, 'live (idle)');

  await page.getByRole('button', { name: /Start captions/ }).click();
  await page.locator('.partial').filter({ hasText: /\w+/ }).waitFor({ timeout: 60_000 });
  const partial = (await page.locator('.partial').textContent()) ?? '';
  // Partials replace each other in one place while they grow.
  await page.waitForFunction((first) => (document.querySelector('.partial')?.textContent ?? '') !== first, partial, { timeout: 30_000 });
  assert.ok((await page.locator('.partial').count()) <= 1, 'one partial line at a time');
  await page.locator('.finals li').first().waitFor({ timeout: 60_000 });
  const final = (await page.locator('.finals li').first().textContent()) ?? '';
  assert.match(final.toLowerCase(), /leisure|consider|power|john|much|might/, `a final caption with the clip's words: ${final} (partial was ${partial})`);
  assert.ok(sockets.length === 1 && sockets[0].startsWith(server.url.replace('http', 'ws')), `one same-origin socket: ${sockets}`);
  assert.match(sockets[0], /[?&]token=/);
  assert.doesNotMatch(sockets[0], new RegExp(server.keyA), 'the API key never goes into the socket URL');
  assert.match(sockets[0], /sample_rate=16000/);
  await assertAccessible(page, 'live (captions)');
  await screenshots(page, 'live');

  await page.getByRole('button', { name: /Stop/ }).click();
  await page.getByRole('button', { name: 'Save as transcript' }).click();
  const link = page.getByRole('link', { name: 'Open the saved transcript' });
  await link.waitFor({ timeout: 30_000 });
  const id = decodeURIComponent(((await link.getAttribute('href')) ?? '').replace('#/t/', ''));
  const saved = await server.waitFor(id, server.keyA, 120_000);
  assert.equal(saved.status, 'completed', saved.error);
  assert.ok(saved.audio_duration >= 2, `the saved session has the recorded audio: ${saved.audio_duration}`);
  assert.deepEqual(watch.problems, []);
  await context.close();
});
