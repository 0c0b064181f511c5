/**
 * Puts real-time streaming on the API server (called once by src/app.ts): the token route, the
 * `/v3/ws` upgrade handler, its own engine instance, and TLS. With a certificate and key the
 * server listens on HTTPS, so both the API and `wss://` are served from one port; the SDK's
 * streaming client refuses `ws://`.
 */
import { readFile } from 'node:fs/promises';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { Server as HttpServer } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { applyHttpLimits, serverCreationOptions } from '../api/http-limits.js';
import type { HttpLimits } from '../app/config.js';
import { loadSileroSession } from '../audio/vad/silero.js';
import type { SpeechEngine } from '../engines/engine.js';
import { DEFAULT_ENGINE, EngineCache } from '../engines/registry.js';
import { punctuateTurn } from '../intelligence/punctuation/punctuate.js';
import { EarshotError } from '../errors.js';
import type { Store } from '../store/store.js';
import { ConcurrencyLimits } from './limits.js';
import { attachRealtime, type RealtimeLogger, type RealtimeServer } from './server.js';
import { ClientSecrets } from './openai/client-secrets.js';
import { clientSecretRoutes } from './openai/client-secret-route.js';
import { OPENAI_REALTIME_PATH, openAiModels, OpenAiRealtimeServer } from './openai/server.js';
import { tokenRoutes } from './token-route.js';
import { StreamTokens } from './tokens.js';
import type { UsedTokens } from './used-tokens.js';

export interface RealtimeSettings {
  /** PEM files; both or neither. */
  tlsCert?: string;
  tlsKey?: string;
  streamMaxSessions: number;
  /** How late live decoding may run (ms past the audio's arrival) and still admit a new session. */
  streamMaxLagMs: number;
  /** Default: streamMaxSessions. */
  streamMaxSessionsPerKey?: number;
  /** Idle time before a session is closed, when the client gives no `inactivity_timeout`. */
  streamInactivitySeconds: number;
  /** The longest `inactivity_timeout` a client may ask for (longer ones are cut to this). */
  streamMaxInactivitySeconds: number;
  streamMaxSessionSeconds: number;
  /** Sessions with a `keyterms_prompt` at once: each builds a decoder of its own (~95 MB). */
  streamMaxVocabularySessions: number;
  storeStreams: boolean;
  streamTokenSecret?: string;
}

export interface MountedRealtime {
  realtime: RealtimeServer;
  /** Listens on HTTPS when TLS is configured, else through Fastify's own HTTP server. */
  listen(options: { port: number; host: string }): Promise<HttpServer | HttpsServer>;
  /** Ends every session, then stops the HTTPS listener (Fastify closes its own). */
  close(): Promise<void>;
}

export async function mountRealtime(
  app: FastifyInstance,
  settings: RealtimeSettings,
  deps: {
    store: Store;
    logger?: RealtimeLogger;
    /** Default: this process's memory. */
    usedTokens?: UsedTokens;
    /** Applied to the HTTPS server (Fastify's own HTTP server gets them in buildServer). */
    httpLimits?: HttpLimits;
  },
): Promise<MountedRealtime> {
  const tls = await readTls(settings);
  const tokens = new StreamTokens(settings.streamTokenSecret, Date.now, deps.usedTokens);
  await app.register(tokenRoutes, { store: deps.store, tokens });
  // The OpenAI Realtime protocol (issue 14 item 5): its secrets are signed under the same setting.
  const secrets = new ClientSecrets(settings.streamTokenSecret);
  await app.register(clientSecretRoutes, { store: deps.store, secrets, engineName: DEFAULT_ENGINE, models: openAiModels(DEFAULT_ENGINE) });

  // Sessions hold a decoder each for their whole length, so streaming gets its own engine whose
  // pool grows (lazily) to the session limit, and never waits for batch jobs' decoders.
  const engines = new EngineCache({ parallelism: settings.streamMaxSessions, warmUp: 'streams' });
  let loaded: SpeechEngine | undefined;
  const engine = () => engines.get(DEFAULT_ENGINE).then((e) => (loaded = e));
  // The engine loads with the first session (its Begin goes out at once; audio waits in the queue
  // meanwhile), so a server used only for batch jobs never holds a streaming decoder. The VAD
  // model is shared with batch jobs and small: load it now.
  void loadSileroSession().catch(() => {});
  // The casing lexicon loads on first use (tens of ms, synchronous): not in the first formatted turn.
  setImmediate(() => {
    try {
      punctuateTurn([{ text: 'ready', start: 0, end: 1, confidence: 1 }], { formatText: true });
    } catch {
      // Formatting reports its own problems when a session asks for it.
    }
  });

  let server: HttpServer | HttpsServer = app.server;
  if (tls) {
    try {
      server = createHttpsServer({ ...tls, ...(deps.httpLimits ? serverCreationOptions(deps.httpLimits) : {}) }, (req, res) => app.routing(req, res));
      if (deps.httpLimits) applyHttpLimits(server, deps.httpLimits);
    } catch (err) {
      throw new EarshotError('config_invalid', `The TLS certificate or key is not usable: ${(err as Error).message}.`);
    }
  }
  const realtimeDeps = {
    store: deps.store,
    engine,
    engineName: DEFAULT_ENGINE,
    limits: new ConcurrencyLimits({
      maxSessions: settings.streamMaxSessions,
      maxSessionsPerKey: settings.streamMaxSessionsPerKey ?? settings.streamMaxSessions,
      maxVocabularySessions: settings.streamMaxVocabularySessions,
      maxLagMs: settings.streamMaxLagMs,
      liveLagMs: () => loaded?.liveLagMs?.() ?? 0,
    }),
    tokens,
    timeouts: {
      inactivityMs: Math.min(settings.streamInactivitySeconds, settings.streamMaxInactivitySeconds) * 1000,
      maxInactivityMs: settings.streamMaxInactivitySeconds * 1000,
      maxDurationMs: settings.streamMaxSessionSeconds * 1000,
    },
    storeStreams: settings.storeStreams,
    logger: deps.logger,
  };
  const realtime = attachRealtime(server, realtimeDeps);
  // One core, two protocols: the same engine, limits and timeouts serve /v1/realtime.
  realtime.addProtocol(OPENAI_REALTIME_PATH, new OpenAiRealtimeServer(realtimeDeps, secrets, (auth, summary) => realtime.sessionEnded(auth, summary)));

  return {
    realtime,
    async listen({ port, host }) {
      if (!tls) {
        await app.listen({ port, host });
        return app.server;
      }
      await app.ready();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      return server;
    },
    async close() {
      await realtime.close();
      await engines.close();
      if (tls && server.listening) {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      }
    },
  };
}

async function readTls(settings: RealtimeSettings): Promise<{ cert: Buffer; key: Buffer } | undefined> {
  const { tlsCert, tlsKey } = settings;
  if (!tlsCert && !tlsKey) return undefined;
  if (!tlsCert || !tlsKey) throw new EarshotError('config_invalid', 'TLS needs both --tls-cert and --tls-key (PEM files).');
  const read = async (path: string, what: string) => {
    try {
      return await readFile(path);
    } catch (err) {
      throw new EarshotError('config_invalid', `Cannot read the TLS ${what} ${path}: ${(err as Error).message}.`);
    }
  };
  return { cert: await read(tlsCert, 'certificate'), key: await read(tlsKey, 'key') };
}
