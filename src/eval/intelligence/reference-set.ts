/**
 * A chapter reference set (issue 17 item 4, docs/evaluation.md): a folder of transcripts, each
 * `NAME.<txt|srt|vtt|json>` beside `NAME.chapters.json`, which says where each chapter starts
 * and what a person would title it:
 *
 *   { "chapters": [ { "start": "00:00:00", "title": "Baking sourdough bread" }, … ] }
 *
 * `start` is a clock time (`HH:MM:SS`, `MM:SS`, with an optional fraction) or milliseconds.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EarshotError } from '../../errors.js';
import type { Transcript } from '../../transcript/model.js';
import { parseTranscript } from '../../transcript/parse.js';
import { parseTimecode } from '../../transcript/timecode.js';

export interface ReferenceChapter {
  startMs: number;
  title: string;
}

export interface ReferenceEpisode {
  id: string;
  transcriptPath: string;
  transcript: Transcript;
  chapters: ReferenceChapter[];
}

const CHAPTERS_SUFFIX = '.chapters.json';
const TRANSCRIPT_EXTENSIONS = ['.txt', '.srt', '.vtt', '.json'];

export async function readReferenceSet(dir: string): Promise<ReferenceEpisode[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).sort();
  } catch (error) {
    throw new EarshotError('invalid_request', `Cannot read the chapter reference folder ${dir}: ${(error as Error).message}.`);
  }
  const ids = names.filter((n) => n.endsWith(CHAPTERS_SUFFIX)).map((n) => n.slice(0, -CHAPTERS_SUFFIX.length));
  if (ids.length === 0) {
    throw new EarshotError('invalid_request', `${dir} holds no NAME${CHAPTERS_SUFFIX} file: a reference set is transcripts with reference chapters beside them (see docs/evaluation.md).`);
  }
  const episodes: ReferenceEpisode[] = [];
  for (const id of ids) {
    const transcriptName = TRANSCRIPT_EXTENSIONS.map((ext) => id + ext).find((n) => names.includes(n));
    if (!transcriptName) throw new EarshotError('invalid_request', `${join(dir, id + CHAPTERS_SUFFIX)} has no transcript beside it: expected ${id}${TRANSCRIPT_EXTENSIONS.join(`, ${id}`)}.`);
    const transcriptPath = join(dir, transcriptName);
    const transcript = parseTranscript(await readFile(transcriptPath, 'utf8'));
    const chapters = parseChapters(await readFile(join(dir, id + CHAPTERS_SUFFIX), 'utf8'), join(dir, id + CHAPTERS_SUFFIX));
    episodes.push({ id, transcriptPath, transcript, chapters });
  }
  return episodes;
}

export function parseChapters(text: string, path: string): ReferenceChapter[] {
  const bad = (what: string) => new EarshotError('invalid_request', `${path}: ${what} (expected {"chapters": [{"start": "HH:MM:SS", "title": "…"}, …]}).`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw bad(`not JSON: ${(error as Error).message}`);
  }
  const list = (value as { chapters?: unknown })?.chapters;
  if (!Array.isArray(list) || list.length === 0) throw bad('no "chapters" list');
  const chapters = list.map((entry: { start?: unknown; title?: unknown }, i) => {
    const startMs = typeof entry?.start === 'number' ? entry.start : typeof entry?.start === 'string' ? parseTimecode(entry.start) : undefined;
    if (startMs === undefined || !Number.isFinite(startMs) || startMs < 0) throw bad(`chapter ${i + 1} has no readable "start"`);
    if (typeof entry.title !== 'string' || entry.title.trim() === '') throw bad(`chapter ${i + 1} has no "title"`);
    return { startMs, title: entry.title.trim() };
  });
  chapters.forEach((c, i) => {
    if (i > 0 && c.startMs <= chapters[i - 1].startMs) throw bad(`chapter ${i + 1} does not start after chapter ${i}`);
  });
  return chapters;
}
