/**
 * Privacy at rest (issue 4): transcript words never appear in the raw database file, and no audio
 * is written to disk (neither under the data directory nor the system temp directory) while a
 * job runs; uploaded bytes leave memory when the job ends.
 */
import assert from 'node:assert/strict';
import { watch } from 'node:fs';
import { mkdtemp, open, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { fileServer, startTestServer } from '../helpers/earshot-server.js';
import { librivoxClips, SHARED_AUDIO_DIR } from '../helpers/librivox.js';

const clips = librivoxClips();

interface Entry {
  size: number;
  mtimeMs: number;
}

/**
 * Every file under `root` down to `depth` levels (a temp file sits at the top or in a directory
 * made for it), by path; unreadable corners are skipped.
 */
async function snapshot(root: string, skip: (path: string) => boolean = () => false, depth = Infinity): Promise<Map<string, Entry>> {
  const files = new Map<string, Entry>();
  const walk = async (dir: string, level = 1) => {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const path = join(dir, name);
      if (skip(path)) continue;
      try {
        const info = await stat(path);
        if (info.isDirectory()) {
          if (level < depth) await walk(path, level + 1);
        }
        else if (info.isFile()) files.set(path, { size: info.size, mtimeMs: info.mtimeMs });
      } catch {
        // deleted while walking
      }
    }
  };
  await walk(root);
  return files;
}

/** Files created or changed between two snapshots. */
function changed(before: Map<string, Entry>, after: Map<string, Entry>): string[] {
  return [...after].filter(([path, e]) => {
    const was = before.get(path);
    return !was || was.size !== e.size || was.mtimeMs !== e.mtimeMs;
  }).map(([path]) => path);
}

/**
 * Whether a file holds a stretch of the audio we sent: its raw bytes, or for the 16 kHz mono WAV
 * also the samples ffmpeg would decode it to. (Other programs' audio files do not count.)
 */
async function holdsOurAudio(path: string, inputs: Buffer[]): Promise<boolean> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch {
    return false;
  }
  return inputs.some((input) => bytes.includes(input.subarray(Math.floor(input.length / 2), Math.floor(input.length / 2) + 256)));
}

