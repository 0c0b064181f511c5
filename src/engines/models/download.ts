import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { EarshotError } from '../../errors.js';
import type { Checksum } from './catalog.js';

export interface DownloadProgress {
  /** Bytes on disk so far, resumed bytes included. */
  received: number;
  /** Full size when the server said (Content-Length or Content-Range). */
  total?: number;
}

export interface DownloadOptions {
  url: string;
  /** Final path; bytes go to `<dest>.partial` until the checksum passes. */
  dest: string;
  /** Verified over the whole file, resumed bytes included; omit only for trusted local files. */
  checksum?: Checksum;
  onProgress?: (progress: DownloadProgress) => void;
  signal?: AbortSignal;
  /** Further attempts after a dropped connection, each resuming where the last one stopped. */
  retries?: number;
  retryDelayMs?: number;
  /** A connection that sends nothing for this long is dropped (and resumed, if retries remain). */
  idleTimeoutMs?: number;
}

export interface DownloadResult {
  path: string;
  bytes: number;
  /** Bytes already on disk when the first request went out (0 for a fresh download). */
  resumedFrom: number;
  /** True when a server ignored a Range request and the file was fetched from the start. */
  restarted: boolean;
  attempts: number;
}

export function partialPath(dest: string): string {
  return `${dest}.partial`;
}

/** A failure worth another attempt with a Range request: the bytes so far stay on disk. */
class TransientDownloadError extends Error {}

/**
 * Streams `url` to `<dest>.partial`, resuming a partial file left by an earlier run with a Range
 * request, then verifies the checksum and renames the file into place (rename within one
 * directory is atomic, so `dest` is either absent or complete).
 */
export async function downloadModelFile(options: DownloadOptions): Promise<DownloadResult> {
  const { url, dest } = options;
  const retries = options.retries ?? 2;
  const partial = partialPath(dest);
  await mkdir(dirname(dest), { recursive: true });

  const resumedFrom = await fileSize(partial);
  let restarted = false;
  let attempts = 0;
  for (;;) {
    attempts += 1;
    try {
      const outcome = await attempt(options, partial);
      restarted ||= outcome.restarted;
      break;
    } catch (error) {
      if (!(error instanceof TransientDownloadError) || options.signal?.aborted) {
        if (options.signal?.aborted) throw abortedError(url, options.signal);
        throw error;
      }
      if (attempts > retries) {
        const onDisk = await fileSize(partial);
        throw new EarshotError(
          'model_download_failed',
          `Download of ${url} failed after ${attempts} attempt(s): ${error.message}. ` +
            `${onDisk} bytes are kept in ${partial}; run the same command again to resume.`,
          { cause: error.cause },
        );
      }
      await sleep(options.retryDelayMs ?? 1000);
    }
  }

  const bytes = await fileSize(partial);
  if (options.checksum) await verifyChecksum(partial, options.checksum, url);
  await rename(partial, dest);
  return { path: dest, bytes, resumedFrom, restarted, attempts };
}

