import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiKeyCache, TranscriptReadCache } from '../../src/api/read-cache.js';

test('the transcript cache answers only its project, forgets on invalidate, and skips raced reads', () => {
  const cache = new TranscriptReadCache(60_000);
  let version = cache.version();
  cache.set('t1', 'p1', '{"a":1}', version);
  assert.equal(cache.get('t1', 'p1'), '{"a":1}');
  assert.equal(cache.get('t1', 'p2'), undefined, "another project's read is a miss");
  cache.invalidate('t1');
  assert.equal(cache.get('t1', 'p1'), undefined);
  // A read that began before a delete must not put the old body back afterwards.
  version = cache.version();
  cache.invalidate('t1');
  cache.set('t1', 'p1', '{"stale":true}', version);
  assert.equal(cache.get('t1', 'p1'), undefined);
});

test('the transcript cache expires entries and stays within its byte budget', async () => {
  const short = new TranscriptReadCache(30);
  short.set('t', 'p', 'x', short.version());
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(short.get('t', 'p'), undefined);
  const small = new TranscriptReadCache(60_000, 100);
  small.set('a', 'p', 'a'.repeat(30), small.version()); // 60 bytes
  small.set('b', 'p', 'b'.repeat(30), small.version()); // 120 in all: the oldest goes
  assert.equal(small.get('a', 'p'), undefined);
  assert.ok(small.get('b', 'p'));
  const off = new TranscriptReadCache(0);
  off.set('t', 'p', 'x', off.version());
  assert.equal(off.get('t', 'p'), undefined);
});

test('the key cache reuses successes only, within its time', async () => {
  let lookups = 0;
  const lookup = async (key: string) => (lookups++, key === 'good' ? { keyId: 'k', projectId: 'p' } : null);
  const cache = new ApiKeyCache(40);
  assert.deepEqual(await cache.authenticate('good', lookup), { keyId: 'k', projectId: 'p' });
  await cache.authenticate('good', lookup);
  assert.equal(lookups, 1);
  assert.equal(await cache.authenticate('bad', lookup), null);
  assert.equal(await cache.authenticate('bad', lookup), null);
  assert.equal(lookups, 3, 'failures are looked up every time');
  await new Promise((r) => setTimeout(r, 60));
  await cache.authenticate('good', lookup);
  assert.equal(lookups, 4, 'expired');
});
