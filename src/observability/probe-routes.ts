import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { checkReadiness, type Readiness } from './readiness.js';

const Check = Type.Object({ name: Type.String(), ok: Type.Boolean(), error: Type.Optional(Type.String()) });
const ReadyReply = Type.Object({ status: Type.Union([Type.Literal('ready'), Type.Literal('not_ready')]), checks: Type.Array(Check) });

/**
 * Unauthenticated probes for orchestrators (issue 12 item 6): GET /healthz (alive: the process
 * answers; it checks no dependency, so a database outage never gets a process restarted) and
 * GET /readyz (its dependencies answer; 503 names the one that did not).
 */
export const probeRoutes: FastifyPluginAsync<{ readiness: readonly Readiness[] }> = async (app, { readiness }) => {
  app.get(
    '/healthz',
    {
      schema: {
        tags: ['health'],
        summary: 'Alive: the process answers (liveness probe)',
        response: { 200: Type.Object({ status: Type.Literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );
  app.get(
    '/readyz',
    {
      schema: {
        tags: ['health'],
        summary: `Ready: ${readiness.map((r) => r.name).join(' and ')} answer within 2 s (503 names the dependency that did not)`,
        response: { 200: ReadyReply, 503: ReadyReply },
      },
    },
    async (_request, reply) => {
      const report = await checkReadiness(readiness);
      return reply.code(report.ready ? 200 : 503).send({ status: report.ready ? 'ready' : 'not_ready', checks: report.checks });
    },
  );
};
