import { spawn } from 'node:child_process';
import { FFMPEG_INSTALL_COMMAND } from '../audio/ffmpeg.js';
import { type Check, type CheckResult, fail, ok, warn } from './check.js';

/**
 * The Node lines Earshot supports and tests, with the first release of each that it needs (the
 * same as `engines` in package.json; test/doctor/checks.test.ts keeps the two in step).
 */
export const SUPPORTED_NODE_LINES: readonly { major: number; minimum: string }[] = [
  { major: 20, minimum: '20.19.0' },
  { major: 22, minimum: '22.12.0' },
  { major: 24, minimum: '24.0.0' },
];

export function nodeVersionCheck(version: string = process.versions.node): Check {
  return { name: 'node', run: async () => judgeNodeVersion(version) };
}

export function judgeNodeVersion(version: string): CheckResult {
  const [major, minor, patch] = version.split('.').map(Number);
  const lines = SUPPORTED_NODE_LINES.map((l) => l.major).join(', ');
  const install = `install Node.js ${SUPPORTED_NODE_LINES.at(-1)!.major} LTS (https://nodejs.org/en/download)`;
  const line = SUPPORTED_NODE_LINES.find((l) => l.major === major);
  if (!line) {
    if (major < SUPPORTED_NODE_LINES[0].major) return fail(`Node ${version} is too old (supported lines: ${lines})`, install);
    return warn(`Node ${version} is not a tested line (supported: ${lines})`, install);
  }
  const [, minMinor, minPatch] = line.minimum.split('.').map(Number);
  if (minor < minMinor || (minor === minMinor && patch < minPatch)) {
    return fail(`Node ${version} is older than ${line.minimum}, the first ${major}.x release Earshot supports`, `upgrade to the latest Node ${major}.x, or ${install}`);
  }
  return ok(`Node ${version}`);
}

/** ffmpeg decodes every upload; `-version` proves it is on PATH and starts. */
export function ffmpegCheck(ffmpegPath = 'ffmpeg'): Check {
  return {
    name: 'ffmpeg',
    run: (signal) =>
      new Promise<CheckResult>((resolve) => {
        let stdout = '';
        const child = spawn(ffmpegPath, ['-hide_banner', '-version'], { stdio: ['ignore', 'pipe', 'ignore'], signal });
        child.stdout.on('data', (d) => (stdout += d));
        child.on('error', (error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT') resolve(fail(`"${ffmpegPath}" was not found on PATH`, `${FFMPEG_INSTALL_COMMAND} (or run scripts/setup.sh)`));
          else resolve(fail(`"${ffmpegPath}" did not start: ${error.message}`, `reinstall it: ${FFMPEG_INSTALL_COMMAND}`));
        });
        child.on('close', (code) => {
          if (code !== 0) return resolve(fail(`"${ffmpegPath} -version" exited with ${code}`, `reinstall it: ${FFMPEG_INSTALL_COMMAND}`));
          const version = /ffmpeg version (\S+)/.exec(stdout)?.[1] ?? 'unknown version';
          resolve(ok(`ffmpeg ${version}`));
        });
      }),
  };
}
