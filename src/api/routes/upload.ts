import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { EarshotError } from '../../errors.js';
import { uploadUrlFor } from '../../queue/upload-leases.js';
import { projectOf } from '../auth.js';
import { baseUrlOf, type ApiDeps } from '../deps.js';
import { apiKeySecurity, ErrorResponse, IdString } from '../schemas/common.js';
import { UploadResponse } from '../schemas/transcript.js';

/**
 * POST /v2/upload: the raw bytes of an audio file, whatever the content-type (the SDK sends
 * application/octet-stream). They go to the upload vault (memory, or Redis encrypted when scaled out), never to disk, usable only by this
 * key's project, and are dropped when the job using them ends or their time-to-live passes.
 */
export const uploadRoutes: FastifyPluginAsync<ApiDeps> = async (app, deps) => {
  // Scoped to this plugin: elsewhere JSON stays the only body type.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: deps.maxUploadBytes }, (_request, body, done) => done(null, body));

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
      const body = request.body;
      if (!Buffer.isBuffer(body) || body.length === 0) {
        throw new EarshotError('audio_empty', 'The upload is empty: send the audio file as the request body.');
      }
      const id = await deps.vault.put(projectOf(request), body);
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
