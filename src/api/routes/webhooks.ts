import type { Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { EarshotError } from '../../errors.js';
import { projectOf } from '../auth.js';
import type { ApiDeps } from '../deps.js';
import { renderDeliveries } from '../render.js';
import { apiKeySecurity, commonErrors, TranscriptIdParams } from '../schemas/common.js';
import { WebhookDeliveriesResponse } from '../schemas/exports.js';

/**
 * GET /v2/transcript/:id/webhooks: every attempt to deliver the transcript's webhook (issue 4,
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
};
