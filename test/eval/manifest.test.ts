import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parseManifest, readManifest } from '../../src/eval/manifest.js';
import { isEarshotError } from '../../src/errors.js';

const scratch = mkdtempSync(join(tmpdir(), 'earshot-manifest-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

test('relative audio paths resolve against the manifest folder; absolute paths and URLs are kept', async () => {
  const path = join(scratch, 'set.jsonl');
  writeFileSync(
    path,
    [
      '# a comment',
      '{"audio": "clips/one.wav", "text": "one"}',
      '',
      '{"audio": "/data/two.mp3", "text": "two", "id": "second"}',
      '{"audio": "https://example.org/audio/three.flac?x=1", "text": "three"}',
    ].join('\n'),
  );
  const entries = await readManifest(path);
  assert.deepEqual(
    entries.map((e) => [e.id, e.audio, e.text, e.line]),
    [
      ['one', join(scratch, 'clips/one.wav'), 'one', 2],
      ['second', '/data/two.mp3', 'two', 4],
      ['three', 'https://example.org/audio/three.flac?x=1', 'three', 5],
    ],
  );
});

test('a condition is kept when given and absent otherwise, so older manifests read as before', () => {
  const entries = parseManifest(
    [
      '{"audio": "a.wav", "text": "one", "condition": "noise-10db"}',
      '{"audio": "b.wav", "text": "two"}',
      '{"audio": "c.wav", "text": "three", "condition": " telephone "}',
    ].join('\n'),
    '/m',
  );
  assert.deepEqual(
    entries.map((e) => [e.id, e.condition]),
    [
      ['a', 'noise-10db'],
      ['b', undefined],
      ['c', 'telephone'],
    ],
  );
  assert.ok(!('condition' in entries[1]), 'no condition key at all on a line without one');
});

test('two clips with the same file name get distinct ids', () => {
  const entries = parseManifest('{"audio": "a/x.wav", "text": "1"}\n{"audio": "b/x.wav", "text": "2"}\n', '/m');
  assert.deepEqual(entries.map((e) => e.id), ['x', 'x#2']);
});

test('malformed lines fail with the line number and what is wrong', async () => {
  const cases: [string, RegExp][] = [
    ['{"audio": "a.wav", "text": "ok"}\n{"audio": "b.wav", "text": "bad"', /line 2 is not valid JSON/],
    ['{"text": "no audio"}', /line 1 has no "audio"/],
    ['{"audio": "a.wav"}', /line 1 has no "text"/],
    ['["a.wav", "text"]', /line 1 must be a JSON object/],
    ['{"audio": "a.wav", "text": "t", "id": 7}', /"id" must be a string/],
    ['{"audio": "a.wav", "text": "t", "condition": 3}', /line 1: "condition" must be a non-empty string/],
    ['{"audio": "a.wav", "text": "t", "condition": "  "}', /line 1: "condition" must be a non-empty string/],
    ['\n# only comments\n', /lists no audio/],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => parseManifest(text, '/m', 'm.jsonl'), (err: unknown) => isEarshotError(err, 'invalid_request') && message.test(err.message), text);
  }
  await assert.rejects(readManifest(join(scratch, 'missing.jsonl')), /no such file/);
});
