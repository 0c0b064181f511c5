import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { EarshotError } from '../errors.js';
import type { JobLimits } from '../queue/worker.js';
import type { RealtimeSettings } from '../realtime/mount.js';
import { defaultKeyFile } from './key-location.js';

/** Real-time streaming settings (issue 5) are in RealtimeSettings: TLS, session limits, `storeStreams`. */
export interface EarshotConfig extends RealtimeSettings {
  port: number;
  host: string;
  /** SQLite file and the webhook secret live here; never the encryption key (see keyFile). */
  dataDir: string;
  /** keys.json, the at-rest encryption keys: EARSHOT_KEY_FILE, default ~/.config/earshot/keys.json. */
  keyFile: string;
  /** `postgres://…` or `sqlite:///abs/file.db`; default: `<dataDir>/earshot.db`. */
  databaseUrl?: string;
  /**
   * Transcription jobs admitted at once. Their speech segments share the engine's decoders
   * through the segment scheduler, so a short job admitted beside long ones finishes first.
   */
  concurrency: number;
  /**
   * Speech segments decoded at once: the engine's decoders, one core each (EARSHOT_DECODERS).
   * Default: the engine's own (up to two). One per worker sizes a worker as one core of capacity.
   */
  decoders?: number;
  /** Turns per round of the segment scheduler by project id (default 1 each): `EARSHOT_PROJECT_PRIORITIES=id=3,other=2`. */
  projectPriorities: Record<string, number>;
  /** Largest single upload. */
  maxUploadBytes: number;
  /**
   * One budget for audio bytes in memory at once: uploads being received or waiting for their job,
   * /v1 files, audio_url downloads. Requests over it get 503 with retry-after (docs/limits.md).
   */
  maxUploadMemoryBytes: number;
  /** Longest decoded audio a job or /v1 request takes, counted while decoding (`audio_too_long`). */
  maxAudioSeconds: number;
  /** A job's deadline: this many seconds per second of decoded audio, plus `jobMinSeconds`. */
  jobSecondsPerAudioSecond: number;
  jobMinSeconds: number;
  /** How long an upload waits for a transcript request. */
  uploadTtlMs: number;
  /** How long an upload used by a transcript may wait in the queue. */
  queuedUploadTtlMs: number;
  /** Largest audio_url download, and its time limit. */
  remoteMaxBytes: number;
  remoteTimeoutMs: number;
  /** Let audio_url and webhook_url reach loopback and private networks (tests, trusted LANs). */
  allowPrivateUrls: boolean;
  /** HMAC key for webhook signatures; default: generated once into `<dataDir>/webhook-secret`. */
  webhookSecret?: string;
  webhookMaxAttempts: number;
  webhookBaseDelayMs: number;
  /** EARSHOT_API_KEYS entries ("key" or "project:key"), seeded on every start. */
  apiKeys: string[];
  /** EARSHOT_ADMIN_KEYS: API keys that may also call admin endpoints (GET /v2/scale). */
  adminKeys: string[];
  /**
   * How long a successful API-key lookup is reused (0: never); a key revoked from another
   * process (`earshot keys revoke`) stops working within this time.
   */
  authCacheMs: number;
  /**
   * How long a completed transcript's JSON is reused (0: never). This process's deletes take
   * effect at once; one made through another server on the same database within this time.
   */
  readCacheMs: number;
  /** Origin clients use ("https://asr.example.com") when the server sits behind a proxy. */
  publicUrl?: string;
  logLevel: string;
  /** `redis://…`: the queue and the upload vault of `earshot api` and `earshot worker` (docs/scale-out.md). */
  redisUrl?: string;
  /** Prefix of every Redis key (BullMQ's `prefix`), so several installations can share one Redis. */
  queuePrefix: string;
  /** `earshot worker`: port of its /metrics, /healthz and /readyz (on `host`); none when unset. */
  metricsPort?: number;
  /**
   * How long a worker's claim on a job lasts without renewal (renewed at half this while it runs):
   * a worker killed mid-job has its job picked up by another at most lock + stalled-check later.
   */
  jobLockMs: number;
  /** How often workers look for jobs whose claim lapsed. */
  stalledCheckMs: number;
  /** Longest wait for one Redis command on a request's path (it answers 503 instead of hanging). */
  redisTimeoutMs: number;
  /** SIGTERM: how long running jobs may take to finish before they are handed back to the queue. */
  drainMs: number;
  /** Slow and idle HTTP clients (docs/limits.md). */
  http: HttpLimits;
  /** What one project may hold or ask at once (docs/limits.md); 0 turns a quota off. */
  quotas: ProjectQuotas;
}

