import type { Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { EarshotError } from '../../errors.js';
import type { TranscriptRecord } from '../../store/store.js';
import { projectOf } from '../auth.js';
import { baseUrlOf, type ApiDeps } from '../deps.js';
import { renderList, renderTranscript } from '../render.js';
import { apiKeySecurity, commonErrors, TranscriptIdParams } from '../schemas/common.js';
import { TranscriptListQuery, TranscriptListResponse, TranscriptResponse } from '../schemas/transcript.js';
import { TranscriptRequestSchema } from '../schemas/transcript-options.js';
import { refusePrivateHosts, refuseUnsupported, resolveTranscriptRequest } from '../transcript-request.js';
import { uploadIdOf } from '../../queue/upload-leases.js';
import { checkQueuedJobs } from '../quotas.js';
import { checkKnownVoices } from './voices.js';

const tags = ['transcripts'];
const JSON_TYPE = 'application/json; charset=utf-8';

/** POST/GET/DELETE /v2/transcript…: AssemblyAI's async transcription resource. */
export const transcriptRoutes: FastifyPluginAsync<ApiDeps> = async (app, deps) => {
  const { store, vault, leases, queue, readCache } = deps;

  const notFound = (id: string) => new EarshotError('not_found', `Transcript ${id} not found.`);

  /** The last webhook answer, for `webhook_status_code`; one extra query only when a webhook is set. */
  const render = async (record: TranscriptRecord) => {
    const deliveries = record.webhookUrl ? await store.listWebhookDeliveries(record.id) : [];
    return renderTranscript(record, deliveries[deliveries.length - 1] ?? null);
  };

  app.post<{ Body: Static<typeof TranscriptRequestSchema> }>(
    '/v2/transcript',
    {
      schema: {
        tags,
        summary: 'Transcribe an audio file (an upload_url or an http(s) URL)',
        security: apiKeySecurity,
        body: TranscriptRequestSchema,
        response: { 200: TranscriptResponse, ...commonErrors },
      },
      // Before schema validation, so every unknown or unsupported field is named in one answer.
      preValidation: async (request) => refuseUnsupported(request.body),
    },
    async (request) => {
      const projectId = projectOf(request);
      await checkQueuedJobs(queue, projectId, deps.quotas?.queuedJobs ?? 0);
      // The vault may be remote (Redis), so the one upload this request can name is looked up first.
      const named = uploadIdOf(String(request.body.audio_url ?? '').trim());
      const held = named !== null && (await vault.get(projectId, named)) !== undefined;
      const { transcript, uploadId } = resolveTranscriptRequest(request.body, {
        baseUrl: baseUrlOf(request, deps),
        allowPrivateNetworks: deps.allowPrivateNetworks,
        hasUpload: (id) => held && id === named,
      });
      await refusePrivateHosts(transcript, deps.allowPrivateNetworks);
      await checkKnownVoices(store, projectId, transcript.options?.known_voices);
      // Leased before the row exists, so the upload cannot expire between the check and the job.
      if (uploadId !== null) await leases.acquire(uploadId);
      let record: TranscriptRecord;
      try {
        record = await store.createTranscript({ ...transcript, projectId });
      } catch (err) {
        if (uploadId !== null) await leases.release(uploadId);
        throw err;
      }
      try {
        await queue.enqueue(record.id, projectId);
      } catch (err) {
        // Never leave a row queued that no queue holds: the client is told, and may retry.
        if (await store.failTranscript(record.id, `Could not queue the job: ${(err as Error).message}`)) {
          if (uploadId !== null) await leases.release(uploadId, record.id);
        }
        throw err;
      }
      return renderTranscript(record, null);
    },
  );

  app.get<{ Params: Static<typeof TranscriptIdParams> }>(
    '/v2/transcript/:transcript_id',
    {
      schema: {
        tags,
        summary: 'Get a transcript',
        security: apiKeySecurity,
        params: TranscriptIdParams,
        response: { 200: TranscriptResponse, ...commonErrors },
      },
    },
    async (request, reply) => {
      const id = request.params.transcript_id;
      const projectId = projectOf(request);
      const cached = readCache.get(id, projectId);
      if (cached !== undefined) return reply.type(JSON_TYPE).send(cached);
      const version = readCache.version();
      const record = await store.getTranscript(projectId, id);
      if (!record) throw notFound(id);
      const body = JSON.stringify(await render(record));
      // Completed transcripts change only by delete or webhook attempt (both invalidate).
      if (record.status === 'completed' && !record.deletedAt) readCache.set(id, projectId, body, version);
      return reply.type(JSON_TYPE).send(body);
    },
  );

  app.get<{ Querystring: Static<typeof TranscriptListQuery> }>(
    '/v2/transcript',
    {
      schema: {
        tags,
        summary: 'List transcripts, newest first',
        security: apiKeySecurity,
        querystring: TranscriptListQuery,
        response: { 200: TranscriptListResponse, ...commonErrors },
      },
      // The SDK writes unset parameters as empty strings (`?status=`); they mean "no filter".
      preValidation: async (request) => {
        const query = request.query as Record<string, unknown>;
        for (const [name, value] of Object.entries(query)) if (value === '') delete query[name];
      },
    },
    async (request) => {
      const q = request.query;
      const query = { limit: q.limit, status: q.status, createdOn: q.created_on, beforeId: q.before_id, afterId: q.after_id };
      const baseUrl = baseUrlOf(request, deps);
      // Nothing is ever throttled here, so "only throttled ones" is an empty page.
      const page = q.throttled_only
        ? { transcripts: [], limit: q.limit ?? 10, hasOlder: false, hasNewer: false }
        : await store.listTranscripts(projectOf(request), query);
      return renderList(page, query, baseUrl, request.url);
    },
  );

  app.delete<{ Params: Static<typeof TranscriptIdParams> }>(
    '/v2/transcript/:transcript_id',
    {
      schema: {
        tags,
        summary: 'Delete a transcript: its text and results are erased for good',
        security: apiKeySecurity,
        params: TranscriptIdParams,
        response: { 200: TranscriptResponse, ...commonErrors },
      },
    },
    async (request) => {
      const record = await store.deleteTranscript(projectOf(request), request.params.transcript_id);
      if (!record) throw notFound(request.params.transcript_id);
      readCache.invalidate(record.id);
      await deps.redactedAudio.drop(record.id);
      return render(record);
    },
  );
};