async function attempt(options: DownloadOptions, partial: string): Promise<{ restarted: boolean }> {
  const { url } = options;
  const offset = await fileSize(partial);
  // Servers may gzip on the fly; Range offsets and checksums refer to the stored bytes.
  const headers: Record<string, string> = { 'accept-encoding': 'identity' };
  if (offset > 0) headers.range = `bytes=${offset}-`;

  const idle = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, idle.signal]) : idle.signal;
  const idleMs = options.idleTimeoutMs ?? 60_000;
  let idleTimer = setTimeout(() => idle.abort(), idleMs);
  const touch = () => {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => idle.abort(), idleMs);
  };

  try {
    let response: Response;
    try {
      response = await fetch(url, { headers, signal, redirect: 'follow' });
    } catch (error) {
      throw new TransientDownloadError(`cannot reach ${url} (${describe(error, idle.signal)})`, { cause: error });
    }

    let start = 0;
    let total: number | undefined;
    let restarted = false;
    if (response.status === 206 && offset > 0) {
      const range = parseContentRange(response.headers.get('content-range'));
      if (!range || range.start !== offset) {
        await response.body?.cancel();
        throw new EarshotError(
          'model_download_failed',
          `${url} answered a request for bytes from ${offset} with Content-Range ` +
            `"${response.headers.get('content-range') ?? ''}"; delete ${partial} and try again.`,
        );
      }
      start = offset;
      total = range.total;
    } else if (response.status === 416 && offset > 0) {
      // Nothing after our offset: the partial is complete if the server's size matches it.
      await response.body?.cancel();
      const range = parseContentRange(response.headers.get('content-range'));
      if (range?.total === offset) return { restarted: false };
      await unlink(partial);
      throw new TransientDownloadError(`${url} rejected the resume offset ${offset} (HTTP 416); starting again`);
    } else if (response.ok) {
      // 200 to a Range request: the server ignored it, so the body is the whole file.
      restarted = offset > 0;
      const length = Number(response.headers.get('content-length'));
      total = Number.isFinite(length) && length > 0 ? length : undefined;
    } else {
      await response.body?.cancel();
      const hint =
        response.status === 404
          ? ' Check the model name (`earshot models list`) and EARSHOT_MODELS_BASE_URL if you use a mirror.'
          : '';
      const error = new EarshotError(
        'model_download_failed',
        `Download of ${url} failed: HTTP ${response.status} ${response.statusText}.${hint}`,
      );
      if (response.status >= 500) throw new TransientDownloadError(error.message, { cause: error });
      throw error;
    }
    if (!response.body) throw new TransientDownloadError(`${url} sent no body`);

    const file = await open(partial, start > 0 ? 'a' : 'w');
    let received = start;
    try {
      options.onProgress?.({ received, total });
      // Each chunk is on disk before it counts, so a resume never skips bytes we did not write.
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        touch();
        await file.write(chunk);
        received += chunk.byteLength;
        options.onProgress?.({ received, total });
      }
    } catch (error) {
      throw new TransientDownloadError(
        `connection lost after ${received}${total ? ` of ${total}` : ''} bytes (${describe(error, idle.signal)})`,
        { cause: error },
      );
    } finally {
      await file.close();
    }
    if (total !== undefined && received < total) {
      throw new TransientDownloadError(`the server closed the connection after ${received} of ${total} bytes`);
    }
    return { restarted };
  } finally {
    clearTimeout(idleTimer);
  }
}

async function verifyChecksum(path: string, checksum: Checksum, url: string): Promise<void> {
  const hash: Hash = createHash(checksum.algorithm);
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  const actual = hash.digest('hex');
  if (actual !== checksum.hex.toLowerCase()) {
    await unlink(path).catch(() => {});
    throw new EarshotError(
      'model_download_failed',
      `Checksum mismatch for ${url}: expected ${checksum.algorithm} ${checksum.hex}, got ${actual}. ` +
        'The partial file was deleted; run the same command again to download it afresh, or check the mirror.',
    );
  }
}

// A 206 carries "bytes START-END/TOTAL"; a 416 carries only the total, after "bytes *" (RFC 9110 §14.4).
function parseContentRange(header: string | null): { start?: number; total?: number } | undefined {
  const match = /^bytes (?:(\d+)-\d+|\*)\/(\d+|\*)$/.exec(header?.trim() ?? '');
  if (!match) return undefined;
  return {
    start: match[1] === undefined ? undefined : Number(match[1]),
    total: match[2] === '*' ? undefined : Number(match[2]),
  };
}

async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}

function describe(error: unknown, idle: AbortSignal): string {
  if (idle.aborted) return 'no data received for too long';
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const message = error instanceof Error ? error.message : String(error);
  return cause?.code ? `${message}: ${cause.code}` : message;
}

function abortedError(url: string, signal: AbortSignal): EarshotError {
  return new EarshotError('model_download_failed', `Download of ${url} was cancelled; run the same command again to resume.`, {
    cause: signal.reason,
  });
}
