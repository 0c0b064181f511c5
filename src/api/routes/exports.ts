import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { EarshotError } from '../../errors.js';
import { transcriptOf } from '../../queue/stored-result.js';
import type { TranscriptRecord } from '../../store/store.js';
import { toParagraphsResponse, toSentencesResponse } from '../../transcript/assemblyai-views.js';
import { toSrt } from '../../transcript/format-srt.js';
import { toVtt } from '../../transcript/format-vtt.js';
import type { Transcript } from '../../transcript/model.js';
import { toWordSearchResponse } from '../../transcript/word-search.js';
import { projectOf } from '../auth.js';
import { baseUrlOf } from '../deps.js';
import type { ApiDeps } from '../deps.js';
import { apiKeySecurity, commonErrors, TranscriptIdParams } from '../schemas/common.js';
import { CaptionQuery, ParagraphsResponse, RedactedAudioResponse, SentencesResponse, WordSearchQuery, WordSearchResponse } from '../schemas/exports.js';

const tags = ['exports'];
type IdParams = Static<typeof TranscriptIdParams>;

/** Views of a completed transcript: sentences, paragraphs, SRT, WebVTT, word search. */
export const exportRoutes: FastifyPluginAsync<ApiDeps> = async (app, deps) => {
  /** The record and transcript behind a view; 404 for another project's id, 400 until it is completed. */
  const completedRecord = async (request: FastifyRequest<{ Params: IdParams }>): Promise<{ record: TranscriptRecord; transcript: Transcript }> => {
    const id = request.params.transcript_id;
    const record = await deps.store.getTranscript(projectOf(request), id);
    if (!record) throw new EarshotError('not_found', `Transcript ${id} not found.`);
    if (record.deletedAt) throw new EarshotError('invalid_request', `Transcript ${id} was deleted; its text is gone.`);
    const transcript = transcriptOf(record.result);
    if (record.status !== 'completed' || !transcript) {
      throw new EarshotError('invalid_request', `Transcript ${id} is ${record.status}; this view is available once it is completed.`);
    }
    return { record, transcript };
  };
  const completed = async (request: FastifyRequest<{ Params: IdParams }>): Promise<Transcript> => (await completedRecord(request)).transcript;

  const json = { security: apiKeySecurity, params: TranscriptIdParams, tags };

  app.get<{ Params: IdParams }>(
    '/v2/transcript/:transcript_id/sentences',
    { schema: { ...json, summary: 'The transcript split into sentences', response: { 200: SentencesResponse, ...commonErrors } } },
    async (request) => toSentencesResponse(await completed(request), request.params.transcript_id),
  );

  app.get<{ Params: IdParams }>(
    '/v2/transcript/:transcript_id/paragraphs',
    { schema: { ...json, summary: 'The transcript split into paragraphs', response: { 200: ParagraphsResponse, ...commonErrors } } },
    async (request) => toParagraphsResponse(await completed(request), request.params.transcript_id),
  );

  for (const format of ['srt', 'vtt'] as const) {
    app.get<{ Params: IdParams; Querystring: Static<typeof CaptionQuery> }>(
      `/v2/transcript/:transcript_id/${format}`,
      {
        schema: {
          ...json,
          summary: format === 'srt' ? 'SubRip subtitles' : 'WebVTT subtitles',
          querystring: CaptionQuery,
          produces: ['text/plain'],
          response: { 200: Type.String(), ...commonErrors },
        },
      },
      async (request, reply) => {
        const transcript = await completed(request);
        const options = { charsPerCaption: request.query.chars_per_caption };
        const text = format === 'srt' ? toSrt(transcript, options) : toVtt(transcript, options);
        return reply.type(format === 'srt' ? 'text/plain; charset=utf-8' : 'text/vtt; charset=utf-8').send(text);
      },
    );
  }

  app.get<{ Params: IdParams; Querystring: Static<typeof WordSearchQuery> }>(
    '/v2/transcript/:transcript_id/word-search',
    {
      schema: {
        ...json,
        summary: 'Find words or phrases (comma-separated) in the transcript',
        querystring: WordSearchQuery,
        response: { 200: WordSearchResponse, ...commonErrors },
      },
    },
    async (request) => {
      const terms = request.query.words.split(',').map((w) => w.trim()).filter((w) => w !== '');
      if (terms.length === 0) throw new EarshotError('invalid_request', 'Invalid request: query parameter words names no word to search for.');
      const transcript = await completed(request);
      return toWordSearchResponse(request.params.transcript_id, transcript.words, terms);
    },
  );

  app.get<{ Params: IdParams }>(
    '/v2/transcript/:transcript_id/redacted-audio',
    {
      schema: {
        ...json,
        summary: 'Where to download the audio with PII bleeped (needs redact_pii_audio); the URL expires after an hour',
        response: { 200: RedactedAudioResponse, ...commonErrors },
      },
    },
    async (request) => {
      const id = request.params.transcript_id;
      const { record } = await completedRecord(request);
      const token = await deps.redactedAudio.tokenFor(projectOf(request), id);
      if (!token) {
        throw new EarshotError('invalid_request', `Transcript ${id} has no redacted audio: it was not requested (redact_pii_audio), or it expired an hour after the job.`);
      }
      const extension = record.options?.redact_pii_audio_quality === 'wav' ? 'wav' : 'mp3';
      return { status: 'redacted_audio_ready', redacted_audio_url: `${baseUrlOf(request, deps)}/v2/redacted-audio/${token}.${extension}` };
    },
  );
};

/**
 * The redacted audio file itself. No API key: AssemblyAI's redacted_audio_url is fetched as a
 * plain URL (the SDK's redactedAudioFile() does so), so the unguessable token is the credential.
 */
export const redactedAudioFileRoute: FastifyPluginAsync<ApiDeps> = async (app, deps) => {
  app.get<{ Params: { file: string } }>(
    '/v2/redacted-audio/:file',
    { schema: { tags, summary: 'Download a redacted audio file (the URL from /redacted-audio)', params: Type.Object({ file: Type.String() }) } },
    async (request, reply) => {
      const bytes = await deps.redactedAudio.file(request.params.file.replace(/\.(mp3|wav)$/, ''));
      if (!bytes) throw new EarshotError('not_found', 'This redacted audio does not exist or has expired; ask /v2/transcript/:id/redacted-audio for a fresh URL within an hour of the job.');
      const wav = bytes.subarray(0, 4).toString('latin1') === 'RIFF';
      return reply.type(wav ? 'audio/wav' : 'audio/mpeg').header('cache-control', 'private, no-store').send(bytes);
    },
  );
};
