import { mkdtemp, rm, stat, statfs } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type Check, type CheckResult, fail, ok, warn } from './check.js';

const MiB = 1024 * 1024;

export interface DirectoryNeeds {
  /** What the directory is for, as the user knows it: "data dir", "models dir". */
  label: string;
  /** The flag or variable that moves it. */
  setting: string;
  /** Below this much free space the check fails; below `warnBytes` it warns. */
  failBytes: number;
  warnBytes: number;
}

export const DATA_DIR_NEEDS: Omit<DirectoryNeeds, 'setting'> = { label: 'data dir', failBytes: 100 * MiB, warnBytes: 1024 * MiB };
// ggml models are 75 MB (tiny) to 1.5 GB (large-v3-turbo q8 is ~900 MB).
export const MODELS_DIR_NEEDS: Omit<DirectoryNeeds, 'setting'> = { label: 'models dir', failBytes: 100 * MiB, warnBytes: 2048 * MiB };

/**
 * The directory exists and can be written (proved by creating and removing a probe in it, which
 * also holds for root, for whom permission bits prove nothing), or its nearest existing ancestor
 * can, so the first start can create it; and its file system has room. Nothing is left behind.
 */
export function directoryCheck(name: string, dir: string, needs: DirectoryNeeds): Check {
  return { name, run: () => judgeDirectory(dir, needs) };
}

async function judgeDirectory(dir: string, needs: DirectoryNeeds): Promise<CheckResult> {
  const found = await nearestExisting(dir);
  const move = `or point ${needs.setting} at a writable directory`;
  if (!found.isDirectory) {
    return fail(`${dir} cannot be created: ${found.path} is a file, not a directory`, `remove or rename ${found.path}, ${move}`);
  }
  const where = found.path === dir ? dir : `${dir} (does not exist yet; ${found.path} does)`;
  try {
    const probe = await mkdtemp(join(found.path, '.earshot-doctor-'));
    await rm(probe, { recursive: true, force: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return fail(`${where} is not writable (${code})`, `make it writable for this user (chown/chmod), ${move}`);
  }
  const fs = await statfs(found.path);
  const free = fs.bavail * fs.bsize;
  const freeText = `${formatBytes(free)} free`;
  if (free < needs.failBytes) return fail(`${where}: only ${freeText}`, `free space on that file system, ${move}`);
  if (free < needs.warnBytes) return warn(`${where}: ${freeText}`, `free space on that file system, ${move}`);
  return ok(`${where}, writable, ${freeText}`);
}

/** The directory itself or its closest ancestor that exists, and whether that is a directory. */
async function nearestExisting(dir: string): Promise<{ path: string; isDirectory: boolean }> {
  let path = dir;
  for (;;) {
    try {
      const info = await stat(path);
      return { path, isDirectory: info.isDirectory() };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // ENOTDIR: a component on the way is a file; keep climbing to find it.
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
      const parent = dirname(path);
      if (parent === path) throw error;
      path = parent;
    }
  }
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 * 1024) return `${(bytes / (1024 * 1024 * 1024)).toFixed(1)} GiB`;
  return `${Math.round(bytes / MiB)} MiB`;
}
