/**
 * `earshot eval --intelligence` (issue 17 item 4): chapters on the published reference set
 * (eval/sets/intelligence/) scored against its reference chapters, DER on the real-voice
 * conversations, and the figures appended to the bench history. A reference moved away from the
 * topic changes must score lower, so the figures come from the chapters, not from the layout.
 */
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readHistory } from '../../src/bench/history.js';
import type { IntelligenceEvalResult } from '../../src/eval/intelligence/evaluate.js';
import { titleOverlap } from '../../src/eval/intelligence/title-terms.js';
import { runCli } from '../helpers/cli.js';

const SET = fileURLToPath(new URL('../../eval/sets/intelligence/', import.meta.url));

test('title terms are compared by stem, without stop words', () => {
  assert.deepEqual(titleOverlap('Stars and galaxies', 'Stargazing: the Moon, planets and galaxies').shared, ['galaxi']);
  assert.equal(titleOverlap('The bees', 'And the bee').overlap, 1);
  assert.equal(titleOverlap('Wind and boat', 'Baking bread').overlap, 0);
});

test('earshot eval --intelligence scores chapters and speaker labels and keeps the figures in the bench history', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'earshot-intel-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const history = join(dir, 'history.jsonl');
  const r = await runCli(['eval', '--intelligence', '--json', '--history', history, '--label', 'test run']);
  assert.equal(r.code, 0, r.stderr);
  const result = JSON.parse(r.stdout) as IntelligenceEvalResult;
  assert.equal(result.format, 'earshot-eval-intelligence/1');
  assert.equal(result.toleranceMs, 60_000);
  const ids = (await readdir(SET)).filter((n) => n.endsWith('.chapters.json')).map((n) => n.replace('.chapters.json', ''));
  assert.deepEqual(result.episodes.map((e) => e.id).sort(), ids.sort());
  for (const e of result.episodes) {
    const reference = JSON.parse(await readFile(join(SET, `${e.id}.chapters.json`), 'utf8')) as { chapters: unknown[] };
    assert.equal(e.titles.length, reference.chapters.length, e.id);
    assert.equal(e.boundaries.references, reference.chapters.length - 1, e.id);
    assert.ok(e.titles.every((title) => title.hypothesis.length > 0 && title.overlap >= 0 && title.overlap <= 1), e.id);
  }
  for (const v of [result.boundaries.precision, result.boundaries.recall, result.boundaries.f1, result.titleOverlap, result.titlesSharingATerm]) assert.ok(v >= 0 && v <= 1, String(v));
  assert.ok('der' in result.diarization, JSON.stringify(result.diarization));
  assert.ok(result.diarization.der >= 0 && result.diarization.der <= 1);

  const { records, quality, skippedLines } = await readHistory(history);
  assert.deepEqual([records.length, quality.length, skippedLines], [0, 1, []]);
  assert.equal(quality[0].label, 'test run');
  assert.equal(quality[0].figures.boundaryF1, result.boundaries.f1);
  assert.equal(quality[0].figures.titleOverlap, result.titleOverlap);
  assert.equal(quality[0].figures.der, result.diarization.der);
  t.diagnostic(`boundary F1 ${result.boundaries.f1.toFixed(3)}, title overlap ${result.titleOverlap.toFixed(3)}, DER ${result.diarization.der.toFixed(3)}`);

  // The same transcripts with a wrong reference: every chapter start moved two and a half minutes
  // later (beyond the ±60 s tolerance) and the titles rotated to other chapters.
  const wrong = join(dir, 'wrong');
  await cp(SET, wrong, { recursive: true });
  for (const id of ids) {
    const path = join(wrong, `${id}.chapters.json`);
    const { chapters } = JSON.parse(await readFile(path, 'utf8')) as { chapters: { start: string; title: string }[] };
    const moved = chapters.map((c, i) => ({ start: i === 0 ? c.start : clockPlus(c.start, 150_000), title: chapters[(i + 1) % chapters.length].title }));
    await writeFile(path, JSON.stringify({ chapters: moved }));
  }
  const w = await runCli(['eval', '--intelligence', wrong, '--json', '--no-der', '--no-record']);
  assert.equal(w.code, 0, w.stderr);
  const worse = JSON.parse(w.stdout) as IntelligenceEvalResult;
  assert.deepEqual(worse.diarization, { unavailable: 'not asked for' });
  assert.ok(worse.boundaries.f1 < result.boundaries.f1, `F1 ${worse.boundaries.f1} with a wrong reference, ${result.boundaries.f1} with the right one`);
  assert.ok(worse.titleOverlap < result.titleOverlap, `title overlap ${worse.titleOverlap} / ${result.titleOverlap}`);

  const table = await runCli(['eval', '--intelligence', wrong, '--no-der', '--no-record']);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /EPISODE +MINUTES +CHAPTERS +FOUND +MATCHED +PRECISION +RECALL +F1 +TITLE OVERLAP/);
  assert.match(table.stdout, /chapters: boundary F1 [\d.]+% within ±60 s/);
});

test('a folder without reference chapters is refused with what to put there', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'earshot-intel-empty-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'a.chapters.json'), '{"chapters": [{"start": "00:00", "title": "Intro"}]}');
  const missing = await runCli(['eval', '--intelligence', dir, '--no-der', '--no-record']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /a\.chapters\.json has no transcript beside it: expected a\.txt/);
  await rm(join(dir, 'a.chapters.json'));
  const empty = await runCli(['eval', '--intelligence', dir, '--no-der', '--no-record']);
  assert.equal(empty.code, 1);
  assert.match(empty.stderr, /holds no NAME\.chapters\.json file/);
});

function clockPlus(clock: string, ms: number): string {
  const [h, m, s] = clock.split(':').map(Number);
  const total = ((h * 60 + m) * 60 + s) * 1000 + ms;
  return new Date(total).toISOString().slice(11, 19);
}