/** Applied to the HTTP(S) server (src/api/http-limits.ts); 0 turns a timeout off. */
export interface HttpLimits {
  /** From the first byte of a request to its last (headers and body): a slow-drip body is cut off here. */
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  /** An idle kept-alive connection between requests. */
  keepAliveTimeoutMs: number;
  /** A socket silent both ways (off by default: /v1 transcribes while the client waits). */
  idleTimeoutMs: number;
  /** Requests per kept-alive connection before it is closed (0: any number). */
  maxRequestsPerSocket: number;
  /** Open connections (WebSockets included); further ones are dropped on arrival. */
  maxConnections: number;
}

export interface ProjectQuotas {
  /** Transcripts queued or processing. */
  queuedJobs: number;
  /** /v1 requests transcribing at once (per API process). */
  openaiRequests: number;
  /** Requests per minute to /v1, /v2 and /v3/token (shared through Redis when scale-out is on). */
  requestsPerMinute: number;
  /** Bytes of uploads a project holds at once, waiting for or used by its transcripts. */
  uploadBytes: number;
}

const MiB = 1024 * 1024;

/** Defaults, then environment variables, then the flags given (issue 4's `earshot serve`). */
export function loadConfig(flags: Partial<EarshotConfig> = {}, env: NodeJS.ProcessEnv = process.env): EarshotConfig {
  const num = (name: string, fallback: number, min = 1): number => {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min) throw new EarshotError('config_invalid', `${name} must be a whole number of at least ${min}, got "${raw}".`);
    return value;
  };
  const flag = (name: string): boolean => /^(1|true|yes|on)$/i.test(env[name]?.trim() ?? '');
  const config: EarshotConfig = {
    port: num('EARSHOT_PORT', 8080, 0),
    host: env.EARSHOT_HOST || '127.0.0.1',
    dataDir: env.EARSHOT_DATA_DIR || './.earshot',
    keyFile: env.EARSHOT_KEY_FILE || defaultKeyFile(env),
    databaseUrl: env.EARSHOT_DATABASE_URL || undefined,
    concurrency: num('EARSHOT_CONCURRENCY', 4),
    decoders: env.EARSHOT_DECODERS ? num('EARSHOT_DECODERS', 1) : undefined,
    projectPriorities: parsePriorities(env.EARSHOT_PROJECT_PRIORITIES ?? ''),
    maxUploadBytes: num('EARSHOT_MAX_UPLOAD_BYTES', 512 * MiB),
    maxUploadMemoryBytes: num('EARSHOT_MAX_UPLOAD_MEMORY_BYTES', 2048 * MiB),
    maxAudioSeconds: num('EARSHOT_MAX_AUDIO_SECONDS', 12 * 3600),
    jobSecondsPerAudioSecond: num('EARSHOT_JOB_SECONDS_PER_AUDIO_SECOND', 3, 0),
    jobMinSeconds: num('EARSHOT_JOB_MIN_SECONDS', 600),
    uploadTtlMs: num('EARSHOT_UPLOAD_TTL_SECONDS', 3600) * 1000,
    queuedUploadTtlMs: num('EARSHOT_QUEUED_UPLOAD_TTL_SECONDS', 24 * 3600) * 1000,
    remoteMaxBytes: num('EARSHOT_MAX_REMOTE_BYTES', 2048 * MiB),
    remoteTimeoutMs: num('EARSHOT_REMOTE_TIMEOUT_SECONDS', 600) * 1000,
    allowPrivateUrls: flag('EARSHOT_ALLOW_PRIVATE_URLS'),
    webhookSecret: env.EARSHOT_WEBHOOK_SECRET || undefined,
    webhookMaxAttempts: num('EARSHOT_WEBHOOK_MAX_ATTEMPTS', 6),
    webhookBaseDelayMs: num('EARSHOT_WEBHOOK_RETRY_BASE_MS', 1000),
    apiKeys: (env.EARSHOT_API_KEYS ?? '').split(/[\s,]+/).filter((k) => k !== ''),
    adminKeys: (env.EARSHOT_ADMIN_KEYS ?? '').split(/[\s,]+/).filter((k) => k !== ''),
    authCacheMs: num('EARSHOT_AUTH_CACHE_MS', 2000, 0),
    readCacheMs: num('EARSHOT_READ_CACHE_MS', 5000, 0),
    publicUrl: env.EARSHOT_PUBLIC_URL || undefined,
    logLevel: env.EARSHOT_LOG_LEVEL || 'info',
    tlsCert: env.EARSHOT_TLS_CERT || undefined,
    tlsKey: env.EARSHOT_TLS_KEY || undefined,
    // bench/streaming.ts on a two-core machine: 10 paced sessions keep up, 12 do only while the host
    // runs at full speed, so 5 per core; the lag check below refuses sooner on a loaded machine.
    streamMaxSessions: num('EARSHOT_STREAM_MAX_SESSIONS', 5 * availableParallelism()),
    streamMaxLagMs: num('EARSHOT_STREAM_MAX_LAG_MS', 500),
    streamMaxSessionsPerKey: env.EARSHOT_STREAM_MAX_SESSIONS_PER_KEY ? num('EARSHOT_STREAM_MAX_SESSIONS_PER_KEY', 1) : undefined,
    streamInactivitySeconds: num('EARSHOT_STREAM_INACTIVITY_SECONDS', 120),
    streamMaxInactivitySeconds: num('EARSHOT_STREAM_MAX_INACTIVITY_SECONDS', 600),
    streamMaxVocabularySessions: num('EARSHOT_STREAM_MAX_KEYTERMS_SESSIONS', availableParallelism()),
    streamMaxSessionSeconds: num('EARSHOT_STREAM_MAX_SESSION_SECONDS', 3 * 3600),
    storeStreams: flag('EARSHOT_STORE_STREAMS'),
    streamTokenSecret: env.EARSHOT_STREAM_TOKEN_SECRET || undefined,
    redisUrl: env.EARSHOT_REDIS_URL || undefined,
    queuePrefix: env.EARSHOT_QUEUE_PREFIX || 'earshot',
    metricsPort: env.EARSHOT_METRICS_PORT ? num('EARSHOT_METRICS_PORT', 0, 0) : undefined,
    jobLockMs: num('EARSHOT_JOB_LOCK_MS', 30_000, 1000),
    stalledCheckMs: num('EARSHOT_STALLED_CHECK_MS', 30_000, 500),
    redisTimeoutMs: num('EARSHOT_REDIS_TIMEOUT_MS', 5000, 100),
    drainMs: num('EARSHOT_DRAIN_SECONDS', 25, 0) * 1000,
    http: {
      requestTimeoutMs: num('EARSHOT_HTTP_REQUEST_TIMEOUT_SECONDS', 300, 0) * 1000,
      headersTimeoutMs: num('EARSHOT_HTTP_HEADERS_TIMEOUT_SECONDS', 30, 0) * 1000,
      keepAliveTimeoutMs: num('EARSHOT_HTTP_KEEP_ALIVE_SECONDS', 5, 0) * 1000,
      idleTimeoutMs: num('EARSHOT_HTTP_IDLE_TIMEOUT_SECONDS', 0, 0) * 1000,
      maxRequestsPerSocket: num('EARSHOT_HTTP_MAX_REQUESTS_PER_SOCKET', 1000, 0),
      maxConnections: num('EARSHOT_HTTP_MAX_CONNECTIONS', 1024),
    },
    quotas: {
      queuedJobs: num('EARSHOT_QUOTA_QUEUED_JOBS', 1000, 0),
      openaiRequests: num('EARSHOT_QUOTA_OPENAI_REQUESTS', 8, 0),
      requestsPerMinute: num('EARSHOT_QUOTA_REQUESTS_PER_MINUTE', 6000, 0),
      // Half the default memory budget: one project cannot hold every tenant's room for uploads.
      uploadBytes: num('EARSHOT_QUOTA_UPLOAD_BYTES', 1024 * MiB, 0),
    },
  };
  for (const [key, value] of Object.entries(flags)) if (value !== undefined) (config as unknown as Record<string, unknown>)[key] = value;
  config.dataDir = resolve(config.dataDir);
  config.keyFile = resolve(config.keyFile);
  return config;
}

/** The limits every transcript job runs under (issue 15 item 1). */
export function jobLimits(config: EarshotConfig): JobLimits {
  return { maxAudioSeconds: config.maxAudioSeconds, secondsPerAudioSecond: config.jobSecondsPerAudioSecond, minSeconds: config.jobMinSeconds };
}

function parsePriorities(raw: string): Record<string, number> {
  const priorities: Record<string, number> = {};
  for (const entry of raw.split(/[\s,]+/).filter((e) => e !== '')) {
    const match = /^(.+)=(\d+)$/.exec(entry);
    if (!match || Number(match[2]) < 1) {
      throw new EarshotError('config_invalid', `EARSHOT_PROJECT_PRIORITIES entries are project_id=N with N a whole number of at least 1, got "${entry}".`);
    }
    priorities[match[1]] = Number(match[2]);
  }
  return priorities;
}
