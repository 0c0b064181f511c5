import multipart from '@fastify/multipart';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { SpeechEngine } from '../../engines/engine.js';
import { cardName } from '../../engines/models/card.js';
import { ModelRegistry } from '../../engines/models/registry.js';
import type { Reservation } from '../../audio/byte-budget.js';
import { EarshotError } from '../../errors.js';
import { projectOf, requireApiKey } from '../auth.js';
import type { ApiDeps } from '../deps.js';
import { installOpenAiErrorHandler, ParamError } from '../openai/errors.js';
import { readTranscriptionForm, RESPONSE_FORMATS, type TranscriptionForm } from '../openai/form.js';
import { OpenAiModels } from '../openai/models.js';
import { renderTranscription } from '../openai/render.js';
import { OpenAiErrorSchema, OpenAiModelSchema, TranscriptionFormSchema } from '../openai/schemas.js';
import { streamTranscription, transcribeForm } from '../openai/transcription.js';
import { ProjectSlots } from '../quotas.js';
import { declaredLength, receiveAudio } from '../receive-audio.js';
import { apiKeySecurity } from '../schemas/common.js';

export interface OpenAiRouteOptions extends ApiDeps {
  /** Where installed models are listed; default: the models directory the engines read. */
  modelRegistry?: ModelRegistry;
}

const KiB = 1024;

/**
 * OpenAI's audio API under /v1 (issue #8 item 5), so the `openai` SDK works with `baseURL`
 * pointed at `<server>/v1`: `POST /v1/audio/transcriptions` transcribes on the request (no job,
 * no store: the uploaded bytes stay in memory for the request's lifetime, counted against the
 * same budget as /v2 uploads), `GET /v1/models` lists installed models. Keys are the /v2 keys,
 * sent as `Authorization: Bearer <key>`; errors use OpenAI's `{ error: { message, type, param,
 * code } }`.
 */
export const openaiRoutes: FastifyPluginAsync<OpenAiRouteOptions> = async (app, deps) => {
  await app.register(async (v1) => v1Routes(v1, deps), { prefix: '/v1' });
};

