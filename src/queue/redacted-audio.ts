import { randomBytes } from 'node:crypto';
import { UploadVault } from '../audio/upload-vault.js';

/**
 * Where redacted copies of audio (`redact_pii_audio`) wait to be downloaded: this process's
 * memory for `earshot serve`, Redis (sealed) when api and worker processes are apart.
 */
export interface RedactedAudioStore {
  put(projectId: string, transcriptId: string, mp3: Buffer): Promise<void>;
  /** The download token of a transcript's copy, while it is held and only for its own project. */
  tokenFor(projectId: string, transcriptId: string): Promise<string | undefined>;
  file(token: string): Promise<Buffer | undefined>;
  /** DELETE of the transcript removes its redacted audio too. */
  drop(transcriptId: string): Promise<void>;
}

/** How long a redacted copy stays downloadable, as AssemblyAI's URL does. */
export const REDACTED_AUDIO_TTL_MS = 60 * 60_000;

/** The token in a redacted_audio_url: the URL itself is the credential, until it expires. */
export function newDownloadToken(): string {
  return randomBytes(24).toString('base64url');
}

interface Held {
  projectId: string;
  token: string;
}

/**
 * Redacted copies of audio (`redact_pii_audio`), held in memory only and for a limited time,
 * like uploads. AssemblyAI hands out `redacted_audio_url` for a plain download, so each copy is
 * reached through an unguessable token: the URL itself is the credential, until it expires.
 */
export class RedactedAudioCache implements RedactedAudioStore {
  private readonly vault: UploadVault;
  private readonly byTranscript = new Map<string, Held>();
  private readonly byToken = new Map<string, Held>();

  constructor(options: { maxTotalBytes: number; ttlMs: number }) {
    this.vault = new UploadVault(options);
  }

  async put(projectId: string, transcriptId: string, mp3: Buffer): Promise<void> {
    this.forget(transcriptId);
    this.forgetExpired();
    const held = { projectId, token: newDownloadToken() };
    this.vault.put(projectId, mp3, { id: held.token });
    this.byTranscript.set(transcriptId, held);
    this.byToken.set(held.token, held);
  }

  async tokenFor(projectId: string, transcriptId: string): Promise<string | undefined> {
    const held = this.byTranscript.get(transcriptId);
    if (!held || held.projectId !== projectId || !this.vault.get(projectId, held.token)) return undefined;
    return held.token;
  }

  async file(token: string): Promise<Buffer | undefined> {
    const held = this.byToken.get(token);
    return held ? this.vault.get(held.projectId, token) : undefined;
  }

  async drop(transcriptId: string): Promise<void> {
    this.forget(transcriptId);
  }

  private forget(transcriptId: string): void {
    const held = this.byTranscript.get(transcriptId);
    if (!held) return;
    this.vault.drop(held.token);
    this.byTranscript.delete(transcriptId);
    this.byToken.delete(held.token);
  }

  private forgetExpired(): void {
    for (const [transcriptId, held] of this.byTranscript) {
      if (!this.vault.get(held.projectId, held.token)) {
        this.byTranscript.delete(transcriptId);
        this.byToken.delete(held.token);
      }
    }
  }

  close(): void {
    this.vault.close();
    this.byTranscript.clear();
    this.byToken.clear();
  }
}
