/**
 * The OpenAI protocol's endpoint, `wss://host/v1/realtime?intent=transcription` (or `?model=…`,
 * as the SDK's OpenAIRealtimeWS connects), on the same HTTP(S) server, engine, session limits and
 * timeouts as `/v3/ws` (../server.ts hands it the upgrades for its path). Authenticated by
 * `Authorization: Bearer <API key or client secret>`, or by the subprotocol
 * `openai-insecure-api-key.<secret>` that browsers (which cannot set headers) use. A refusal is an
 * accepted socket that gets an `error` event and is closed, the only failure every client can read.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { apiKeyFromHeader } from '../../api/auth.js';
import { EarshotError } from '../../errors.js';
import type { AuthContext } from '../../store/store.js';
import type { RealtimeDeps, UpgradeHandler } from '../server.js';
import { closeRefused, MAX_FRAME_BYTES } from '../server.js';
import { ClientSecrets } from './client-secrets.js';
import { closeFor, errorBodyFor } from './errors.js';
import { newId } from './events.js';
import type { SessionSummary } from '../session-core.js';
import { OpenAiTranscriptionSession } from './session.js';
import { defaultConfig, OPENAI_TRANSCRIPTION_MODELS, type TranscriptionConfig } from './session-config.js';

export const OPENAI_REALTIME_PATH = '/v1/realtime';
const INSECURE_KEY_PROTOCOL = 'openai-insecure-api-key.';
/** base64 of a 1 s append at 24 kHz is 64 KB; a few seconds per event is plenty. */
const MAX_EVENT_BYTES = Math.max(MAX_FRAME_BYTES, 1024 * 1024);

interface Admission {
  auth: AuthContext;
  config: TranscriptionConfig;
}

/** Transcription models a session may name: OpenAI's and this server's engine. */
export function openAiModels(engineName: string): string[] {
  return [engineName, ...OPENAI_TRANSCRIPTION_MODELS];
}

export class OpenAiRealtimeServer implements UpgradeHandler {
  private readonly wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_EVENT_BYTES,
    perMessageDeflate: false,
    // Answer with a protocol the client offered that is not its key (browsers offer "realtime" first);
    // a client that offered only the key gets it back, since Chrome fails a handshake answering none.
    handleProtocols: (protocols) => [...protocols].find((p) => !p.startsWith(INSECURE_KEY_PROTOCOL)) ?? [...protocols][0] ?? false,
  });
  private readonly sessions = new Set<OpenAiTranscriptionSession>();
  private readonly models: string[];

  constructor(
    private readonly deps: RealtimeDeps,
    private readonly secrets: ClientSecrets,
    /** Bookkeeping shared with v3 sessions (logging, `--store-streams`). */
    private readonly onSessionEnd?: (auth: AuthContext, summary: SessionSummary) => void,
  ) {
    this.models = openAiModels(deps.engineName);
  }

  get activeSessions(): number {
    return this.sessions.size;
  }

  upgrade(request: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void {
    socket.on('error', () => socket.destroy());
    void this.admit(request, url.searchParams).then(
      (admission) => this.accept(request, socket, head, admission),
      (err: unknown) => this.accept(request, socket, head, err),
    );
  }

  close(): void {
    for (const session of [...this.sessions]) session.shutdown();
    this.wss.close();
  }

  private async admit(request: IncomingMessage, query: URLSearchParams): Promise<Admission> {
    const intent = query.get('intent');
    if (intent !== null && intent !== 'transcription') {
      throw new EarshotError('stream_bad_message', `intent "${intent}" is not supported: this server offers transcription sessions only (?intent=transcription).`);
    }
    if (intent === null && query.get('model') === null) {
      throw new EarshotError('stream_bad_message', 'Connect with ?intent=transcription (or ?model=…, as the openai SDK does).');
    }
    const credential = credentialOf(request);
    if (credential === null) throw new EarshotError('unauthorized', 'Missing credentials: send Authorization: Bearer <API key or client secret>.');
    if (ClientSecrets.looksLikeSecret(credential)) {
      const claims = this.secrets.verify(credential);
      const keys = await this.deps.store.listApiKeys(claims.projectId);
      if (!keys.some((k) => k.id === claims.keyId && k.revokedAt === null)) throw new EarshotError('unauthorized', 'The key that issued this client secret was revoked.');
      return { auth: { keyId: claims.keyId, projectId: claims.projectId }, config: claims.config };
    }
    const auth = await this.deps.store.authenticate(credential);
    if (!auth) throw new EarshotError('unauthorized', 'Incorrect API key provided.');
    return { auth, config: defaultConfig(this.deps.engineName) };
  }

  private accept(request: IncomingMessage, socket: Duplex, head: Buffer, admission: Admission | unknown): void {
    if (socket.destroyed) return;
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      if (!isAdmission(admission)) return refuse(ws, admission);
      let slot;
      try {
        slot = this.deps.limits.acquire(admission.auth.keyId);
      } catch (err) {
        return refuse(ws, err);
      }
      const { auth } = admission;
      const session: OpenAiTranscriptionSession = new OpenAiTranscriptionSession(ws, admission.config, {
        engine: this.deps.engine(),
        timeouts: this.deps.timeouts,
        keepWords: this.deps.storeStreams,
        models: this.models,
        onEnd: (summary) => {
          slot.release();
          this.sessions.delete(session);
          this.onSessionEnd?.(auth, summary);
        },
      });
      this.sessions.add(session);
      this.deps.logger?.info(`openai realtime ${session.id} opened (project ${auth.projectId}, ${admission.config.format}; ${this.sessions.size} open)`);
    });
  }
}

function credentialOf(request: IncomingMessage): string | null {
  const fromHeader = apiKeyFromHeader(request.headers.authorization);
  if (fromHeader !== null) return fromHeader;
  const offered = String(request.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
  const insecure = offered.find((p) => p.startsWith(INSECURE_KEY_PROTOCOL));
  return insecure ? insecure.slice(INSECURE_KEY_PROTOCOL.length) || null : null;
}

function isAdmission(value: unknown): value is Admission {
  return typeof value === 'object' && value !== null && 'auth' in value && 'config' in value;
}

function refuse(ws: WebSocket, err: unknown): void {
  ws.send(JSON.stringify({ event_id: newId('event'), type: 'error', error: errorBodyFor(err) }));
  const frame = closeFor(err);
  closeRefused(ws, frame.code, frame.reason);
}
