/**
 * Restart recovery (issue 4, privacy §3 and orchestrator §6): the server process is killed with
 * SIGKILL in the middle of a job and started again on the same data directory. Upload-based jobs
 * end with an error asking for a re-upload (their audio was only in the dead process's memory);
 * an audio_url job is fetched again and completes.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileServer, newKey } from '../helpers/earshot-server.js';
import { librivoxClips, SHARED_AUDIO_DIR } from '../helpers/librivox.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const CHILD = join(ROOT, 'test/api/fixtures/serve-child.ts');

interface Child {
  url: string;
  process: ChildProcess;
  output: () => string;
}

async function startChild(env: Record<string, string>): Promise<Child> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c) => (out += c));
  child.stderr!.on('data', (c) => (out += c));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 30_000);
    child.stdout!.on('data', () => {
      const match = /listening (http:\/\/\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${out}`));
    });
  });
  return { url, process: child, output: () => out };
}

async function killed(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await exited;
}

test('after kill -9 mid-job, upload jobs ask for a re-upload and url jobs complete', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'earshot-restart-'));
  const key = newKey('restart');
  const clip = librivoxClips().find((c) => c.id.endsWith('0930'))!; // "he might even have been made…"
  const files = await fileServer({ '/clip.wav': await readFile(clip.path) });
  const env = {
    EARSHOT_DATA_DIR: dataDir,
    EARSHOT_API_KEYS: key,
    EARSHOT_CONCURRENCY: '1',
    EARSHOT_ALLOW_PRIVATE_URLS: '1',
    EARSHOT_LOG_LEVEL: 'info',
  };
  let child: Child | undefined;
  const call = async (method: string, path: string, body?: unknown, raw?: Buffer) => {
    const response = await fetch(`${child!.url}${path}`, {
      method,
      headers: { authorization: key, ...(body ? { 'content-type': 'application/json' } : raw ? { 'content-type': 'application/octet-stream' } : {}) },
      body: body ? JSON.stringify(body) : raw ? new Uint8Array(raw) : undefined,
    });
    return { status: response.status, json: (await response.json()) as any };
  };
  try {
    child = await startChild(env);
    const wav = await readFile(`${SHARED_AUDIO_DIR}jfk.wav`); // 11 s: a few seconds of work
    const upload = async () => (await call('POST', '/v2/upload', undefined, wav)).json.upload_url as string;
    const running = (await call('POST', '/v2/transcript', { audio_url: await upload() })).json.id as string;
    const fromUrl = (await call('POST', '/v2/transcript', { audio_url: `${files.origin}/clip.wav` })).json.id as string;
    const waiting = (await call('POST', '/v2/transcript', { audio_url: await upload() })).json.id as string;

    // Kill the server while the first job is processing and the other two wait.
    const deadline = Date.now() + 30_000;
    while ((await call('GET', `/v2/transcript/${running}`)).json.status !== 'processing') {
      assert.ok(Date.now() < deadline, 'the first job never started');
      await new Promise((r) => setTimeout(r, 10));
    }
    await killed(child.process, 'SIGKILL');
    assert.equal(files.requests.length, 0, 'the url job had not started');

    child = await startChild(env);
    const settle = async (id: string) => {
      for (let i = 0; i < 600; i++) {
        const t = (await call('GET', `/v2/transcript/${id}`)).json;
        if (t.status === 'completed' || t.status === 'error') return t;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`transcript ${id} never finished`);
    };
    for (const id of [running, waiting]) {
      const t = await settle(id);
      assert.equal(t.status, 'error', `upload job ${id}`);
      assert.match(t.error, /restarted.*upload the file again/i);
    }
    const url = await settle(fromUrl);
    assert.equal(url.status, 'completed', url.error);
    assert.ok(url.words.length > 3);
    assert.equal(files.requests.length, 1, 'fetched again after the restart');

    // A clean stop (SIGTERM) is also a restart: state survives it.
    await killed(child.process, 'SIGTERM');
    child = await startChild(env);
    assert.equal((await call('GET', `/v2/transcript/${fromUrl}`)).json.text, url.text);
  } catch (err) {
    if (child) process.stderr.write(`--- server output ---\n${child.output()}\n`);
    throw err;
  } finally {
    if (child && child.process.exitCode === null) await killed(child.process, 'SIGKILL');
    await files.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});
