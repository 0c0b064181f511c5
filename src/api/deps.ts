import type { FastifyRequest } from 'fastify';
import type { ByteBudget } from '../audio/byte-budget.js';
import type { AudioVault } from '../audio/upload-vault.js';
import type { EngineCache } from '../engines/registry.js';
import type { ProjectQuotas } from '../app/config.js';
import type { JobQueue } from '../queue/queue.js';
import type { RedactedAudioStore } from '../queue/redacted-audio.js';
import type { UploadLeasing } from '../queue/upload-leases.js';
import type { Store } from '../store/store.js';
import type { ApiKeyCache, TranscriptReadCache } from './read-cache.js';

/** What the HTTP layer is given by the composition root (src/app.ts); it builds none of it. */
export interface ApiDeps {
  store: Store;
  vault: AudioVault;
  /**
   * Where `/v1/audio/transcriptions` holds a file while it transcribes it on the request; default
   * `vault` (serve: one memory budget for /v1 and /v2). `earshot api` passes a memory vault of its
   * own: those bytes never leave the process that received them, so they don't belong in Redis.
   */
  requestAudio?: AudioVault;
  leases: UploadLeasing;
  queue: JobQueue;
  /** The process's engines, shared with the worker (the /v1 OpenAI routes transcribe on the request). */
  engines: EngineCache;
  /** `redact_pii_audio` copies, downloaded through their token URL. */
  redactedAudio: RedactedAudioStore;
  /** Successful key lookups, briefly (see read-cache.ts). */
  keyCache: ApiKeyCache;
  /** Completed transcripts' JSON, briefly; whoever changes one calls `invalidate`. */
  readCache: TranscriptReadCache;
  /** Largest single upload, in bytes (POST /v2/upload answers 413 above it). */
  maxUploadBytes: number;
  /** Bytes in flight: uploads and /v1 files reserve their size here before they are read (503 when full). */
  budget: ByteBudget;
  /** Longest decoded audio a /v1 request transcribes (`audio_too_long` past it). */
  maxAudioSeconds?: number;
  /** Whether audio_url and webhook_url may point at loopback or private networks (tests). */
  allowPrivateNetworks: boolean;
  /** Per-project quotas (docs/limits.md); none when absent. */
  quotas?: ProjectQuotas;
  /**
   * Origin clients reach the server at ("https://asr.example.com"), for upload_url and the list's
   * page URLs. Default: the request's own Host header.
   */
  publicUrl?: string;
}

/** The origin to write into URLs handed back to this client. */
export function baseUrlOf(request: FastifyRequest, deps: Pick<ApiDeps, 'publicUrl'>): string {
  if (deps.publicUrl) return deps.publicUrl.replace(/\/+$/, '');
  return `${request.protocol}://${request.host}`;
}
