import { randomUUID } from 'node:crypto';
import { AjvCompiler, type ValidatorFactory } from '@fastify/ajv-compiler';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Redis } from 'ioredis';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { EarshotError } from '../errors.js';
import type { HttpLimits } from '../app/config.js';
import { requireApiKey } from './auth.js';
import { applyHttpLimits, serverCreationOptions } from './http-limits.js';
import { installRateLimit } from './quotas.js';
import type { ApiDeps } from './deps.js';
import { installErrorHandler } from './error-handler.js';
import { exportRoutes, redactedAudioFileRoute } from './routes/exports.js';
import { healthRoutes } from './routes/health.js';
import { openaiRoutes } from './routes/openai.js';
import { transcriptRoutes } from './routes/transcripts.js';
import { uploadRoutes } from './routes/upload.js';
import { voiceRoutes } from './routes/voices.js';
import { webhookRoutes } from './routes/webhooks.js';
import { ErrorResponse } from './schemas/common.js';
import { httpMetrics } from '../observability/http-metrics.js';
import type { ApiObservability } from '../observability/observability.js';
import { scaleRoutes } from './routes/scale.js';
import { webAppRoutes } from './web-app.js';

export interface ServerOptions extends ApiDeps {
  /** pino-compatible logger; default: none. */
  logger?: FastifyBaseLogger;
  /** Largest JSON body. Default 1 MiB. */
  jsonBodyLimit?: number;
  /** /metrics, /readyz's checks and GET /v2/scale; without it /readyz checks the store alone. */
  observability?: ApiObservability;
  /** The built web app's folder (served at `/`); null: none. Default: dist/web/ of this checkout. */
  webRoot?: string | null;
  /** Where the request-rate quota is counted when several api processes share the load; default this process. */
  rateLimitStore?: { redis: Redis; prefix: string };
  /** Timeouts and the connection cap of the HTTP server (the HTTPS one gets them in realtime/mount.ts). */
  httpLimits?: HttpLimits;
}

/**
 * The HTTP layer: AssemblyAI's v2 async API (one plugin per resource under routes/), validated
 * from TypeBox schemas that also produce /openapi.json and the /docs page. Thin on purpose: the
 * work happens in the store, the queue and the worker this is handed.
 */
export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    // One line per request would drown the job log; errors are logged by the error handler.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.jsonBodyLimit ?? 1024 * 1024,
    // Nested objects with unknown fields (custom_spelling[0].foo) are refused, not silently cut.
    ajv: { customOptions: { removeAdditional: false } },
    schemaController: { compilersFactory: { buildValidator: strictBodies } },
    // A proxy's request id is kept, so its logs and ours share one id (logged as reqId).
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    ...(options.httpLimits ? { http: serverCreationOptions(options.httpLimits) } : {}),
  });
  if (options.httpLimits) applyHttpLimits(app.server, options.httpLimits);
  app.decorateRequest('auth', null);
  installErrorHandler(app);
  installJsonParser(app);
  // Response schemas document the API; JSON.stringify writes it, so no field is ever dropped.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.addSchema(ErrorResponse);
  // First, so its timing hooks see every route registered after it.
  const observability = options.observability;
  if (observability) await app.register(httpMetrics, { metrics: observability.metrics });

  await installRateLimit(app, options.quotas?.requestsPerMinute ?? 0, options.rateLimitStore);

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Earshot',
        version: process.env.npm_package_version ?? '0.1.0',
        description:
          "Self-hosted speech to text with AssemblyAI's v2 async API: point the `assemblyai` SDK's baseUrl here. " +
          'Audio stays on this machine: uploads are held in memory only, results are encrypted at rest.',
      },
      components: { securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'authorization' } } },
    },
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  const deps: ApiDeps = options;
  await app.register(webAppRoutes, { root: options.webRoot });
  await app.register(healthRoutes, { ...deps, readiness: observability?.readiness });
  await app.register(redactedAudioFileRoute, deps);
  await app.register(openaiRoutes, deps);
  await app.register(async (v2) => {
    requireApiKey(v2, deps.store, deps.keyCache);
    await v2.register(uploadRoutes, deps);
    await v2.register(transcriptRoutes, deps);
    await v2.register(voiceRoutes, deps);
    await v2.register(exportRoutes, deps);
    await v2.register(webhookRoutes, deps);
    if (observability) await v2.register(scaleRoutes, observability);
  });
  return app;
}

const ajvCompilers = AjvCompiler();

/**
 * JSON bodies are taken as typed: `"3"` is not 3 and `"true"` is not true (Fastify's default Ajv
 * coerces them). Query strings and path parameters are text by nature, so they keep coercion.
 */
const strictBodies: ValidatorFactory = (externalSchemas, options) => {
  const coercing = ajvCompilers(externalSchemas, options);
  const strict = ajvCompilers(externalSchemas, { ...options, customOptions: { ...options?.customOptions, coerceTypes: false } } as Parameters<typeof ajvCompilers>[1]);
  return (route) => (route.httpPart === 'body' ? strict : coercing)(route);
};

/**
 * JSON bodies with a message that says where the syntax broke. An empty body parses as "no
 * body": the SDK sends `content-type: application/json` on its body-less DELETE too.
 */
function installJsonParser(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (err) {
      done(new EarshotError('invalid_request', `The request body is not valid JSON: ${(err as Error).message}.`), undefined);
    }
  });
}
