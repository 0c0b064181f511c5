import type { Writable } from 'node:stream';

/**
 * Resolves when a pipe that refused a write can take more, or has closed (ffmpeg exiting early
 * must not leave the writer waiting forever).
 */
export function drained(stdin: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      stdin.off('drain', done);
      stdin.off('close', done);
      resolve();
    };
    stdin.on('drain', done);
    stdin.on('close', done);
  });
}
