/**
 * The web app's static files as the server hands them out (src/api/web-app.ts): CSP and the
 * other security headers on every file, immutable caching for Vite's hashed assets only, ETags,
 * and a readable answer at `/` when the app was never built.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Fastify from 'fastify';
import { WEB_CSP, webAppRoutes } from '../../src/api/web-app.js';

test('built files are served with the CSP, hashed assets cached for good, others revalidated', async () => {
  const root = await mkdtemp(join(tmpdir(), 'earshot-web-'));
  await mkdir(join(root, 'assets'));
  await writeFile(join(root, 'index.html'), '<!doctype html><script type="module" src="/assets/app-abc.js"></script>');
  await writeFile(join(root, 'assets', 'app-abc.js'), 'console.log(1)');
  await writeFile(join(root, 'pcm-worklet.js'), 'registerProcessor()');
  const app = Fastify();
  await app.register(webAppRoutes, { root });
  try {
    const index = await app.inject('/');
    assert.equal(index.statusCode, 200);
    assert.equal(index.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(index.headers['content-security-policy'], WEB_CSP);
    assert.equal(index.headers['cache-control'], 'no-cache');
    assert.equal(index.headers['x-content-type-options'], 'nosniff');
    const again = await app.inject({ url: '/', headers: { 'if-none-match': String(index.headers.etag) } });
    assert.equal(again.statusCode, 304);

    const asset = await app.inject('/assets/app-abc.js');
    assert.equal(asset.statusCode, 200);
    assert.match(String(asset.headers['content-type']), /^text\/javascript/);
    assert.match(String(asset.headers['cache-control']), /immutable/);
    assert.equal((await app.inject('/pcm-worklet.js')).headers['cache-control'], 'no-cache');
    assert.equal((await app.inject('/index.html')).statusCode, 404, 'the page lives at / only');
    assert.equal((await app.inject('/assets/other.js')).statusCode, 404);
  } finally {
    await app.close();
    await rm(root, { recursive: true, force: true });
  }
});

test('an unbuilt app says how to build it; null turns it off', async () => {
  const unbuilt = Fastify();
  await unbuilt.register(webAppRoutes, { root: join(tmpdir(), 'earshot-no-such-dir') });
  const reply = await unbuilt.inject('/');
  assert.equal(reply.statusCode, 404);
  assert.match(reply.body, /scripts\/setup\.sh/);
  await unbuilt.close();

  const off = Fastify();
  await off.register(webAppRoutes, { root: null });
  assert.equal((await off.inject('/')).statusCode, 404);
  await off.close();
});
