/**
 * `earshot api` and `earshot worker` refuse what they cannot do before connecting anywhere: each
 * message names what is missing and the fix.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';

const clean = { EARSHOT_DATABASE_URL: '', EARSHOT_REDIS_URL: '', EARSHOT_STREAM_TOKEN_SECRET: '' };

test('earshot worker --stages takes only the stages it knows', async () => {
  const result = await runCli(['worker', '--stages', 'punctuation', '--database', 'postgres://127.0.0.1:1/x', '--redis', 'redis://127.0.0.1:1'], { env: clean });
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, /--stages.*Allowed choices are all, asr, intelligence/);
});

test('earshot worker without --redis, and earshot api with SQLite, name the flag they need', async () => {
  const worker = await runCli(['worker', '--database', 'postgres://127.0.0.1:1/x'], { env: clean });
  assert.equal(worker.code, 1);
  assert.match(worker.stderr, /needs --redis redis:\/\/… \(EARSHOT_REDIS_URL\).*earshot serve/);
  const api = await runCli(['api', '--database', 'sqlite:///tmp/x.db', '--redis', 'redis://127.0.0.1:1'], { env: clean });
  assert.equal(api.code, 1);
  assert.match(api.stderr, /needs --database postgres:\/\/…/);
});

test('earshot api without a shared stream-token secret says why it needs one', async () => {
  const result = await runCli(['api', '--database', 'postgres://127.0.0.1:1/x', '--redis', 'redis://127.0.0.1:1'], { env: clean });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /EARSHOT_STREAM_TOKEN_SECRET, the same value on every api process/);
});
