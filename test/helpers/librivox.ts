import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Debian's pocketsphinx-testdata: five LibriVox read-speech clips with reference transcripts. */
export const LIBRIVOX_DIR = '/usr/share/pocketsphinx/test/data/librivox';
/** The JFK clip in two containers, kept in the repository (test/fixtures/audio/README.md: source, licence). */
export const SHARED_AUDIO_DIR = new URL('../fixtures/audio/', import.meta.url).pathname;

export interface Clip {
  id: string;
  path: string;
  reference: string;
}

export function librivoxClips(): Clip[] {
  const lines = readFileSync(join(LIBRIVOX_DIR, 'transcription'), 'utf8').split('\n').filter((l) => l.trim());
  return lines.map((line) => {
    const match = /^(.*)\((\S+)\)\s*$/.exec(line);
    if (!match) throw new Error(`unexpected transcription line: ${line}`);
    const reference = match[1].replace(/<\/?s>/g, '').trim();
    return { id: match[2], path: join(LIBRIVOX_DIR, `${match[2]}.wav`), reference };
  });
}

/** The raw engine, as a user would run it from Debian's package: the baseline we must match. */
export async function rawPocketsphinx(path: string): Promise<string> {
  const { stdout } = await run('pocketsphinx_continuous', ['-infile', path, '-logfn', '/dev/null'], { maxBuffer: 16 << 20 });
  return stdout.trim().split('\n').join(' ');
}

/** JFK's inaugural line, as in whisper.cpp's samples (test/fixtures/audio/jfk.*). */
export const JFK_REFERENCE =
  'and so my fellow americans ask not what your country can do for you ask what you can do for your country';
