/**
 * Pronunciations from espeak-ng (Debian `espeak-ng`), for words an engine's dictionary lacks:
 * `espeak-ng -q -x --sep=_ -v en-us` prints each phoneme as espeak's ASCII mnemonic, separated by
 * `_`, which arpabet.ts maps to the CMU phone set. The mnemonics rather than `--ipa`: they are one
 * fixed inventory per language, with no combining characters or tie bars to untangle.
 */
import { spawn } from 'node:child_process';

export const ESPEAK_COMMAND = 'espeak-ng';
export const ESPEAK_INSTALL_HINT = 'apt-get install espeak-ng';

export interface EspeakOptions {
  /** espeak-ng voice/language; the phonemes depend on the language only (default `en-us`). */
  voice?: string;
  /** Per call (default 20 s: thousands of words take about a second). */
  timeoutMs?: number;
  /** The executable (tests point it elsewhere to check the missing-tool path). */
  command?: string;
}

export class EspeakMissingError extends Error {
  constructor(command: string, cause?: unknown) {
    super(`${command} is not installed, so words missing from the dictionary cannot be given a pronunciation; install it with \`${ESPEAK_INSTALL_HINT}\`.`, { cause });
    this.name = 'EspeakMissingError';
  }
}

/**
 * espeak's phoneme mnemonics for each text, in order. Texts are batched into one process, one per
 * line ending in a full stop so espeak closes a clause there and prints one line for it; if the
 * line count ever disagrees (espeak merged or split clauses), each text is run on its own.
 */
export async function espeakMnemonics(texts: readonly string[], options: EspeakOptions = {}): Promise<string[]> {
  if (texts.length === 0) return [];
  const clean = texts.map((t) => t.replace(/[\r\n.]+$/g, '').replace(/[\r\n]+/g, ' ').trim());
  const batched = splitLines(await runEspeak(clean.map((t) => `${t}.`).join('\n') + '\n', options));
  if (batched.length === clean.length) return batched;
  const single: string[] = [];
  for (const text of clean) single.push(splitLines(await runEspeak(`${text}\n`, options)).join(' '));
  return single;
}

function splitLines(output: string): string[] {
  return output.split('\n').map((l) => l.trim()).filter((l) => l !== '');
}

function runEspeak(input: string, options: EspeakOptions): Promise<string> {
  const command = options.command ?? ESPEAK_COMMAND;
  return new Promise((resolve, reject) => {
    // No shell: the words are user input.
    const child = spawn(command, ['-q', '-x', '--sep=_', '-v', options.voice ?? 'en-us'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(error.code === 'ENOENT' ? new EspeakMissingError(command, error) : error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else reject(new Error(`${command} failed (${signal ?? `exit ${code}`}): ${stderr.trim() || 'no message'}`));
    });
    child.stdin.on('error', () => {}); // a child that dies early reports through 'close'
    child.stdin.end(input);
  });
}
