import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSrt } from '../../src/transcript/parse-srt.js';
import { parseVtt } from '../../src/transcript/parse-vtt.js';
import { parseTimestamps } from '../../src/transcript/parse-timestamps.js';
import { runCli } from '../helpers/cli.js';
import { SHARED_AUDIO_DIR } from '../helpers/librivox.js';

const JFK_MP3 = `${SHARED_AUDIO_DIR}jfk.mp3`;
const JFK_WAV = `${SHARED_AUDIO_DIR}jfk.wav`;
let server: Server;
let base: string;
let scratch: string;

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'earshot-cli-'));
  const mp3 = readFileSync(JFK_MP3);
  server = createServer((req, res) => {
    if (req.url === '/jfk.mp3') {
      res.setHeader('content-type', 'audio/mpeg');
      res.setHeader('content-length', mp3.length);
      res.end(mp3);
    } else {
      res.statusCode = 404;
      res.end('not here');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.close();
  rmSync(scratch, { recursive: true, force: true });
});

test('transcribe a local MP3 as JSON in the shape of an AssemblyAI transcript', async () => {
  const r = await runCli(['transcribe', JFK_MP3, '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout);
  assert.equal(json.status, 'completed');
  assert.ok(json.words.length > 5);
  assert.equal(json.text, json.words.map((w: { text: string }) => w.text).join(' '));
  assert.ok(Math.abs(json.audio_duration - 11) < 0.3);
  assert.equal(r.stderr, '', 'no progress bar or logs when stderr is not a terminal');
});

test('timestamps, SRT and VTT outputs are well formed and agree', async () => {
  const [ts, srt, vtt] = await Promise.all(['timestamps', 'srt', 'vtt'].map((f) => runCli(['transcribe', JFK_WAV, '-f', f])));
  for (const r of [ts, srt, vtt]) assert.equal(r.code, 0, r.stderr);
  const lines = ts.stdout.trim().split('\n');
  assert.ok(lines.length >= 2);
  for (const line of lines) assert.match(line, /^\d\d:\d\d:\d\d \S/);
  const words = (text: string) => text.split(/\s+/).filter(Boolean);
  const fromSrt = parseSrt(srt.stdout).words.map((w) => w.text);
  assert.deepEqual(parseVtt(vtt.stdout).words.map((w) => w.text), fromSrt);
  assert.deepEqual(parseTimestamps(ts.stdout).words.map((w) => w.text), fromSrt);
  assert.deepEqual(words(lines.map((l) => l.slice(9)).join(' ')), fromSrt);
});

test('-o writes the result to a file', async () => {
  const out = join(scratch, 'jfk.txt');
  const r = await runCli(['transcribe', JFK_WAV, '-o', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '');
  assert.ok(readFileSync(out, 'utf8').trim().split(/\s+/).length > 5);
});

test('a remote MP3 is fetched into memory and transcribed like the local file', async () => {
  const [remote, local] = await Promise.all([runCli(['transcribe', `${base}/jfk.mp3`]), runCli(['transcribe', JFK_MP3])]);
  assert.equal(remote.code, 0, remote.stderr);
  assert.equal(remote.stdout, local.stdout);
});

test('a 404 URL fails with a message naming the status', async () => {
  const r = await runCli(['transcribe', `${base}/missing.mp3`]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /HTTP 404/);
  assert.match(r.stderr, /remote_fetch_failed/);
});

test('bad inputs fail with a clear error naming the problem', async () => {
  const empty = join(scratch, 'empty.mp3');
  writeFileSync(empty, '');
  const text = join(scratch, 'notes.wav');
  writeFileSync(text, 'these are meeting notes, not audio\n'.repeat(50));
  const truncated = join(scratch, 'truncated.wav');
  writeFileSync(truncated, readFileSync(JFK_WAV).subarray(0, 100_000));
  const cases: [string[], RegExp][] = [
    [['transcribe', empty], /audio_empty/],
    [['transcribe', text], /audio_unsupported/],
    [['transcribe', truncated], /audio_corrupt/],
    [['transcribe', join(scratch, 'nope.mp3')], /no such file/],
    [['transcribe', JFK_WAV, '--engine', 'nosuch'], /Unknown engine "nosuch".*pocketsphinx/],
    [['transcribe', JFK_WAV, '--max-bytes', '1000'], /audio_too_large/],
    [['transcribe', 'ftp://example.com/a.mp3'], /remote_forbidden/],
  ];
  const results = await Promise.all(cases.map(([args]) => runCli(args)));
  results.forEach((r, i) => {
    assert.equal(r.code, 1, `${cases[i][0].join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, cases[i][1]);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace for expected errors');
  });
});

test('an unknown format is refused by the argument parser', async () => {
  const r = await runCli(['transcribe', JFK_WAV, '--format', 'docx']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /docx/);
});

test('earshot engines lists the default engine as ready and says how to get whisper models', async () => {
  const r = await runCli(['engines', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const engines = JSON.parse(r.stdout) as { name: string; ready: boolean; reason?: string }[];
  assert.equal(engines.find((e) => e.name === 'pocketsphinx')?.ready, true);
  const whisper = engines.find((e) => e.name === 'whisper');
  assert.ok(whisper);
  if (!whisper.ready) assert.match(whisper.reason ?? '', /earshot models pull/);
});
