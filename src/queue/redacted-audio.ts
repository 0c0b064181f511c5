import { randomBytes } from 'node:crypto';
import { UploadVault } from '../audio/upload-vault.js';

interface Held {
  projectId: string;
  token: string;
}

/**
 * Redacted copies of audio (`redact_pii_audio`), held in memory only and for a limited time,
 * like uploads. AssemblyAI hands out `redacted_audio_url` for a plain download, so each copy is
 * reached through an unguessable token: the URL itself is the credential, until it expires.
 */
export class RedactedAudioCache {
  private readonly vault: UploadVault;
  private readonly byTranscript = new Map<string, Held>();
  private readonly byToken = new Map<string, Held>();

  constructor(options: { maxTotalBytes: number; ttlMs: number }) {
    this.vault = new UploadVault(options);
  }

  put(projectId: string, transcriptId: string, mp3: Buffer): void {
    this.drop(transcriptId);
    this.forgetExpired();
    const held = { projectId, token: randomBytes(24).toString('base64url') };
    this.vault.put(projectId, mp3, held.token);
    this.byTranscript.set(transcriptId, held);
    this.byToken.set(held.token, held);
  }

  /** The download token of a transcript's copy, while it is held and only for its own project. */
  tokenFor(projectId: string, transcriptId: string): string | undefined {
    const held = this.byTranscript.get(transcriptId);
    if (!held || held.projectId !== projectId || !this.vault.get(projectId, held.token)) return undefined;
    return held.token;
  }

  file(token: string): Buffer | undefined {
    const held = this.byToken.get(token);
    return held ? this.vault.get(held.projectId, token) : undefined;
  }

  /** DELETE of the transcript removes its redacted audio too. */
  drop(transcriptId: string): void {
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
