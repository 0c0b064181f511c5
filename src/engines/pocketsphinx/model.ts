/**
 * Finds the three parts of a pocketsphinx model (acoustic model directory, n-gram language model,
 * pronunciation dictionary) from the `model` option, and checks they are there before ps_init
 * runs: pocketsphinx's own logs are silenced, so a missing file must be reported by us.
 */
import { closeSync, existsSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { basename, isAbsolute, join } from 'node:path';
import { EarshotError } from '../../errors.js';
import { configuredDefaultModel } from '../models/default-model.js';
import { defaultModelsDir } from '../models/models-dir.js';
import { INSTALL_HINT } from './library.js';

/** Where Debian's `pocketsphinx-en-us` installs the default US English model. */
export const DEBIAN_MODEL_ROOT = '/usr/share/pocketsphinx/model';
export const DEFAULT_MODEL = 'en-us';

export interface PocketsphinxModel {
  /** Short name recorded with transcripts, e.g. `en-us`. */
  name: string;
  dir: string;
  /** Acoustic model directory (holds `mdef`, `means`, `feat.params`, …): `-hmm`. */
  hmm: string;
  /** N-gram language model (`.lm.bin` or ARPA): `-lm`. */
  lm: string;
  /** Pronunciation dictionary: `-dict`. */
  dict: string;
}

/** Files every continuous acoustic model needs; ps_init fails without them. */
const ACOUSTIC_FILES = ['mdef', 'means', 'variances', 'transition_matrices'];

/**
 * Resolves `model` (a bare name such as `en-us`, or a directory path) to model files.
 * Bare names are looked up in `<modelsDir>/pocketsphinx/<name>` and then in Debian's model root.
 */
export function resolveModel(model: string | undefined, options: { modelsDir?: string; dictionary?: string } = {}): PocketsphinxModel {
  const requested = model ?? DEFAULT_MODEL;
  const dir = findModelDir(requested, options.modelsDir);
  const entries = listDir(dir);

  // The acoustic model is the subdirectory holding `mdef` (Debian names it like the model).
  const name = basename(dir);
  const hmmCandidates = [name, ...entries.filter((e) => e !== name)]
    .map((e) => join(dir, e))
    .filter((p) => isDir(p) && existsSync(join(p, 'mdef')));
  const hmm = hmmCandidates[0];
  if (!hmm) {
    throw notReady(requested, `no acoustic model directory (a folder containing \`mdef\`) in ${dir}`);
  }
  const missing = ACOUSTIC_FILES.filter((f) => !existsSync(join(hmm, f)));
  if (missing.length > 0) {
    throw notReady(requested, `the acoustic model ${hmm} lacks ${missing.join(', ')}`);
  }
  const garbled = ACOUSTIC_FILES.filter((f) => !hasAcousticHeader(join(hmm, f)));
  if (garbled.length > 0) {
    throw notReady(requested, `${garbled.map((f) => join(hmm, f)).join(', ')} ${garbled.length > 1 ? 'are' : 'is'} not in pocketsphinx's model format`);
  }

  // Prefer the word LM; Debian also ships a phone LM (`en-us-phone.lm.bin`) that is useless here.
  const lms = entries.filter((e) => /\.(lm\.bin|lm|arpa|lm\.dmp)$/i.test(e) && !/phone/i.test(e));
  const lmFile = lms.find((e) => e.startsWith(name)) ?? lms[0];
  if (!lmFile) throw notReady(requested, `no language model (*.lm.bin or *.lm) in ${dir}`);

  // A custom dictionary replaces the model's one; adding words to it at run time (ps_add_word)
  // would hook in here too.
  let dict: string;
  if (options.dictionary !== undefined) {
    if (!existsSync(options.dictionary)) {
      throw notReady(requested, `the dictionary ${options.dictionary} does not exist`);
    }
    dict = options.dictionary;
  } else {
    const dictFile = entries.find((e) => /\.dict?$/i.test(e));
    if (!dictFile) throw notReady(requested, `no pronunciation dictionary (*.dict) in ${dir}`);
    dict = join(dir, dictFile);
  }

  return { name, dir, hmm, lm: join(dir, lmFile), dict };
}

/**
 * The model to load when a job names none: `earshot models default` for pocketsphinx (issue #8:
 * switching the default is a configuration change), else en-us. Looks in the user's models
 * directory when none is given, where `earshot models` keeps its choice.
 */
export async function configuredModel(options: { model?: string; modelsDir?: string }): Promise<{ model: string; modelsDir: string }> {
  const modelsDir = options.modelsDir ?? defaultModelsDir();
  if (options.model) return { model: options.model, modelsDir };
  try {
    return { model: (await configuredDefaultModel('pocketsphinx', modelsDir)) ?? DEFAULT_MODEL, modelsDir };
  } catch (err) {
    // A bad earshot-models.json is reported (it names the file); an unreadable directory is not
    // a reason to refuse the system model.
    if (err instanceof EarshotError) throw err;
    return { model: DEFAULT_MODEL, modelsDir };
  }
}

function findModelDir(requested: string, modelsDir: string | undefined): string {
  const isPath = isAbsolute(requested) || requested.includes('/') || requested.startsWith('.');
  if (isPath) {
    if (!isDir(requested)) throw notReady(requested, `the directory ${requested} does not exist`);
    return requested;
  }
  const candidates = [
    ...(modelsDir ? [join(modelsDir, 'pocketsphinx', requested)] : []),
    join(DEBIAN_MODEL_ROOT, requested),
  ];
  const found = candidates.find(isDir);
  if (found) return found;
  if (requested === DEFAULT_MODEL) {
    throw new EarshotError(
      'engine_not_ready',
      `The pocketsphinx en-us model is not installed (looked in ${candidates.join(', ')}). Install it with \`${INSTALL_HINT}\`.`,
    );
  }
  throw new EarshotError(
    'model_unknown',
    `No pocketsphinx model named "${requested}" (looked in ${candidates.join(', ')}). Use "${DEFAULT_MODEL}" or the path of a directory holding an acoustic model folder, a *.lm.bin and a *.dict.`,
  );
}

function notReady(requested: string, problem: string): EarshotError {
  const fix = requested === DEFAULT_MODEL
    ? `Reinstall the model with \`${INSTALL_HINT}\`.`
    : 'Point the model option at a directory holding an acoustic model folder, a *.lm.bin and a *.dict.';
  return new EarshotError('engine_not_ready', `The pocketsphinx model "${requested}" cannot be used: ${problem}. ${fix}`);
}

/**
 * libpocketsphinx aborts the whole process (E_FATAL) on some malformed acoustic model files instead
 * of failing ps_init, so files that are plainly not model files are turned away before it sees
 * them: binary mdef starts with `BMDF`, text mdef with its version `0.3`, and the parameter files
 * with the Sphinx-3 header `s3`. This cannot catch every corruption (truncation is caught by
 * ps_init itself, which then fails cleanly).
 */
function hasAcousticHeader(path: string): boolean {
  const head = readHead(path, 4);
  if (path.endsWith('mdef')) return head.startsWith('BMDF') || head.startsWith('0.3');
  return head.startsWith('s3\n') || head.startsWith('s3\r');
}

function readHead(path: string, length: number): string {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buf = Buffer.alloc(length);
    const n = readSync(fd, buf, 0, length, 0);
    return buf.subarray(0, n).toString('latin1');
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function listDir(dir: string): string[] {
  return readdirSync(dir).sort();
}
