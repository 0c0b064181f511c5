import { Type } from '@sinclair/typebox';
import type { IncomingMessage } from 'node:http';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Reservation } from '../../audio/byte-budget.js';
import { EarshotError } from '../../errors.js';
import { formatBytes } from '../../format-bytes.js';
import { uploadUrlFor } from '../../queue/upload-leases.js';
import { projectOf } from '../auth.js';
import { baseUrlOf, type ApiDeps } from '../deps.js';
import { declaredLength, receiveAudio } from '../receive-audio.js';
import { apiKeySecurity, ErrorResponse, IdString } from '../schemas/common.js';
import { UploadResponse } from '../schemas/transcript.js';

/**
 * POST /v2/upload: the raw bytes of an audio file, whatever the content-type (the SDK sends
 * application/octet-stream). They go to the upload vault (memory, or Redis encrypted when scaled out), never to disk, usable only by this
 * key's project, and are dropped when the job using them ends or their time-to-live passes.
 * Before a byte is read the upload reserves its `content-length` in the memory budget (413 over
 * the per-upload limit, 503 with retry-after when the budget is full), then grows as it streams.
 */
export const uploadRoutes: FastifyPluginAsync<ApiDeps> = async (app, deps) => {
  // Scoped to this plugin: elsewhere JSON stays the only body type.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', async (request: FastifyRequest, payload: IncomingMessage): Promise<ReceivedUpload | RefusedUpload> => {
    const declared = declaredLength(request.headers['content-length']);
    let held: Reservation;
    try {
      if (declared !== undefined && declared > deps.maxUploadBytes) throw tooLarge(deps.maxUploadBytes, `it is ${formatBytes(declared)}`);
      await checkHeldUploads(deps, projectOf(request), declared ?? 0);
      held = deps.budget.reserve(declared ?? 0);
    } catch (err) {
      // Refused before a byte is kept: the rest of the body is read and dropped as it arrives, and
      // the handler answers (a parser error would close the connection, and a client still
      // sending would see a broken pipe instead of the answer).
      payload.resume();
      return { refused: err };
    }
    try {
      const bytes = await receiveAudio(overLimit(payload, deps.maxUploadBytes), held, declared);
      return { bytes, held };
    } catch (err) {
      held.release();
      throw err;
    }
  });

  // A body received but never handed to the vault (refused, or the handler failed) gives its bytes back.
  app.addHook('onResponse', async (request, reply) => {
    if (reply.statusCode !== 200) (request.body as Partial<ReceivedUpload> | undefined)?.held?.release();
  });

  app.post(
    '/v2/upload',
    {
      bodyLimit: deps.maxUploadBytes,
      schema: {
        tags: ['files'],
        summary: 'Upload an audio file (raw bytes); returns an upload_url to transcribe',
        security: apiKeySecurity,
        consumes: ['application/octet-stream'],
        response: {
          200: UploadResponse,
          400: Type.Ref(ErrorResponse),
          401: Type.Ref(ErrorResponse),
          413: Type.Ref(ErrorResponse),
        },
      },
    },
    async (request) => {
      const received = request.body as ReceivedUpload | RefusedUpload | undefined;
      if (received && 'refused' in received) throw received.refused;
      const body = received;
      if (!body || body.bytes.length === 0) {
        body?.held.release();
        throw new EarshotError('audio_empty', 'The upload is empty: send the audio file as the request body.');
      }
      await checkHeldUploads(deps, projectOf(request), body.bytes.length);
      // The vault takes the reservation over: the bytes stay counted until the upload is dropped.
      const id = await deps.vault.put(projectOf(request), body.bytes, { held: body.held });
      return { upload_url: uploadUrlFor(baseUrlOf(request, deps), id) };
    },
  );

  app.get(
    '/v2/upload/:upload_id',
    {
      schema: {
        tags: ['files'],
        summary: 'Uploads cannot be read back: they are held in memory only, for transcription',
        security: apiKeySecurity,
        params: Type.Object({ upload_id: IdString('The upload id') }),
        response: { 400: Type.Ref(ErrorResponse), 404: Type.Ref(ErrorResponse) },
      },
    },
    async () => {
      throw new EarshotError('not_found', 'Uploads cannot be downloaded; pass the upload_url as audio_url to POST /v2/transcript.');
    },
  );
};

interface ReceivedUpload {
  bytes: Buffer;
  held: Reservation;
}

/** Refused before its body was read (over the per-upload limit, or the budget is full). */
interface RefusedUpload {
  refused: unknown;
}

/** The body's chunks, failing `audio_too_large` once they pass the per-upload limit (a body sent without content-length). */
async function* overLimit(body: AsyncIterable<Buffer>, maxBytes: number): AsyncGenerator<Buffer> {
  let received = 0;
  for await (const chunk of body) {
    received += chunk.length;
    if (received > maxBytes) throw tooLarge(maxBytes, 'it sent more than that');
    yield chunk;
  }
}

function tooLarge(maxBytes: number, why: string): EarshotError {
  return new EarshotError('audio_too_large', `The upload is over the ${formatBytes(maxBytes)} limit for one file (${why}; the operator sets it with EARSHOT_MAX_UPLOAD_BYTES); send a smaller file.`);
}

/** Uploads are dropped as their transcripts end, so room comes back within a job's time or so. */
const HELD_UPLOADS_RETRY_SECONDS = 30;

/** Refuses an upload that would take its project past the bytes it may hold at once (EARSHOT_QUOTA_UPLOAD_BYTES). */
async function checkHeldUploads(deps: ApiDeps, projectId: string, adding: number): Promise<void> {
  const quota = deps.quotas?.uploadBytes ?? 0;
  if (quota <= 0) return;
  const held = await deps.vault.heldBytes(projectId);
  if (held + adding <= quota) return;
  throw new EarshotError(
    'quota_exceeded',
    `Too many uploaded bytes held: this project holds ${formatBytes(held)} of uploads and this one would take it past its ${formatBytes(quota)} (EARSHOT_QUOTA_UPLOAD_BYTES); uploads are let go when their transcripts finish, or when their time-to-live passes unused.`,
    { retryAfterSeconds: HELD_UPLOADS_RETRY_SECONDS },
  );
}
