import type { Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { EarshotError } from '../../errors.js';
import { projectOf } from '../auth.js';
import type { ApiDeps } from '../deps.js';
import { renderDeliveries } from '../render.js';
import { apiKeySecurity, commonErrors, TranscriptIdParams } from '../schemas/common.js';
import { WebhookDeliveriesResponse, WebhookSecretResponse } from '../schemas/exports.js';

/**
 * POST /v2/webhook-secret (issue 15 item 5): a new signing secret for this project's webhooks,
 * shown in this answer only; calling again rotates it. GET /v2/transcript/:id/webhooks: every attempt to deliver the transcript's webhook (issue 4,
 * "a delivery log the API can show"). Earshot's own endpoint; AssemblyAI shows only the last
 * status code (`webhook_status_code`, which the transcript carries too).
 */
export const webhookRoutes: FastifyPluginAsync<ApiDeps> = async (app, deps) => {
  app.get<{ Params: Static<typeof TranscriptIdParams> }>(
    '/v2/transcript/:transcript_id/webhooks',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Webhook delivery log: one entry per attempt, oldest first',
        security: apiKeySecurity,
        params: TranscriptIdParams,
        response: { 200: WebhookDeliveriesResponse, ...commonErrors },
      },
    },
    async (request) => {
      const id = request.params.transcript_id;
      const record = await deps.store.getTranscript(projectOf(request), id);
      if (!record) throw new EarshotError('not_found', `Transcript ${id} not found.`);
      return renderDeliveries(record, await deps.store.listWebhookDeliveries(id));
    },
  );

  app.post(
    '/v2/webhook-secret',
    {
      schema: {
        tags: ['webhooks'],
        summary: "New signing secret for this project's webhooks, shown once; replaces the previous one",
        security: apiKeySecurity,
        response: { 200: WebhookSecretResponse, ...commonErrors },
      },
    },
    async (request, reply) => {
      const { secret, created } = await deps.store.rotateProjectWebhookSecret(projectOf(request));
      void reply.header('cache-control', 'no-store');
      return { webhook_secret: secret, created };
    },
  );
};
