import type { ColumnType, Generated } from 'kysely';

/**
 * Row types as Kysely sees them. Timestamps are written as ISO-8601 UTC text; Postgres stores them
 * as timestamptz and hands back a Date, SQLite keeps the text (see Backend.toIso).
 */
export type Timestamp = ColumnType<Date | string, string, string>;

/** Ciphertext envelopes (see encryption/field-cipher.ts): bytea on Postgres, BLOB on SQLite. */
export type Sealed = Buffer | null;

export type TranscriptStatus = 'queued' | 'processing' | 'completed' | 'error';
export type AudioSourceKind = 'upload' | 'url';

export interface ProjectsTable {
  id: string;
  name: string;
  created_at: Timestamp;
  /** Signs this project's webhooks when set (POST /v2/webhook-secret); sealed, null until then. */
  webhook_secret: ColumnType<Sealed, Sealed | undefined, Sealed>;
}

export interface ApiKeysTable {
  id: string;
  project_id: string;
  name: string;
  /** sha256 hex of the key; the plaintext is never stored. */
  key_hash: string;
  created_at: Timestamp;
  revoked_at: Timestamp | null;
}

export interface TranscriptsTable {
  /** Insertion order: pagination and "newest first" follow it, never the wall clock. */
  seq: Generated<number | string>;
  id: string;
  project_id: string;
  status: TranscriptStatus;
  created_at: Timestamp;
  updated_at: Timestamp;
  completed_at: Timestamp | null;
  deleted_at: Timestamp | null;
  audio_kind: AudioSourceKind;
  audio_url: Sealed;
  options: Sealed;
  error: string | null;
  audio_duration: number | null;
  speech_model: string | null;
  /** The webhook URL (migration 0002; the old clear-text `webhook_url` column is left empty). */
  sealed_webhook_url: Sealed;
  webhook_auth_header_name: string | null;
  webhook_auth_header_value: Sealed;
  result: Sealed;
  /** Key every sealed column of this row uses; lets `rotate` find stale rows with an index. */
  key_id: string | null;
  attempts: number;
  claimed_by: string | null;
  claimed_at: Timestamp | null;
}

export interface WebhookDeliveriesTable {
  seq: Generated<number | string>;
  transcript_id: string;
  attempt: number;
  url: string;
  status_code: number | null;
  error: string | null;
  at: Timestamp;
}

/**
 * Webhooks still to deliver in embedded mode (`serve`): one row per transcript and status until the
 * receiver answers 2xx or the attempts run out, so a restart resumes them (at least once, in order
 * per transcript). Holds no URL or secret: those are read from the transcript at each attempt.
 */
export interface WebhookOutboxTable {
  seq: Generated<number | string>;
  transcript_id: string;
  status: string;
  /** Attempts started (a claim counts, so one cut short by a crash is numbered too). */
  attempts: number;
  /** When it may be tried next; a claim pushes it out by a lease, so a crashed attempt comes back. */
  due_at: Timestamp;
  created_at: Timestamp;
}

/**
 * Enrolled voices (issue 14 item 4): a voiceprint and the name it answers to, both sealed; never
 * audio. `kind` says which voiceprint format the sealed value holds.
 */
export interface VoicesTable {
  seq: Generated<number | string>;
  id: string;
  project_id: string;
  created_at: Timestamp;
  name: Sealed;
  voiceprint: Sealed;
  kind: string;
  /** Seconds of speech the voiceprint was pooled from. */
  speech_seconds: number;
  /** The transcript a speaker label was enrolled from; null for an enrolment from a clip. */
  source_transcript_id: string | null;
  source_speaker: string | null;
  key_id: string;
}

export interface Database {
  projects: ProjectsTable;
  api_keys: ApiKeysTable;
  transcripts: TranscriptsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_outbox: WebhookOutboxTable;
  voices: VoicesTable;
}
