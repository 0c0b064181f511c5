/** `earshot analyze` end to end, as a user runs it: a child process reading real files. */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { toAssemblyAiJson } from '../../src/transcript/format-assemblyai.js';
import { startLlmServer, userPrompt, type LlmServer } from './helpers/llm-server.js';
import { spoken } from './helpers/transcript.js';
import { runCli, type CliResult } from '../helpers/cli.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURE = `${ROOT}test/fixtures/chapters/podcast-topics.txt`;

function earshot(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  // The LLM is off unless a test points it at its own local server.
  const noLlm = Object.fromEntries(Object.keys(process.env).filter((k) => k.startsWith('EARSHOT_LLM_')).map((k) => [k, undefined]));
  return runCli(['analyze', ...args], { env: { ...noLlm, ...env } });
}

let dir: string;
let llm: LlmServer;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'earshot-analyze-'));
  llm = await startLlmServer((request) =>
    request.body.model === 'broken' ? { kind: 'status', status: 503, body: 'overloaded' } : { kind: 'answer', text: `- Generated from ${userPrompt(request).length} characters` },
  );
});
after(async () => {
  await llm.close();
  await rm(dir, { recursive: true, force: true });
});

test('HH:MM:SS lines in, chapters and a summary out as text', async () => {
  const { code, stdout, stderr } = await earshot([FIXTURE, '--chapters', '--summary']);
  assert.equal(code, 0, stderr);
  assert.equal(stderr, '');
  assert.match(stdout, /^Summary\n-------\n- /);
  assert.match(stdout, /\nChapters\n--------\n00:00:00 Starter/);
  // A name leads a title (issue 17): "Iceland and volcanoes".
  assert.match(stdout, /\n00:27:\d\d (Iceland and v|V)olcanoes/);
  assert.ok(!stdout.includes('Topics'), 'only the requested analyses run');
});

test('SRT in, JSON out with AssemblyAI field names', async () => {
  const srt = [
    '1\n00:00:00,000 --> 00:00:05,000\nThe striker scored two goals and the goalkeeper was furious.',
    '2\n00:00:05,000 --> 00:00:10,000\nThe midfield pressing forced the defenders into a long ball.',
    '3\n00:00:10,000 --> 00:00:15,000\nManchester United signed a new striker from Brazil.',
  ].join('\n\n');
  await writeFile(join(dir, 'match.srt'), srt + '\n');
  const { code, stdout, stderr } = await earshot([join(dir, 'match.srt'), '--topics', '--entities', '--highlights', '--format', 'json']);
  assert.equal(code, 0, stderr);
  const json = JSON.parse(stdout);
  assert.deepEqual(Object.keys(json), ['iab_categories_result', 'auto_highlights_result', 'entities']);
  assert.equal(json.iab_categories_result.results[0].labels[0].label, 'Sports>Soccer');
  assert.ok(json.entities.some((e: { entity_type: string; text: string }) => e.entity_type === 'location' && e.text === 'Brazil'));
  assert.equal(json.iab_categories_result.results[0].timestamp.start, 0);
});

test('AssemblyAI JSON in, with speakers kept and profanity masked', async () => {
  const t = spoken([
    { text: 'This new oven is wonderful and I love it.', speaker: 'A' },
    { text: 'Mine burned the bread, it was awful shit.', speaker: 'B' },
  ]);
  await writeFile(join(dir, 'call.json'), JSON.stringify(toAssemblyAiJson(t, { id: 'x', audio_url: 'u', status: 'completed' })));
  const { code, stdout, stderr } = await earshot([join(dir, 'call.json'), '--sentiment', '--safety', '--filter-profanity', '--format', 'json']);
  assert.equal(code, 0, stderr);
  const json = JSON.parse(stdout);
  assert.equal(json.text, 'This new oven is wonderful and I love it. Mine burned the bread, it was awful s***.');
  assert.deepEqual(
    json.sentiment_analysis_results.map((s: { speaker: string; sentiment: string }) => [s.speaker, s.sentiment]),
    [['A', 'POSITIVE'], ['B', 'NEGATIVE']],
  );
  assert.equal(json.content_safety_labels.status, 'success');
});

test('WebVTT in with no analysis flag runs every analysis; the LLM writes the summary when configured', async () => {
  await writeFile(join(dir, 'talk.vtt'), 'WEBVTT\n\n00:00.000 --> 00:06.000\nCompost feeds the soil in the vegetable garden.\n\n00:06.000 --> 00:12.000\nWater the tomatoes deeply at the base of the plant.\n');
  const { code, stdout, stderr } = await earshot([join(dir, 'talk.vtt')], { EARSHOT_LLM_BASE_URL: llm.baseUrl, EARSHOT_LLM_MODEL: 'local' });
  assert.equal(code, 0, stderr);
  for (const title of ['Summary', 'Chapters', 'Topics', 'Highlights', 'Entities', 'Sentiment', 'Content safety']) assert.ok(stdout.includes(`\n${title}\n`) || stdout.startsWith(`${title}\n`), title);
  assert.match(stdout, /Summary\n-------\n- Generated from \d+ characters/);
  assert.match(stdout, /Home&Garden>Gardening/);
});

test('when the LLM fails the command still succeeds, with the offline summary and a warning', async () => {
  const { code, stdout, stderr } = await earshot([FIXTURE, '--summary'], { EARSHOT_LLM_BASE_URL: llm.baseUrl, EARSHOT_LLM_MODEL: 'broken' });
  assert.equal(code, 0, stderr);
  assert.match(stderr, /could not write the summary \(LLM endpoint: HTTP 503: "overloaded"\); used the offline method/);
  assert.match(stdout, /^Summary\n-------\n- [A-Z]/);
});

test('unreadable and malformed files and unsupported options fail with exit 1 and a clear message', async () => {
  await writeFile(join(dir, 'bad.txt'), '00:00:01 hello there\n00:00:05 fine\nthis line has no time\n');
  const bad = await earshot([join(dir, 'bad.txt')]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^earshot: Timestamps line 3: expected a line starting with a time .* \[invalid_request\]\n$/);
  assert.equal(bad.stdout, '');
  const missing = await earshot([join(dir, 'nope.txt')]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /cannot read .*nope\.txt: no such file \[invalid_request\]/);
  const unsupported = await earshot([FIXTURE, '--redact-pii-policies', 'person_name,blood_type']);
  assert.equal(unsupported.code, 1);
  assert.match(unsupported.stderr, /blood_type is not supported.*\[unsupported_option\]/);
});

test('--redact-pii redacts the transcript before any analysis sees it', async () => {
  await writeFile(join(dir, 'pii.txt'), '00:00:00 My name is John Smith and I live in London.\n00:00:05 Call me on 555-123-4567 tomorrow.\n00:00:09\n');
  const { code, stdout, stderr } = await earshot([join(dir, 'pii.txt'), '--redact-pii', '--redact-pii-sub', 'entity_name', '--entities', '--summary', '--format', 'json']);
  assert.equal(code, 0, stderr);
  const json = JSON.parse(stdout);
  assert.equal(json.text, 'My name is [PERSON_NAME] and I live in [LOCATION]. Call me on [PHONE_NUMBER] tomorrow.');
  assert.ok(!stdout.includes('John') && !stdout.includes('London') && !stdout.includes('555'), stdout);
  assert.deepEqual(json.entities.map((e: { entity_type: string }) => e.entity_type), ['date']);
});
