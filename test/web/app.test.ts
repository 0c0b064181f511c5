/**
 * The web app end to end (issue 13) in headless Debian Chromium against a real server: sign in,
 * upload a LibriVox clip, watch it complete, read it, click a word and check the player's time,
 * export SRT, delete; refused and failed uploads show why. Every page passes axe-core without
 * serious violations, makes no request outside the server and trips no CSP rule.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/earshot-server.js';
import { LIBRIVOX_DIR } from '../helpers/librivox.js';
import { assertAccessible, DESKTOP, launch, screenshots, signIn, watchPage } from './helpers/browser.js';

const CLIP = `${LIBRIVOX_DIR}/sense_and_sensibility_01_austen_64kb-0870.wav`;
// "and mister john dashwood had then leisure to consider how much there might be prudently in his power to do for them"

let server: TestServer;
let browser: Browser | null = null;

before(async () => {
  server = await startTestServer();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

test('the page at / is served with a strict CSP and no outside assets', async () => {
  const reply = await fetch(`${server.url}/`);
  assert.equal(reply.status, 200);
  const csp = reply.headers.get('content-security-policy') ?? '';
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'self'(;|$)/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:/);
  const html = await reply.text();
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script');
  assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//, 'no asset from another origin');
  const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
  assert.ok(asset, html);
  const js = await fetch(`${server.url}${asset}`);
  assert.equal(js.status, 200);
  assert.match(js.headers.get('cache-control') ?? '', /immutable/);
  // The API is untouched: still needs a key, the docs still there.
  assert.equal((await fetch(`${server.url}/v2/transcript`)).status, 401);
  assert.equal((await fetch(`${server.url}/docs`, { redirect: 'manual' })).status < 400, true);
});

test('sign in, upload a clip, read it synced to the player, export SRT, delete', async (t) => {
  browser = await launch(t);
  if (!browser) return;
  const context = await browser.newContext({ viewport: DESKTOP, acceptDownloads: true });
  const page = await context.newPage();
  const watch = watchPage(page, server.url);

  // Signing in: a wrong key is refused with a message, the right one opens the app.
  await page.goto(server.url);
  await assertAccessible(page, 'sign-in');
  await screenshots(page, 'sign-in');
  await page.getByLabel('API key').fill('not-a-key');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').filter({ hasText: 'not valid' }).waitFor();
  await signIn(page, server.url, server.keyA);
  assert.equal(await page.evaluate(() => sessionStorage.length), 1, 'the key is kept in the session only');

  // Upload with speakers and key phrases on.
  await page.getByText(/^Features:/).click();
  for (const feature of [/^Speakers/, /^Chapters/, /^Summary/, /^Topics/, /^Safety/, /^Entities/, /^Sentiment/, /^Key phrases/]) {
    await page.getByLabel(feature).check();
  }
  await page.setInputFiles('#file-input', CLIP);
  const row = page.locator('.job', { hasText: 'sense_and_sensibility' });
  await row.getByRole('link', { name: 'Open' }).waitFor({ timeout: 30_000 });
  const listRow = page.locator('.transcripts li', { hasText: 'sense_and_sensibility' });
  await listRow.waitFor();
  await listRow.locator('.status.completed').waitFor({ timeout: 120_000 });
  await assertAccessible(page, 'transcripts list');
  await screenshots(page, 'transcripts');

  // Text search over the transcripts (the list API has no text filter; the page reads them).
  await page.getByLabel('Search transcript text').fill('leisure');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.locator('.search-results li', { hasText: 'sense_and_sensibility' }).waitFor();
  await page.getByRole('button', { name: 'Clear search' }).click();

  // The transcript page: words, speakers, the player of the file this browser uploaded.
  await listRow.getByRole('link').click();
  const id = decodeURIComponent(new URL(page.url()).hash.replace('#/t/', ''));
  const word = page.locator('.w', { hasText: /^consider$/i }).first();
  await word.waitFor({ timeout: 30_000 });
  await page.locator('.speaker').first().waitFor();
  for (const panel of ['Summary', 'Topics', 'Sentiment', 'Key phrases', 'Chapters']) {
    await page.getByRole('heading', { name: panel, exact: true }).waitFor();
  }
  const audio = page.locator('audio');
  await page.waitForFunction(() => (document.querySelector('audio')?.readyState ?? 0) >= 1);
  const json = (await server.call('GET', `/v2/transcript/${id}`)).json;
  const expected = json.words.find((w: { text: string }) => /^consider\W*$/i.test(w.text));
  assert.ok(expected, `"consider" is in ${json.text}`);
  await word.click();
  const time = await audio.evaluate((el: HTMLAudioElement) => el.currentTime);
  assert.ok(Math.abs(time - expected.start / 1000) < 0.05, `clicking "consider" seeks to ${expected.start} ms, player at ${time} s`);
  await page.waitForFunction(() => document.querySelector('.w.now')?.textContent?.toLowerCase().startsWith('consider'));

  // Keyboard: J goes back 5 s (to 0 here), K plays and pauses.
  await page.locator('.text').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('j');
  assert.ok((await audio.evaluate((el: HTMLAudioElement) => el.currentTime)) < time, 'J goes back');

  // Renaming a speaker shows the new name.
  await page.getByLabel('Speaker A', { exact: true }).fill('Narrator');
  await page.locator('.speaker', { hasText: 'Narrator' }).first().waitFor();

  // Search within the transcript marks the hits.
  await page.getByLabel('Find words').fill('power');
  await page.locator('.w.hit', { hasText: /power/i }).first().waitFor();
  await assertAccessible(page, 'transcript');
  await screenshots(page, 'transcript');

  // SRT export comes from the server's /srt endpoint.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'SRT', exact: true }).click()]);
  const srt = await readFile((await download.path())!, 'utf8');
  assert.match(download.suggestedFilename(), /\.srt$/);
  assert.match(srt, /^1\r?\n\d\d:\d\d:\d\d,\d{3} --> \d\d:\d\d:\d\d,\d{3}\r?\n\S/);
  assert.match(srt.toLowerCase(), /consider/);
  const [lines] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'HH:MM:SS' }).click()]);
  assert.match(await readFile((await lines.path())!, 'utf8'), /^00:00:0\d Narrator: /);

  // After a reload the browser no longer holds the file: the page asks for it again.
  await page.reload();
  await page.getByLabel(/Pick your copy of the file/).setInputFiles(CLIP);
  await page.locator('audio').waitFor();
  await page.locator('.speaker', { hasText: 'Narrator' }).first().waitFor();

  // Delete asks first, then the transcript is gone.
  await page.getByRole('button', { name: 'Delete…' }).click();
  await assertAccessible(page, 'delete dialog');
  await page.getByRole('button', { name: 'Delete for good' }).click();
  await page.waitForFunction(() => location.hash === '#/');
  await page.locator('.transcripts, .empty').first().waitFor();
  assert.equal(await page.locator('.transcripts li', { hasText: 'sense_and_sensibility' }).count(), 0);
  const gone = await server.call('GET', `/v2/transcript/${id}`);
  assert.ok(gone.status === 404 || (gone.json.words === null && gone.json.audio_url === 'http://deleted_by_user'), `deleted: ${gone.status} ${gone.text.slice(0, 200)}`);
  await page.locator('.transcripts li.deleted').first().waitFor();

  // Signing out forgets the key.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByLabel('API key').waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.length), 0);
  assert.deepEqual(watch.problems, []);
  await context.close();
});

test('a file that is not audio is refused with its reason, a broken one fails with the server\'s', async (t) => {
  browser ??= await launch(t);
  if (!browser) return;
  const page: Page = await browser.newPage({ viewport: DESKTOP });
  const watch = watchPage(page, server.url);
  await signIn(page, server.url, server.keyB);
  // A text file dropped on the upload area, a broken WAV picked with the file chooser.
  const dropped = await page.evaluateHandle(() => {
    const data = new DataTransfer();
    data.items.add(new File(['not audio at all\n'], 'notes.txt', { type: 'text/plain' }));
    return data;
  });
  await page.locator('.drop').dispatchEvent('drop', { dataTransfer: dropped });
  // Uploads report their progress: a megabyte at 512 kB/s is seen part-way.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 512 * 1024 });
  await page.setInputFiles('#file-input', [
    { name: 'broken.wav', mimeType: 'audio/wav', buffer: Buffer.from('RIFF....WAVEfmt this is not really audio'.repeat(25_000)) },
  ]);
  await page.waitForFunction(() => {
    const bar = document.querySelector<HTMLProgressElement>('.job.uploading progress');
    return !!bar && bar.value > 0.05 && bar.value < 0.95;
  });
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  const refused = page.locator('.job.refused', { hasText: 'notes.txt' });
  await refused.getByRole('alert').filter({ hasText: 'not an audio or video file' }).waitFor();
  const failed = page.locator('.transcripts li', { hasText: 'broken.wav' });
  await failed.locator('.status.error').waitFor({ timeout: 60_000 });
  const reason = (await failed.locator('p.error').textContent()) ?? '';
  assert.ok(reason.length > 10, `the failure says why: ${reason}`);
  await assertAccessible(page, 'upload errors');
  await screenshots(page, 'upload-errors');
  assert.deepEqual(watch.problems, []);
  await page.close();
});

test('the list pages through older and newer transcripts', async (t) => {
  browser ??= await launch(t);
  if (!browser) return;
  // Quick to make: bytes that are not audio fail at once, and failed transcripts are listed too.
  const before = (await server.call('GET', '/v2/transcript?limit=200', { key: server.keyB })).json.transcripts.length;
  let newest = '';
  for (let i = 0; i < 21; i++) {
    const upload = await server.call('POST', '/v2/upload', { key: server.keyB, raw: Buffer.from(`not audio ${i}`), headers: { 'content-type': 'application/octet-stream' } });
    const reply = await server.call('POST', '/v2/transcript', { key: server.keyB, body: { audio_url: upload.json.upload_url } });
    assert.equal(reply.status, 200, reply.text);
    newest = reply.json.id;
  }
  const total = before + 21;
  const page = await browser.newPage({ viewport: DESKTOP });
  await signIn(page, server.url, server.keyB);
  const rows = page.locator('.transcripts li');
  await page.waitForFunction(() => document.querySelectorAll('.transcripts li').length === 20);
  assert.equal(await rows.first().getAttribute('data-id'), newest);
  await page.getByRole('button', { name: 'Older →' }).click();
  await page.waitForFunction((n) => document.querySelectorAll('.transcripts li').length === n, total - 20);
  assert.ok(await page.getByRole('button', { name: 'Older →' }).isDisabled());
  await page.getByRole('button', { name: '← Newer' }).click();
  await page.waitForFunction(() => document.querySelectorAll('.transcripts li').length === 20);
  assert.equal(await rows.first().getAttribute('data-id'), newest);
  await page.close();
});
