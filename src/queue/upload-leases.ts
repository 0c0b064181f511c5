import type { UploadVault } from '../audio/upload-vault.js';

/**
 * Keeps an upload while transcript jobs that use it wait or run. `release` names the transcript
 * where it can, so a job that two workers both finished releases its upload once.
 */
export interface UploadLeasing {
  acquire(uploadId: string): void | Promise<void>;
  release(uploadId: string, transcriptId?: string): void | Promise<void>;
}

/**
 * Counts the transcript jobs that use each upload, so its bytes are dropped from memory as soon as
 * the last of them ends (issue 4: "a job's audio is dropped when the job ends") while a second job
 * made from the same upload_url still finds them.
 */
export class UploadLeases implements UploadLeasing {
  private readonly counts = new Map<string, number>();

  constructor(
    private readonly vault: UploadVault,
    /** How long a leased upload may wait in the queue before the vault may expire it anyway. */
    private readonly holdMs: number,
  ) {}

  acquire(uploadId: string): void {
    this.counts.set(uploadId, (this.counts.get(uploadId) ?? 0) + 1);
    this.vault.hold(uploadId, this.holdMs);
  }

  /** One process runs each job once here (MemoryQueue), so the count needs no transcript id. */
  release(uploadId: string): void {
    const left = (this.counts.get(uploadId) ?? 1) - 1;
    if (left > 0) {
      this.counts.set(uploadId, left);
      return;
    }
    this.counts.delete(uploadId);
    this.vault.drop(uploadId);
  }
}

/** Where an upload's `upload_url` points: the server's own origin, then this path. */
export const UPLOAD_PATH_PREFIX = '/v2/upload/';
const UPLOAD_PATH = /^\/v2\/upload\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

export function uploadUrlFor(baseUrl: string, uploadId: string): string {
  return `${baseUrl}${UPLOAD_PATH_PREFIX}${uploadId}`;
}

/** The upload id in an upload_url, or null when the URL does not have that shape. */
export function uploadIdOf(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  return UPLOAD_PATH.exec(parsed.pathname)?.[1] ?? null;
}
