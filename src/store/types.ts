import type { AudioSourceKind, TranscriptStatus } from './schema.js';

export type { AudioSourceKind, TranscriptStatus } from './schema.js';

/** The request options as the API accepted them (AssemblyAI field names). */
export type TranscriptOptions = Record<string, unknown>;
/** The whole transcript JSON the pipeline produced: text, words, utterances, results. */
export type TranscriptResult = Record<string, unknown>;

export interface CreatedApiKey {
  /** The plaintext key: shown once, only its hash is kept. */
  key: string;
  id: string;
  projectId: string;
  name: string;
}

export interface AuthContext {
  keyId: string;
  projectId: string;
}

export interface ApiKeyInfo {
  id: string;
  projectId: string;
  name: string;
  /** First hex digits of the key's sha256, to tell keys apart without revealing any of the key. */
  fingerprint: string;
  createdAt: string;
  revokedAt: string | null;
}

export interface SeededApiKey {
  keyId: string;
  projectId: string;
  projectName: string;
  fingerprint: string;
  /** False when an earlier start already seeded it. */
  created: boolean;
  /** Seeding never un-revokes: remove a revoked key from EARSHOT_API_KEYS instead. */
  revoked: boolean;
}

export interface NewTranscript {
  projectId: string;
  audioKind: AudioSourceKind;
  audioUrl: string;
  options?: TranscriptOptions;
  speechModel?: string | null;
  webhookUrl?: string | null;
  webhookAuthHeaderName?: string | null;
  /** Secret: sealed at rest and only handed back to the worker (TranscriptJob). */
  webhookAuthHeaderValue?: string | null;
}

/**
 * A transcript as the API may show it. After delete the row stays as a tombstone: `deletedAt` is
 * set, the status it had is kept (AssemblyAI keeps "completed"), and every content field is null;
 * the API renders DELETED_TEXT / DELETED_AUDIO_URL there.
 */
export interface TranscriptRecord {
  id: string;
  projectId: string;
  status: TranscriptStatus;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
  deletedAt: string | null;
  audioKind: AudioSourceKind;
  audioUrl: string | null;
  options: TranscriptOptions | null;
  error: string | null;
  /** Seconds, as AssemblyAI's `audio_duration`. */
  audioDuration: number | null;
  speechModel: string | null;
  webhookUrl: string | null;
  webhookAuthHeaderName: string | null;
  /** Whether a webhook auth header value is stored (AssemblyAI's `webhook_auth`). */
  webhookAuth: boolean;
  result: TranscriptResult | null;
}

/** What a worker needs to run and report a job, secrets included. Never serialise to a client. */
export interface TranscriptJob extends TranscriptRecord {
  webhookAuthHeaderValue: string | null;
  /** How many times processing started. */
  attempts: number;
}

/** One entry of `GET /v2/transcript`. */
export interface TranscriptSummary {
  id: string;
  status: TranscriptStatus;
  createdAt: string;
  completedAt: string | null;
  deletedAt: string | null;
  audioUrl: string | null;
  error: string | null;
}

export interface TranscriptListQuery {
  /** 1..200, default 10 (AssemblyAI's bounds). */
  limit?: number;
  status?: TranscriptStatus;
  /** `YYYY-MM-DD`, a UTC day. */
  createdOn?: string;
  /** Only transcripts created before this one (older). */
  beforeId?: string;
  /** Only transcripts created after this one (newer); the page is the one adjacent to it. */
  afterId?: string;
}

export interface TranscriptPage {
  /** Newest first. */
  transcripts: TranscriptSummary[];
  limit: number;
  /** Whether older matches exist beyond this page (AssemblyAI's prev_url, with before_id = last id). */
  hasOlder: boolean;
  /** Whether newer matches exist beyond this page (next_url, with after_id = first id). */
  hasNewer: boolean;
}

export interface TranscriptCompletion {
  result: TranscriptResult;
  audioDuration?: number | null;
  speechModel?: string | null;
}

export interface RecoveredJobs {
  /** Every queued job, oldest first, including ones put back from an interrupted `processing`. */
  queued: TranscriptJob[];
  /** Jobs interrupted too often, now in `error`: likely crashing the process, so not retried. */
  failed: TranscriptJob[];
}

export interface ClaimInterruptedOptions {
  /** A job whose processing already started this many times is failed instead of re-queued. Default 3. */
  maxAttempts?: number;
  /**
   * Only reclaim jobs claimed before this time. For several servers sharing one database, pass a
   * time older than the longest job so live workers' jobs are left alone.
   */
  claimedBefore?: Date;
}

export interface NewWebhookDelivery {
  transcriptId: string;
  attempt: number;
  url: string;
  statusCode?: number | null;
  error?: string | null;
  /** Defaults to now. */
  at?: Date;
}

export interface WebhookDelivery {
  transcriptId: string;
  attempt: number;
  url: string;
  statusCode: number | null;
  error: string | null;
  at: string;
}

/** A webhook delivery claimed from the outbox (embedded mode). */
export interface OutboxEntry {
  seq: number;
  transcriptId: string;
  status: string;
  /** 1 for the first attempt. */
  attempt: number;
}

export interface RotationOptions {
  /** Rows per read; each row is re-sealed in a transaction of its own. Default 100. */
  batchSize?: number;
  /** After each batch: rows re-sealed so far, of those found stale at the start (or more). */
  onProgress?: (done: number, total: number) => void;
}

export interface RotationResult {
  /** Rows re-sealed with the current key. */
  rotated: number;
  currentKeyId: string;
}

/** A voice to enrol (issue 14 item 4): its name and voiceprint are sealed, like transcript text. */
export interface NewVoice {
  projectId: string;
  name: string;
  /** Which voiceprint format `voiceprint` is (src/intelligence/speakers/voiceprint.ts). */
  kind: string;
  voiceprint: unknown;
  speechSeconds: number;
  sourceTranscriptId?: string | null;
  sourceSpeaker?: string | null;
}

export interface VoiceRecord {
  id: string;
  projectId: string;
  name: string;
  kind: string;
  speechSeconds: number;
  sourceTranscriptId: string | null;
  sourceSpeaker: string | null;
  createdAt: string;
}

/** A voice with its voiceprint opened, for the worker matching speakers to it. */
export interface VoiceWithPrint extends VoiceRecord {
  voiceprint: unknown;
}

/** What AssemblyAI shows in place of a deleted transcript's text and audio URL. */
export const DELETED_TEXT = 'Deleted by user.';
export const DELETED_AUDIO_URL = 'http://deleted_by_user';
