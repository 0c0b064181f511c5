import { readFile, stat } from 'node:fs/promises';
import { EarshotError } from '../errors.js';
import { formatBytes } from '../format-bytes.js';
import { fetchRemoteAudio } from './remote.js';

export interface SourceLimits {
  maxBytes: number;
  timeoutMs: number;
  /** The CLI fetches what its own user names; the server refuses private networks by default. */
  allowPrivateNetworks: boolean;
  onProgress?: (received: number, total?: number) => void;
}

export function isRemoteSource(source: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(source);
}

/** Reads a local file or streams an http(s) URL into memory, within the size and time limits. */
export async function loadAudioSource(source: string, limits: SourceLimits): Promise<Buffer> {
  if (isRemoteSource(source)) {
    return fetchRemoteAudio(source, {
      maxBytes: limits.maxBytes,
      timeoutMs: limits.timeoutMs,
      allowPrivateNetworks: limits.allowPrivateNetworks,
      onProgress: limits.onProgress,
    });
  }
  let size: number;
  try {
    const info = await stat(source);
    if (!info.isFile()) throw new EarshotError('invalid_request', `${source} is not a file.`);
    size = info.size;
  } catch (error) {
    if (error instanceof EarshotError) throw error;
    throw new EarshotError('invalid_request', `Cannot read ${source}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}.`);
  }
  if (size > limits.maxBytes) {
    throw new EarshotError('audio_too_large', `${source} is ${formatBytes(size)}, over the ${formatBytes(limits.maxBytes)} limit; raise it with --max-bytes.`);
  }
  return readFile(source);
}
