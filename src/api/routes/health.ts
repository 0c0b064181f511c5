import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { probeRoutes } from '../../observability/probe-routes.js';
import { storeReadiness, type Readiness } from '../../observability/readiness.js';
import type { ApiDeps } from '../deps.js';

export interface HealthOptions extends ApiDeps {
  /** What /readyz checks; default: the store alone. */
  readiness?: readonly Readiness[];
}

/**
 * GET /health (liveness with the store kind and job count, for `earshot serve` scripts), and
 * /healthz and /readyz for orchestrators (src/observability/probe-routes.ts).
 */
export const healthRoutes: FastifyPluginAsync<HealthOptions> = async (app, deps) => {
  app.get(
    '/health',
    {
      schema: {
        tags: ['health'],
        summary: 'Liveness: the server answers and its store is open',
        response: {
          200: Type.Object({
            status: Type.Literal('ok'),
            store: Type.String({ description: 'sqlite or postgres' }),
            jobs: Type.Integer({ description: 'Jobs waiting or running' }),
          }),
        },
      },
    },
    async () => ({ status: 'ok' as const, store: deps.store.kind, jobs: deps.queue.depth() }),
  );
  await app.register(probeRoutes, { readiness: deps.readiness ?? [storeReadiness(deps.store)] });
};