async function v1Routes(v1: FastifyInstance, deps: OpenAiRouteOptions): Promise<void> {
  installOpenAiErrorHandler(v1, { maxUploadBytes: deps.maxUploadBytes });
  requireApiKey(v1, deps.store, deps.keyCache);
  // Scoped to /v1: multipart is parsed here only, files buffered in memory (no temp files).
  await v1.register(multipart, {
    limits: { fileSize: deps.maxUploadBytes, files: 1, fields: 40, parts: 50, fieldSize: 256 * KiB },
    throwFileSizeLimit: true,
    // A `file` part without a filename or content type is still the file (its format is read
    // from its bytes); busboy alone would take it for a text field.
    isPartAFile: (fieldName, contentType, fileName) => fieldName === 'file' || contentType === 'application/octet-stream' || fileName !== undefined,
  });
  const models = new OpenAiModels(deps.engines, deps.modelRegistry ?? new ModelRegistry());
  const requestSlots = new ProjectSlots(deps.quotas?.openaiRequests ?? 0, '/v1 transcription requests (EARSHOT_QUOTA_OPENAI_REQUESTS)');

  // Requests transcribe for as long as their audio lasts; shutting down must not wait for them.
  const running = new Set<AbortController>();
  let shuttingDown = false;
  v1.addHook('preClose', async () => {
    shuttingDown = true;
    for (const controller of running) controller.abort(new EarshotError('internal', 'The server is shutting down; retry the request.'));
  });

  v1.get(
    '/models',
    {
      schema: {
        tags: ['openai'],
        summary: "Installed models, and OpenAI's model names (whisper-1, …) that stand for the default one",
        security: apiKeySecurity,
        response: { 200: Type.Object({ object: Type.Literal('list'), data: Type.Array(OpenAiModelSchema) }), 401: OpenAiErrorSchema },
      },
    },
    async () => ({ object: 'list' as const, data: await models.list() }),
  );

  v1.get(
    '/models/:model',
    {
      schema: {
        tags: ['openai'],
        summary: 'One model by id',
        security: apiKeySecurity,
        params: Type.Object({ model: Type.String({ minLength: 1, maxLength: 200 }) }),
        response: { 200: OpenAiModelSchema, 401: OpenAiErrorSchema, 404: OpenAiErrorSchema },
      },
    },
    async (request) => models.get((request.params as { model: string }).model),
  );

  v1.post(
    '/audio/transcriptions',
    {
      schema: {
        tags: ['openai'],
        summary: 'Transcribe an audio file (OpenAI-compatible)',
        description:
          `Multipart form as OpenAI's: \`file\` (any container ffmpeg reads, recognised from its bytes), \`model\`, \`language\`, \`prompt\`, ` +
          `\`response_format\` (${RESPONSE_FORMATS.join(', ')}), \`timestamp_granularities[]\`, \`temperature\`, \`stream\`, \`include[]\`, ` +
          '`chunking_strategy`. Files above OpenAI\'s 25 MB are accepted up to this server\'s upload limit. `prompt` steers whisper-class ' +
          'engines (pocketsphinx has no prompt). `stream=true` answers with server-sent events: a `transcript.text.delta` per finished ' +
          'segment, then `transcript.text.done`.',
        security: apiKeySecurity,
        consumes: ['multipart/form-data'],
        body: TranscriptionFormSchema,
        response: { 400: OpenAiErrorSchema, 401: OpenAiErrorSchema, 413: OpenAiErrorSchema },
      },
      // The body schema documents the form for /openapi.json; the form is read and checked by
      // readTranscriptionForm, since multipart parts arrive as a stream, not as a parsed body.
      validatorCompiler: () => () => true,
    },
    async (request, reply) => {
      if (!request.isMultipart()) {
        throw new ParamError('invalid_request', 'Send the audio as multipart/form-data, with the file in the "file" field.', 'file');
      }
      // Taken before the file is read, so a refused request costs no buffering: a /v1 slot of the
      // project, then the form's declared size in the memory budget (503 with retry-after when
      // full), capped at the per-file limit that multipart enforces (413 past it).
      const release = requestSlots.acquire(projectOf(request));
      let held: Reservation | undefined;
      try {
        const declared = declaredLength(request.headers['content-length']);
        const expected = Math.min(declared ?? 0, deps.maxUploadBytes);
        const reserved = deps.budget.reserve(expected);
        held = reserved;
        // The file lands in one buffer of the form's length (a little more than the file).
        const form = await readTranscriptionForm(request.parts(), (file) => receiveAudio(file, reserved, expected));
        const engine = await models.engineFor(form.model);
        return await transcribe(request, reply, form, engine, reserved);
      } finally {
        held?.release();
        release();
      }
    },
  );

  async function transcribe(request: FastifyRequest, reply: FastifyReply, form: TranscriptionForm, engine: SpeechEngine, reservation: Reservation): Promise<FastifyReply> {
    if (shuttingDown) throw new EarshotError('internal', 'The server is shutting down; retry the request.');
    // Held for the request's lifetime under the reservation it was received with (see ApiDeps).
    const audio = deps.requestAudio ?? deps.vault;
    const held = await audio.put(projectOf(request), form.file, { held: reservation });
    const controller = new AbortController();
    running.add(controller);
    const clientGone = new Error('the client disconnected');
    const onClose = () => {
      if (!reply.raw.writableFinished) controller.abort(clientGone);
    };
    reply.raw.on('close', onClose);
    const model = cardName(engine.name, engine.model);
    const headers = { 'x-earshot-model': model };
    const started = Date.now();
    try {
      if (form.stream) {
        const outcome = await streamTranscription(form, engine, controller.signal, reply, headers, deps.maxAudioSeconds);
        if (outcome.error && !controller.signal.aborted) request.log.error({ err: outcome.error }, 'a streamed /v1 transcription failed');
        return reply;
      }
      const transcript = await transcribeForm(form, engine, controller.signal, deps.maxAudioSeconds);
      request.log.info(`/v1 transcription: ${(transcript.durationMs / 1000).toFixed(1)} s of audio by ${model} in ${Date.now() - started} ms`);
      const { contentType, body } = renderTranscription(transcript, { format: form.responseFormat, granularities: form.granularities, logprobs: form.logprobs });
      return reply.headers(headers).type(contentType).send(body);
    } catch (err) {
      const reason: unknown = controller.signal.reason;
      if (controller.signal.aborted && reason === clientGone) {
        // Nobody is listening any more; there is nothing to answer.
        reply.hijack();
        return reply;
      }
      throw controller.signal.aborted && reason instanceof EarshotError ? reason : err;
    } finally {
      // The server waits for open connections before it stops: this one must not linger idle.
      if (shuttingDown) closeConnectionAfter(request, reply);
      reply.raw.off('close', onClose);
      running.delete(controller);
      await audio.drop(held);
    }
  }
}

/** Ends the keep-alive connection once this response is out (with `connection: close` if still possible). */
function closeConnectionAfter(request: FastifyRequest, reply: FastifyReply): void {
  if (!reply.raw.headersSent) {
    void reply.header('connection', 'close');
    return;
  }
  const end = () => request.raw.socket?.end();
  if (reply.raw.writableFinished) end();
  else reply.raw.once('finish', end);
}
