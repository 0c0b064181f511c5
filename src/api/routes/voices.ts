import type { Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { fetchRemoteAudio } from '../../audio/remote.js';
import { EarshotError } from '../../errors.js';
import type { Voiceprint } from '../../intelligence/speakers/voiceprint.js';
import { voiceprintFromAudio } from '../../pipeline/voice-enrolment.js';
import { namedSpeakersOf } from '../../queue/stored-result.js';
import { uploadIdOf } from '../../queue/upload-leases.js';
import type { Store, VoiceRecord } from '../../store/store.js';
import { projectOf } from '../auth.js';
import { baseUrlOf, type ApiDeps } from '../deps.js';
import { apiKeySecurity, commonErrors } from '../schemas/common.js';
import { VoiceEnrolRequest, VoiceIdParams, VoiceListResponse, VoiceResponse } from '../schemas/voices.js';

const tags = ['voices'];
/** Fetching an enrolment clip from audio_url: a clip is short, so the wait is too. */
const FETCH_TIMEOUT_MS = 30_000;
/** Names that look like diarization's own labels ("B", "2A") would be taken for an unnamed speaker. */
const LABEL_LIKE = /^\d*[A-Z]$/;

/**
 * /v2/voices: enrol a speaker's voice (from a diarized transcript, or a clip), list, read and
 * delete enrolments. Only a voiceprint is kept, sealed like transcript text (docs/voices.md).
 */
export const voiceRoutes: FastifyPluginAsync<ApiDeps> = async (app, deps) => {
  const { store } = deps;
  const notFound = (id: string) => new EarshotError('not_found', `Voice ${id} not found.`);

  app.post<{ Body: Static<typeof VoiceEnrolRequest> }>(
    '/v2/voices',
    { schema: { tags, summary: "Enrol a speaker's voice from a transcript's speaker label or a clip", security: apiKeySecurity, body: VoiceEnrolRequest, response: { 200: VoiceResponse, ...commonErrors } } },
    async (request) => {
      const projectId = projectOf(request);
      const body = request.body;
      const name = body.name.trim();
      if (name === '' || LABEL_LIKE.test(name)) {
        throw new EarshotError('invalid_request', `The name "${body.name}" would read as a speaker letter; give the voice a real name (e.g. "Ada Lovelace").`);
      }
      const sources = [body.transcript_id, body.upload_url, body.audio_url].filter((s) => s !== undefined).length;
      if (sources !== 1) {
        throw new EarshotError('invalid_request', 'Enrol from exactly one source: transcript_id with speaker, or upload_url, or audio_url.');
      }
      if ((body.transcript_id === undefined) !== (body.speaker === undefined)) {
        throw new EarshotError('invalid_request', 'transcript_id and speaker go together: the speaker label ("A") of that transcript to enrol.');
      }
      const enrolled =
        body.transcript_id !== undefined
          ? await fromTranscript(store, projectId, body.transcript_id, body.speaker!)
          : { voiceprint: await fromAudio(deps, projectId, (body.upload_url ?? body.audio_url)!.trim(), baseUrlOf(request, deps), request.raw), source: {} };
      const record = await store.createVoice({
        projectId,
        name,
        kind: enrolled.voiceprint.kind,
        voiceprint: enrolled.voiceprint,
        speechSeconds: enrolled.voiceprint.frames / 100,
        ...enrolled.source,
      });
      return renderVoice(record);
    },
  );

  app.get('/v2/voices', { schema: { tags, summary: "List this project's enrolled voices", security: apiKeySecurity, response: { 200: VoiceListResponse, ...commonErrors } } }, async (request) => ({
    voices: (await store.listVoices(projectOf(request))).map(renderVoice),
  }));

  app.get<{ Params: Static<typeof VoiceIdParams> }>(
    '/v2/voices/:voice_id',
    { schema: { tags, summary: 'Get an enrolled voice (never its voiceprint)', security: apiKeySecurity, params: VoiceIdParams, response: { 200: VoiceResponse, ...commonErrors } } },
    async (request) => {
      const record = await store.getVoice(projectOf(request), request.params.voice_id);
      if (!record) throw notFound(request.params.voice_id);
      return renderVoice(record);
    },
  );

  app.delete<{ Params: Static<typeof VoiceIdParams> }>(
    '/v2/voices/:voice_id',
    { schema: { tags, summary: 'Delete an enrolled voice for good', security: apiKeySecurity, params: VoiceIdParams, response: { 200: VoiceResponse, ...commonErrors } } },
    async (request) => {
      const projectId = projectOf(request);
      const record = await store.getVoice(projectId, request.params.voice_id);
      if (!record || !(await store.deleteVoice(projectId, record.id))) throw notFound(request.params.voice_id);
      return renderVoice(record);
    },
  );
};

/** A transcript request's `known_voices` must all be enrolled in its project (an id of another project is unknown here). */
export async function checkKnownVoices(store: Store, projectId: string, ids: unknown): Promise<void> {
  if (!Array.isArray(ids) || ids.length === 0) return;
  const found = new Set((await store.voicesWithPrints(projectId, ids as string[])).map((v) => v.id));
  const missing = (ids as string[]).filter((id) => !found.has(id));
  if (missing.length > 0) {
    throw new EarshotError('invalid_request', `known_voices: ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not enrolled in this project; GET /v2/voices lists the voices you can name.`);
  }
}

/** The voiceprint kept (sealed) with a diarized transcript for that speaker. */
async function fromTranscript(store: Store, projectId: string, transcriptId: string, speaker: string) {
  const transcript = await store.getTranscript(projectId, transcriptId);
  if (!transcript) throw new EarshotError('not_found', `Transcript ${transcriptId} not found.`);
  if (transcript.status !== 'completed' || transcript.deletedAt) {
    throw new EarshotError('invalid_request', `Transcript ${transcriptId} is ${transcript.deletedAt ? 'deleted' : transcript.status}; enrol from a completed transcript.`);
  }
  const named = namedSpeakersOf(transcript.result);
  if (!named) {
    throw new EarshotError('invalid_request', `Transcript ${transcriptId} has no speaker voiceprints: it was made without speaker_labels (or before voices existed). Enrol from a clip instead (upload_url).`);
  }
  const found = named.voiceprints.find((v) => v.speaker === speaker);
  if (!found) {
    const known = named.voiceprints.map((v) => `"${v.speaker}"`).join(', ') || 'none';
    throw new EarshotError('invalid_request', `Transcript ${transcriptId} has no speaker "${speaker}" with enough speech to enrol (1.5 s or more); speakers it has: ${known}.`);
  }
  return { voiceprint: found.voiceprint as Voiceprint, source: { sourceTranscriptId: transcriptId, sourceSpeaker: speaker } };
}

/** A clip from the upload vault (then dropped, unless a transcript job still holds it) or fetched. */
async function fromAudio(deps: ApiDeps, projectId: string, url: string, baseUrl: string, raw: { once(event: 'close', f: () => void): unknown }): Promise<Voiceprint> {
  const uploadId = uploadIdOf(url);
  const ours = uploadId !== null && safeOrigin(url) === baseUrl;
  if (ours) {
    const bytes = await deps.vault.get(projectId, uploadId);
    if (!bytes) {
      throw new EarshotError('invalid_request', `The upload ${url} is not available: uploads are usable once, by the API key that sent them, until they expire. Upload the clip again.`);
    }
    await deps.leases.acquire(uploadId);
    try {
      return await voiceprintFromAudio(bytes);
    } finally {
      await deps.leases.release(uploadId);
    }
  }
  const aborted = new AbortController();
  raw.once('close', () => aborted.abort());
  const bytes = await fetchRemoteAudio(url, { maxBytes: deps.maxUploadBytes, timeoutMs: FETCH_TIMEOUT_MS, allowPrivateNetworks: deps.allowPrivateNetworks, signal: aborted.signal });
  return voiceprintFromAudio(bytes, { signal: aborted.signal });
}

function safeOrigin(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

function renderVoice(v: VoiceRecord) {
  return {
    id: v.id,
    name: v.name,
    speech_seconds: v.speechSeconds,
    source: v.sourceTranscriptId ? ('transcript' as const) : ('audio' as const),
    transcript_id: v.sourceTranscriptId,
    speaker: v.sourceSpeaker,
    embedding: v.kind,
    created: v.createdAt,
  };
}
