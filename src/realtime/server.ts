/**
 * The real-time endpoint (issue 5): `wss://host/v3/ws` on the same HTTP(S) server as the API.
 * The upgrade is authenticated (an `authorization` header with an API key, or `?token=` from
 * GET /v3/token) and its query options validated before the WebSocket is accepted; a refusal is
 * still an accepted socket closed at once with the SDK's close code and a readable reason, since
 * that is the only failure a WebSocket client (a browser's, the SDK's) can read.
 */
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { apiKeyFromHeader } from '../api/auth.js';
import type { SpeechEngine } from '../engines/engine.js';
import { EarshotError } from '../errors.js';
import type { AuthContext, Store } from '../store/store.js';
import { archiveSession } from './archive.js';
import { closeFrameFor } from './close-codes.js';
import type { ConcurrencyLimits } from './limits.js';
import { parseStreamOptions, type StreamOptions } from './protocol.js';
import type { SessionSummary, SessionTimeouts } from './session-core.js';
import { StreamSession } from './session.js';
import type { StreamTokens } from './tokens.js';

export const STREAM_PATH = '/v3/ws';
/** Largest frame: about a second of 48 kHz audio, well above the SDK's 50–1000 ms chunks. */
export const MAX_FRAME_BYTES = 256 * 1024;
/** The name AssemblyAI's SDK may send as `speech_model`; it selects this server's engine. */
const ASSEMBLYAI_MODEL = 'universal-streaming-english';

export interface RealtimeLogger {
  info(message: string): void;
  warn(message: string): void;
}

export interface RealtimeDeps {
  store: Store;
  /** The engine sessions decode with (loaded once, its pool sized for the session limit). */
  engine(): Promise<SpeechEngine>;
  engineName: string;
  limits: ConcurrencyLimits;
  tokens: StreamTokens;
  timeouts: SessionTimeouts;
  /** `--store-streams`: keep each session's final turns as a transcript. */
  storeStreams: boolean;
  logger?: RealtimeLogger;
}

