import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { ApiDeps } from '../deps.js';

/** GET /health: unauthenticated liveness for load balancers and `earshot serve` scripts. */
export const healthRoutes: FastifyPluginAsync<ApiDeps> = async (app, deps) => {
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
};
