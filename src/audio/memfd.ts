import { close, existsSync, write } from 'node:fs';
import { promisify } from 'node:util';
import koffi from 'koffi';

/**
 * Anonymous in-memory files (Linux memfd_create(2)) so ffmpeg can seek in an uploaded file
 * without it ever touching a filesystem: the privacy rule is that user audio is never written
 * to disk, yet MP4/M4A files whose `moov` index sits at the end are unreadable from a pipe.
 */

// MFD_CLOEXEC: any other child this process spawns must not inherit (and so see) the audio.
// The one child meant to read it gets its own copy through spawn's stdio array, which dup2()s
// the descriptor and thereby clears the flag on the copy only.
const MFD_CLOEXEC = 0x0001;

// One write(2) moves at most ~2 GiB on Linux; smaller steps also keep each thread-pool job short.
const MAX_WRITE = 64 * 1024 * 1024;
const writeAsync = promisify(write);
const closeAsync = promisify(close);

type MemfdCreate = (name: string, flags: number) => number;
let memfdCreate: MemfdCreate | null | undefined;

function loadMemfdCreate(): MemfdCreate | null {
  if (memfdCreate !== undefined) return memfdCreate;
  memfdCreate = null;
  // The child reaches the descriptor through /dev/fd/N, which needs Linux's /proc.
  if (process.platform !== 'linux' || !existsSync('/proc/self/fd')) return memfdCreate;
  try {
    const libc = koffi.load('libc.so.6');
    memfdCreate = libc.func('int memfd_create(const char *name, unsigned int flags)') as MemfdCreate;
  } catch {
    // musl or an unusual libc: callers fall back to a pipe, losing seeking only.
    memfdCreate = null;
  }
  return memfdCreate;
}

/** Whether in-memory files are available on this machine. */
export function memfdSupported(): boolean {
  return loadMemfdCreate() !== null;
}

/**
 * Copies `data` into a new anonymous in-memory file and returns its descriptor, or null when
 * the platform has no memfd. The caller owns the descriptor and must close it with fs.close.
 */
export async function createMemfd(data: Uint8Array, name = 'earshot-audio'): Promise<number | null> {
  const create = loadMemfdCreate();
  if (create === null) return null;
  const fd = create(name, MFD_CLOEXEC);
  // A sandbox may forbid the call (seccomp); a pipe still works, so fall back instead of failing.
  if (fd < 0) return null;
  try {
    // Asynchronous writes run on the thread pool, so copying a long upload does not stall a server.
    let offset = 0;
    while (offset < data.byteLength) {
      const length = Math.min(data.byteLength - offset, MAX_WRITE);
      const { bytesWritten } = await writeAsync(fd, data, offset, length, offset);
      offset += bytesWritten;
    }
  } catch (err) {
    await closeAsync(fd).catch(() => {});
    throw err;
  }
  return fd;
}
