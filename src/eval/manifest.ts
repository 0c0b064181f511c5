/**
 * Evaluation manifests (issue #8 item 1): JSON Lines, one utterance per line,
 * `{"audio": "clips/a.wav", "text": "the reference transcript"}`. `audio` is a local path or an
 * http(s) URL; a relative path is resolved against the manifest's folder, so a manifest and its
 * clips can be moved together. An optional `id` names the line in reports (default: the audio's
 * file name), an optional `condition` (e.g. `clean`, `noise-10db`) the recording condition the
 * totals are grouped by. Blank lines and lines starting with `#` are skipped.
 */
import { readFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, resolve } from 'node:path';
import { isRemoteSource } from '../audio/source.js';
import { EarshotError } from '../errors.js';

export interface ManifestEntry {
  id: string;
  /** Absolute path or URL. */
  audio: string;
  /** The reference transcript. */
  text: string;
  /** The recording condition, for totals per condition (issue #19); absent in older manifests. */
  condition?: string;
  /** 1-based line in the manifest, for messages. */
  line: number;
}

export async function readManifest(path: string): Promise<ManifestEntry[]> {
  let content: string;
  try {
    content = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new EarshotError('invalid_request', `Cannot read the manifest ${path}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}.`);
  }
  return parseManifest(content, dirname(resolve(path)), path);
}

/** Parses manifest text; relative audio paths are resolved against `baseDir`. */
export function parseManifest(content: string, baseDir: string, name = 'manifest'): ManifestEntry[] {
  const entries: ManifestEntry[] = [];
  const ids = new Set<string>();
  content.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const text = raw.trim();
    if (text === '' || text.startsWith('#')) return;
    const where = `${name} line ${line}`;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new EarshotError('invalid_request', `${where} is not valid JSON (${(error as Error).message}); each line must be an object like {"audio": "a.wav", "text": "…"}.`);
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      throw new EarshotError('invalid_request', `${where} must be a JSON object with "audio" and "text".`);
    }
    const record = value as Record<string, unknown>;
    if (typeof record.audio !== 'string' || record.audio.trim() === '') {
      throw new EarshotError('invalid_request', `${where} has no "audio" (a file path or http(s) URL).`);
    }
    if (typeof record.text !== 'string') {
      throw new EarshotError('invalid_request', `${where} has no "text" (the reference transcript, a string).`);
    }
    if (record.id !== undefined && typeof record.id !== 'string') {
      throw new EarshotError('invalid_request', `${where}: "id" must be a string.`);
    }
    if (record.condition !== undefined && (typeof record.condition !== 'string' || record.condition.trim() === '')) {
      throw new EarshotError('invalid_request', `${where}: "condition" must be a non-empty string such as "clean" or "noise-10db", or be left out.`);
    }
    const audioField = record.audio.trim();
    const audio = isRemoteSource(audioField) || isAbsolute(audioField) ? audioField : resolve(baseDir, audioField);
    let id = (record.id as string | undefined) ?? defaultId(audio);
    // Two clips with the same file name in different folders still get distinct ids.
    if (ids.has(id)) id = `${id}#${line}`;
    ids.add(id);
    const condition = (record.condition as string | undefined)?.trim();
    entries.push({ id, audio, text: record.text, ...(condition === undefined ? {} : { condition }), line });
  });
  if (entries.length === 0) throw new EarshotError('invalid_request', `${name} lists no audio: add lines like {"audio": "a.wav", "text": "…"}.`);
  return entries;
}

function defaultId(audio: string): string {
  const path = isRemoteSource(audio) ? new URL(audio).pathname : audio;
  return basename(path).replace(/\.[^.]+$/, '') || audio;
}
