/**
 * `earshot api` (scaled out, test/scale/cluster.ts) serves the same web app at `/` as
 * `earshot serve`, with its CSP; the page's API calls go to that same process.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startCluster } from '../scale/cluster.js';

test('earshot api serves the web app at / with its CSP', async (t) => {
  const cluster = await startCluster(t);
  if (!cluster) return;
  try {
    const api = await cluster.startApi();
    const reply = await fetch(`${api.url}/`);
    assert.equal(reply.status, 200, await reply.clone().text());
    assert.match(reply.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(await reply.text())?.[1];
    assert.ok(asset);
    assert.equal((await fetch(`${api.url}${asset}`)).status, 200);
    assert.equal((await fetch(`${api.url}/v2/transcript`)).status, 401);
    assert.equal((await fetch(`${api.url}/v2/transcript`, { headers: { authorization: cluster.key } })).status, 200);
  } finally {
    await cluster.close();
  }
});