test('no audio touches the disk and no transcript words are readable in the SQLite file', async () => {
  const server = await startTestServer({ allowPrivateUrls: true });
  const files = await fileServer({ '/jfk.mp3': await readFile(`${SHARED_AUDIO_DIR}jfk.mp3`) });
  try {
    const clip = clips.find((c) => c.id.endsWith('0920'))!; // "had he married a more amiable woman…"
    const wav = await readFile(clip.path);
    const mp3 = await readFile(`${SHARED_AUDIO_DIR}jfk.mp3`);
    const tmp = tmpdir();
    const notOurs = (p: string) => p.startsWith(server.dataDir) || p.startsWith(privateTmp);
    // The server's temp dir is a private one for the length of the jobs (TMPDIR is read on each
    // os.tmpdir() call and inherited by ffmpeg), so there no new file at all is allowed. The
    // system temp dir is shared with other tests and programs: there, a file holding our audio
    // counts. The data dir allows no file but the database and the key files.
    const privateTmp = await mkdtemp(join(tmp, 'earshot-privacy-tmp-'));
    const tmpBefore = await snapshot(tmp, notOurs, 3);
    const dataBefore = await snapshot(server.dataDir);
    // Watching catches files made and deleted again between the two snapshots.
    const appeared = { tmp: new Set<string>(), data: new Set<string>(), private: new Set<string>() };
    const watchers = [
      watch(tmp, (_event, name) => name && appeared.tmp.add(join(tmp, name))),
      watch(server.dataDir, (_event, name) => name && appeared.data.add(join(server.dataDir, name))),
      watch(privateTmp, (_event, name) => name && appeared.private.add(join(privateTmp, name))),
    ];
    const savedTmpdir = process.env.TMPDIR;
    process.env.TMPDIR = privateTmp;
    let words: string[];
    try {
      const up = await server.call('POST', '/v2/upload', { raw: wav, headers: { 'content-type': 'application/octet-stream' } });
      const a = await server.call('POST', '/v2/transcript', {
        body: { audio_url: up.json.upload_url, custom_spelling: [{ from: ['respectable'], to: 'Respectable' }] },
      });
      const b = await server.call('POST', '/v2/transcript', { body: { audio_url: `${files.origin}/jfk.mp3?X-Amz-Signature=topsecret` } });
      const doneA = await server.waitFor(a.json.id);
      const doneB = await server.waitFor(b.json.id);
      assert.equal(doneA.status, 'completed', doneA.error);
      assert.equal(doneB.status, 'completed', doneB.error);
      assert.equal(server.server.vault.size.uploads, 0, 'the upload left memory when its job ended');
      words = [...doneA.words, ...doneB.words].map((w: { text: string }) => w.text).filter((t: string) => t.length >= 5);
      assert.ok(words.length >= 5, `enough distinctive words: ${words}`);
    } finally {
      if (savedTmpdir === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = savedTmpdir;
      for (const w of watchers) w.close();
    }
    assert.deepEqual([...appeared.private, ...(await snapshot(privateTmp)).keys()], [], 'nothing written to the temp dir');
    await rm(privateTmp, { recursive: true });

    const dataAfter = await snapshot(server.dataDir);
    const allowed = /^(earshot\.db(-wal|-shm|-journal)?|keys\.json|webhook-secret)$/;
    for (const path of new Set([...changed(dataBefore, dataAfter), ...appeared.data])) {
      assert.match(relative(server.dataDir, path), allowed, `unexpected file in the data dir: ${path}`);
    }
    const tmpAfter = await snapshot(tmp, notOurs, 3);
    for (const path of changed(tmpBefore, tmpAfter)) {
      assert.equal(await holdsOurAudio(path, [wav, mp3]), false, `a file holding the audio was written during the job: ${path}`);
    }
    for (const path of appeared.tmp) {
      if (notOurs(path) || tmpAfter.has(path)) continue;
      assert.doesNotMatch(path, /\.(wav|mp3|flac|ogg|m4a|pcm|raw|s16le)$/i, `a temporary audio file came and went: ${path}`);
    }

    // The raw database (and its WAL) holds ciphertext only: no word, no audio URL secret.
    await server.server.store.close();
    const raw = Buffer.concat(
      await Promise.all([...dataAfter.keys()].filter((p) => /earshot\.db/.test(p)).map((p) => readFile(p).catch(() => Buffer.alloc(0)))),
    );
    assert.ok(raw.length > 0);
    for (const word of new Set([...words!, 'Respectable', 'topsecret', 'jfk.mp3'])) {
      for (const form of [word, word.toLowerCase(), word.toUpperCase()]) {
        assert.equal(raw.includes(Buffer.from(form, 'utf8')), false, `"${form}" is readable in the database file`);
        assert.equal(raw.includes(Buffer.from(form, 'utf16le')), false, `"${form}" (UTF-16) is readable in the database file`);
      }
    }
  } finally {
    await files.close();
    await server.close();
  }
});

test('the data directory and key files are private to the server user', async () => {
  const server = await startTestServer();
  try {
    assert.equal((await stat(server.dataDir)).mode & 0o077, 0, 'data dir is 700');
    assert.equal((await stat(join(server.dataDir, 'webhook-secret'))).mode & 0o077, 0, 'webhook-secret is 600');
    // The key lives outside the data directory, so a backup of the data does not carry it.
    await assert.rejects(stat(join(server.dataDir, 'keys.json')), 'no key file in the data directory');
    assert.equal((await stat(server.server.config.keyFile)).mode & 0o077, 0, 'the key file is 600');
    const handle = await open(join(server.dataDir, 'webhook-secret'), 'r');
    assert.ok((await handle.readFile('utf8')).trim().length >= 32);
    await handle.close();
  } finally {
    await server.close();
  }
});
