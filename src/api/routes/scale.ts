import { createHash, timingSafeEqual } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { EarshotError } from '../../errors.js';
import type { ApiObservability } from '../../observability/observability.js';
import { adviseScale, DEFAULT_POLICY } from '../../observability/scale-advice.js';
import { apiKeyFromHeader } from '../auth.js';

/**
 * GET /v2/scale (issue 12 item 7): worker counts per stage with the inputs and arithmetic behind
 * them. Admin only: it shows the whole installation's load, not one project's. Registered inside
 * the /v2 scope, so the key is already a valid API key; here it must also be an admin key.
 */
export const scaleRoutes: FastifyPluginAsync<ApiObservability> = async (app, observability) => {
  const admins = observability.adminKeys.map(digest);
  app.addHook('onRequest', async (request) => {
    if (admins.length === 0) throw new EarshotError('forbidden', 'No admin keys are configured: list the keys allowed here in EARSHOT_ADMIN_KEYS (comma-separated) and restart.');
    const key = apiKeyFromHeader(request.headers.authorization);
    const mine = digest(key ?? '');
    // Digests are equal in length, so the comparison time says nothing about the key.
    if (!admins.some((admin) => timingSafeEqual(admin, mine))) throw new EarshotError('forbidden', 'This API key is not an admin key; GET /v2/scale takes only the keys listed in EARSHOT_ADMIN_KEYS.');
  });
  app.get(
    '/v2/scale',
    {
      schema: {
        tags: ['scale'],
        summary: 'Recommended workers per stage, with the inputs and the arithmetic (admin key)',
        security: [{ apiKey: [] }],
        response: { 200: Type.Object({ policy: Type.Record(Type.String(), Type.Number()), stages: Type.Array(Type.Record(Type.String(), Type.Unknown())) }) },
      },
    },
    async () => ({ policy: DEFAULT_POLICY, stages: adviseScale(await observability.scaleLoads()) }),
  );
};

function digest(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}
