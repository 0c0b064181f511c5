import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeWav } from '../../src/intelligence/redaction/encode.js';
import { runCli } from '../helpers/cli.js';
import { buildConversation, INTERVIEW } from '../intelligence/helpers/voices.js';
import { librivoxClips } from '../helpers/librivox.js';

let scratch: string;
let conversation: string;



before(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'earshot-cli-ai-'));
  conversation = join(scratch, 'conversation.wav');
  writeFileSync(conversation, encodeWav((await buildConversation(INTERVIEW)).pcm, 16000));
});
after(() => rmSync(scratch, { recursive: true, force: true }));

test('--speakers puts speaker names on the text and utterances in the JSON', async () => {
  const [txt, json] = await Promise.all([
    runCli(['transcribe', conversation, '--speakers']),
    runCli(['transcribe', conversation, '--speakers-expected', '2', '-f', 'json']),
  ]);
  assert.equal(txt.code, 0, txt.stderr);
  assert.match(txt.stdout, /^Speaker A: /m);
  assert.match(txt.stdout, /^Speaker B: /m);
  assert.equal(json.code, 0, json.stderr);
  const parsed = JSON.parse(json.stdout);
  assert.equal(parsed.speaker_labels, true);
  assert.deepEqual([...new Set(parsed.utterances.map((u: { speaker: string }) => u.speaker))], ['A', 'B']);
  assert.ok(parsed.words.every((w: { speaker: string | null }) => w.speaker === 'A' || w.speaker === 'B'));
});

test('--summary --chapters --highlights add readable sections and AssemblyAI fields', async () => {
  const clip = librivoxClips()[0].path;
  const [txt, json] = await Promise.all([
    runCli(['transcribe', clip, '--summary', '--chapters', '--highlights']),
    runCli(['transcribe', clip, '--summary-type', 'gist', '--chapters', '-f', 'json']),
  ]);
  assert.equal(txt.code, 0, txt.stderr);
  assert.match(txt.stdout, /Summary/);
  assert.match(txt.stdout, /Chapters/);
  assert.match(txt.stdout, /\d\d:\d\d:\d\d /, 'chapter headings carry their start time');
  const parsed = JSON.parse(json.stdout);
  assert.equal(typeof parsed.summary, 'string');
  assert.ok(parsed.summary.length > 0);
  assert.ok(Array.isArray(parsed.chapters) && parsed.chapters.length >= 1);
  for (const c of parsed.chapters) assert.ok(c.start < c.end && typeof c.headline === 'string');
});

test('punctuation and casing by default; --no-punctuate keeps the raw words', async () => {
  const clip = librivoxClips()[3].path;
  const [formatted, raw] = await Promise.all([runCli(['transcribe', clip]), runCli(['transcribe', clip, '--no-punctuate'])]);
  assert.match(formatted.stdout.trim(), /^[A-Z].*[.?!]$/s);
  assert.equal(raw.stdout.trim(), raw.stdout.trim().toLowerCase());
  assert.doesNotMatch(raw.stdout, /[.?!,]/);
});

test('--word-boost favours a name the engine misses without it', async () => {
  // Clip 0870 says "mister john dashwood"; the plain engine never writes "dashwood".
  const clip = librivoxClips()[0].path;
  const [plain, boosted] = await Promise.all([
    runCli(['transcribe', clip, '--no-punctuate']),
    runCli(['transcribe', clip, '--no-punctuate', '--word-boost', 'Dashwood', '--boost-param', 'high']),
  ]);
  assert.equal(boosted.code, 0, boosted.stderr);
  assert.doesNotMatch(plain.stdout, /dashwood/);
  assert.match(boosted.stdout, /dashwood/);
});