/** Another protocol on the same core (src/realtime/openai/): takes the upgrades for its path. */
export interface UpgradeHandler {
  upgrade(request: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void;
  /** Ends its sessions (1001) and refuses new ones. */
  close(): void;
}

interface Admission {
  auth: AuthContext;
  options: StreamOptions;
  maxDurationMs: number;
}

export class RealtimeServer {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false });
  private readonly sessions = new Set<StreamSession>();
  private readonly protocols = new Map<string, UpgradeHandler>();
  private closing = false;

  constructor(private readonly deps: RealtimeDeps) {}

  /** Handles WebSocket upgrades on `server` (the API's HTTP or HTTPS server). */
  attach(server: HttpServer | HttpsServer): void {
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const other = this.protocols.get(url.pathname);
      if (other && !this.closing) {
        other.upgrade(request, socket, head, url);
        return;
      }
      if (url.pathname !== STREAM_PATH || this.closing) {
        socket.end(`HTTP/1.1 ${this.closing ? '503 Service Unavailable' : '404 Not Found'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
        return;
      }
      socket.on('error', () => socket.destroy());
      void this.admit(request, url.searchParams).then(
        (admission) => this.accept(request, socket, head, admission),
        (err: unknown) => this.accept(request, socket, head, err),
      );
    });
  }

  /** Serves another protocol's upgrades on `path`, with the same limits and shutdown. */
  addProtocol(path: string, handler: UpgradeHandler): void {
    this.protocols.set(path, handler);
  }

  /** Sessions open now. */
  get activeSessions(): number {
    return this.sessions.size;
  }

  /** Closes every session (1001) and refuses new ones. */
  async close(): Promise<void> {
    this.closing = true;
    for (const handler of this.protocols.values()) handler.close();
    for (const session of [...this.sessions]) session.shutdown();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  /** Who is calling and with what options; throws the error to close with. */
  private async admit(request: IncomingMessage, query: URLSearchParams): Promise<Admission> {
    const token = query.get('token');
    let auth: AuthContext;
    let maxDurationMs = this.deps.timeouts.maxDurationMs;
    if (token !== null) {
      const claims = await this.deps.tokens.redeem(token);
      // A token dies with the key that made it.
      const keys = await this.deps.store.listApiKeys(claims.projectId);
      if (!keys.some((k) => k.id === claims.keyId && k.revokedAt === null)) throw new EarshotError('unauthorized', 'Not Authorized: the key that issued this token was revoked.');
      auth = { keyId: claims.keyId, projectId: claims.projectId };
      if (claims.maxSessionSeconds !== undefined) maxDurationMs = Math.min(maxDurationMs, claims.maxSessionSeconds * 1000);
    } else {
      const key = apiKeyFromHeader(request.headers.authorization);
      const found = key === null ? null : await this.deps.store.authenticate(key);
      if (!found) {
        throw new EarshotError('unauthorized', key === null ? 'Not Authorized: send the API key in the authorization header, or ?token= from GET /v3/token.' : 'Not Authorized: invalid API key.');
      }
      auth = found;
    }
    const options = parseStreamOptions(query, [ASSEMBLYAI_MODEL, this.deps.engineName]);
    return { auth, options, maxDurationMs };
  }

  private accept(request: IncomingMessage, socket: Duplex, head: Buffer, admission: Admission | unknown): void {
    if (socket.destroyed) return;
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      if (!isAdmission(admission)) return refuse(ws, admission);
      if (this.closing) return refuse(ws, new EarshotError('internal', 'Server shutting down.'));
      let slot;
      try {
        slot = this.deps.limits.acquire(admission.auth.keyId, admission.options.keyterms.length > 0);
      } catch (err) {
        return refuse(ws, err);
      }
      const { auth, options } = admission;
      const session: StreamSession = new StreamSession(ws, options, {
        engine: this.deps.engine(),
        timeouts: { ...this.deps.timeouts, maxDurationMs: admission.maxDurationMs },
        keepWords: this.deps.storeStreams,
        onEnd: (summary) => {
          slot.release();
          this.sessions.delete(session);
          this.sessionEnded(auth, summary);
        },
      });
      this.sessions.add(session);
      this.deps.logger?.info(`stream ${session.id} opened (project ${auth.projectId}, ${options.sampleRate} Hz ${options.encoding}; ${this.sessions.size} open)`);
    });
  }

  /** Logs a closed session and stores its turns with `--store-streams` (every protocol's sessions). */
  sessionEnded(auth: AuthContext, summary: SessionSummary): void {
    const { logger, store } = this.deps;
    logger?.info(`stream ${summary.id} closed ${summary.close.code}${summary.close.reason ? ` (${summary.close.reason})` : ''}: ${summary.audioSeconds} s of audio, ${summary.turns} turn(s) in ${summary.sessionSeconds} s`);
    if (!this.deps.storeStreams || !summary.finalTurns || summary.finalTurns.length === 0) return;
    void archiveSession(store, auth.projectId, { id: summary.id, audioSeconds: summary.audioSeconds, finalTurns: summary.finalTurns, model: this.deps.engineName }).then(
      (id) => logger?.info(`stream ${summary.id} stored as transcript ${id}`),
      (err: unknown) => logger?.warn(`stream ${summary.id} could not be stored: ${(err as Error).message}`),
    );
  }
}

function isAdmission(value: unknown): value is Admission {
  return typeof value === 'object' && value !== null && 'auth' in value && 'options' in value;
}

/**
 * A refused client gets a second to answer the close frame; one that does not (a script that
 * never reads) is cut off then, where `ws` would hold its socket for 30 s.
 */
const REFUSAL_GRACE_MS = 1000;

/** Closes a refused WebSocket, cutting it off if the client does not answer (both protocols). */
export function closeRefused(ws: WebSocket, code: number, reason: string): void {
  ws.close(code, reason);
  setTimeout(() => ws.terminate(), REFUSAL_GRACE_MS).unref();
}

function refuse(ws: WebSocket, err: unknown): void {
  const frame = closeFrameFor(err);
  closeRefused(ws, frame.code, frame.reason);
}

/** Creates the real-time server and handles upgrades on `server`. */
export function attachRealtime(server: HttpServer | HttpsServer, deps: RealtimeDeps): RealtimeServer {
  const realtime = new RealtimeServer(deps);
  realtime.attach(server);
  return realtime;
}
