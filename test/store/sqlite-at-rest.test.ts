/**
 * What is actually on disk for SQLite: the database file and its write-ahead log are searched byte
 * by byte for a transcript's words, during its life and after delete.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { openStore, type Store } from '../../src/store/store.js';
import { BetterSqlite } from '../../src/store/sqlite/better-sqlite3.js';
import { silentLogger } from './backends.js';
import { resultWith, transcriptInput } from './helpers.js';

// Made-up words, so a hit can only come from this test's data.
const WORD = 'Zorblaxquent';
const OPTION_WORD = 'Quillivantor';

let dir: string;
let store: Store | undefined;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'earshot-at-rest-'));
});
afterEach(async () => {
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

async function onDisk(): Promise<Buffer> {
  const parts = [];
  for (const name of ['earshot.db', 'earshot.db-wal']) {
    parts.push(await readFile(join(dir, name)).catch(() => Buffer.alloc(0)));
  }
  return Buffer.concat(parts);
}

function rawResult(id: string): Buffer {
  const db = new BetterSqlite(join(dir, 'earshot.db'));
  try {
    const row = db.prepare('select result from transcripts where id = ?').all([id])[0] as { result: Buffer };
    return row.result;
  } finally {
    db.close();
  }
}

test('a completed transcript leaves none of its words in the database file or WAL, nor after delete', async () => {
  // The default path: no key configured, so keys.json is created in the data directory.
  store = await openStore({ dataDir: dir }, { env: {}, logger: silentLogger });
  const { projectId } = await store.createApiKey('p');
  // Long enough to spill into overflow pages, where freed content is easiest to leave behind.
  const text = Array.from({ length: 3000 }, (_, i) => (i % 50 === 0 ? WORD : `word${i}`)).join(' ');
  const t = await store.createTranscript(
    transcriptInput(projectId, { options: { word_boost: [OPTION_WORD] }, audioUrl: `https://audio.example/${WORD}.mp3` }),
  );
  await store.markProcessing(t.id);
  await store.completeTranscript(t.id, { result: resultWith(text) });
  assert.equal((await store.getTranscript(projectId, t.id))?.result?.text, text);

  assert.ok((await stat(join(dir, 'earshot.db-wal'))).size > 0, 'the WAL holds the recent writes being checked');
  let bytes = await onDisk();
  // Control: a column stored in the clear is found, so the search does see the row's bytes.
  assert.ok(bytes.includes(Buffer.from('X-Hook-Token')), 'search sanity check');
  for (const secret of [WORD, OPTION_WORD, 'hook-secret', 'X-Amz-Signature', 'hooks.example/earshot']) {
    assert.ok(!bytes.includes(Buffer.from(secret)), `${secret} found in plaintext on disk`);
    assert.ok(!bytes.includes(Buffer.from(secret, 'utf16le')), `${secret} found as UTF-16 on disk`);
  }

  // The ciphertext itself is on disk now; after delete not even that may remain.
  const sealed = rawResult(t.id);
  const probes = [sealed.subarray(100, 132), sealed.subarray(sealed.length / 2, sealed.length / 2 + 32), sealed.subarray(sealed.length - 48, sealed.length - 16)];
  assert.ok(probes.some((p) => bytes.includes(p)), 'the sealed result is found before delete');

  await store.deleteTranscript(projectId, t.id);
  bytes = await onDisk();
  for (const probe of probes) assert.ok(!bytes.includes(probe), 'sealed bytes remain after delete');
  assert.ok(!bytes.includes(Buffer.from(WORD)));

  await store.close();
  store = undefined;
  bytes = await onDisk();
  for (const probe of probes) assert.ok(!bytes.includes(probe), 'sealed bytes remain after close');
});
