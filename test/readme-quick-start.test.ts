/**
 * The README's quick start as a stranger with only this repository would run it (issue 20): its
 * commands name files inside the checkout, no product document points outside it, and the first
 * command's transcription works here (the set-up it begins with has been done by `npm test`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { test } from 'node:test';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

function quickStartCommands(): string[] {
  const section = README.split(/^## Quick start$/m)[1]?.split(/^## /m)[0];
  assert.ok(section, 'README has a "## Quick start" section');
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(block, 'the quick start has a sh block');
  return block.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
}

/** Words of a command that look like paths: they contain a slash or end in a file extension. */
function pathsIn(command: string): string[] {
  return command.split(/\s+|&&|;/).filter((w) => w !== '' && !w.startsWith('-') && (w.includes('/') || /\.[a-z0-9]{2,4}$/i.test(w)));
}

const insideRepo = (path: string): boolean => {
  const rel = relative(ROOT, resolve(ROOT, path));
  return !isAbsolute(path) && rel !== '' && !rel.startsWith('..');
};

test('the quick start is two commands that name only files inside the repository, all present', () => {
  const commands = quickStartCommands();
  assert.equal(commands.length, 2, commands.join('\n'));
  assert.equal(commands[1], 'npm test', 'the second command is the test command CI runs');
  const paths = pathsIn(commands[0]);
  assert.ok(paths.length >= 3, `setup, the CLI and an audio file: ${paths.join(', ')}`);
  for (const path of paths) {
    assert.ok(insideRepo(path), `${path} is outside the repository`);
    assert.ok(existsSync(join(ROOT, path)), `${path} does not exist in the repository`);
  }
  const audio = paths.find((p) => /\.(mp3|wav|flac|ogg|m4a)$/.test(p));
  assert.ok(audio?.startsWith('samples/'), `the recording is the shipped sample: ${audio}`);
  assert.ok(readFileSync(join(ROOT, 'samples', 'README.md'), 'utf8').includes(audio!.slice('samples/'.length)), 'samples/README.md names its source and licence');
});

test('no product document points outside the repository', () => {
  // The README, docs/ and every README it links to (deploy/, eval/sets/real/, samples/, src/store/).
  const linked = [...README.matchAll(/\]\(([^)#]+\.md)\)/g)].map((m) => m[1]).filter((p) => !p.startsWith('docs/'));
  const docs = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`), ...linked, 'src/store/README.md'];
  assert.ok(linked.includes('samples/README.md'), `README links samples/README.md: ${linked.join(', ')}`);
  for (const doc of docs) {
    const text = readFileSync(join(ROOT, doc), 'utf8');
    assert.doesNotMatch(text, /\.\.\/shared\b/, `${doc} mentions ../shared`);
    // Relative links and code paths with ../ must stay inside the checkout.
    for (const match of text.matchAll(/(?:\]\(|`)((?:\.\.\/)+[^)`\s#]*)/g)) {
      const target = relative(ROOT, resolve(ROOT, doc, '..', match[1]));
      assert.ok(!target.startsWith('..'), `${doc} points outside the repository: ${match[1]}`);
    }
  }
});

test('the first command transcribes the sample in the checkout, with the words it says', (t) => {
  const [first] = quickStartCommands();
  const transcribe = first.split('&&').map((s) => s.trim()).find((s) => s.startsWith('node bin/earshot.js transcribe'));
  assert.ok(transcribe, `the first command transcribes with the CLI: ${first}`);
  const [, ...args] = transcribe.split(/\s+/);
  const started = Date.now();
  const run = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
  assert.equal(run.status, 0, run.stderr);
  const lines = run.stdout.trim().split('\n');
  for (const line of lines) assert.match(line, /^\d\d:\d\d:\d\d \S/, 'timestamps format: HH:MM:SS text');
  // The clip says "Had he married a more amiable woman, he might have been made still more
  // respectable than he was"; the default engine gets these words right (samples/README.md).
  const text = lines.map((l) => l.slice(9)).join(' ').toLowerCase();
  assert.match(text, /had he married a more amiable woman/);
  assert.match(text, /still more respectable/);
  t.diagnostic(`quick-start transcription: ${Date.now() - started} ms`);
});
