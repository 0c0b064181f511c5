import { isIP } from 'node:net';
import { forbiddenAddressReason, vetHost } from '../audio/address-guard.js';
import { PROMPTED_ENGINES, resolveEngine, resolveEngines, SAMPLING_ENGINES } from '../engines/speech-models.js';
import { EarshotError, isEarshotError } from '../errors.js';
import { uploadIdOf } from '../queue/upload-leases.js';
import type { NewTranscript, TranscriptOptions } from '../store/store.js';
import { checkTranscriptOptions, SUPPORTED_OPTIONS, TRANSCRIPT_OPTIONS, type OptionSpec, type TranscriptOptionName } from './schemas/transcript-options.js';
import { checkPolicies } from '../intelligence/redaction/policies.js';
import { checkDependentOptions } from './request-rules.js';

/** Languages the engines here transcribe (pocketsphinx's default model is US English). */
export const SUPPORTED_LANGUAGES = ['en', 'en_us'] as const;


/**
 * Refuses unknown fields and unsupported options before schema validation, so one 400 names all
 * of them (issue 4: "refused with a 400 that names them, never ignored").
 */
export function refuseUnsupported(body: unknown): void {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new EarshotError('invalid_request', 'The request body must be a JSON object with at least audio_url.');
  }
  const { unknown, unsupported } = checkTranscriptOptions(body as Record<string, unknown>);
  const parts: string[] = [];
  if (unknown.length > 0) parts.push(`unknown field${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`);
  if (unsupported.length > 0) {
    const named = unsupported.map((name) => {
      const why = (TRANSCRIPT_OPTIONS[name as TranscriptOptionName] as OptionSpec).why;
      return why ? `${name} (${why})` : name;
    });
    parts.push(`option${unsupported.length > 1 ? 's' : ''} not supported by this server yet: ${named.join(', ')}`);
  }
  if (parts.length === 0) return;
  throw new EarshotError(
    unsupported.length > 0 ? 'unsupported_option' : 'invalid_request',
    `Request refused: ${parts.join('; ')}. Supported options: ${SUPPORTED_OPTIONS.join(', ')}` +
      ' (boolean features may be sent as false).',
  );
}

export interface ResolvedRequest {
  transcript: Omit<NewTranscript, 'projectId'>;
  /** Set for an upload_url: the upload the job will read from memory. */
  uploadId: string | null;
}

export interface ResolveContext {
  /** The server's origin as this client sees it. */
  baseUrl: string;
  allowPrivateNetworks: boolean;
  /** Whether this project holds an upload with that id right now. */
  hasUpload(uploadId: string): boolean;
}

/** Turns a validated request body into what the store keeps, checking what the schema cannot. */
export function resolveTranscriptRequest(body: Record<string, unknown>, ctx: ResolveContext): ResolvedRequest {
  const options: TranscriptOptions = {};
  for (const [name, value] of Object.entries(body)) if (value !== null && value !== undefined) options[name] = value;
  const audioUrl = String(body.audio_url).trim();
  delete options.audio_url;
  const webhookValue = options.webhook_auth_header_value as string | undefined;
  delete options.webhook_auth_header_value;

  const range = { start: options.audio_start_from as number | undefined, end: options.audio_end_at as number | undefined };
  if (range.start !== undefined && range.end !== undefined && range.end <= range.start) {
    throw new EarshotError('invalid_request', `audio_end_at (${range.end}) must be greater than audio_start_from (${range.start}).`);
  }
  const language = options.language_code as string | undefined;
  if (language !== undefined && !(SUPPORTED_LANGUAGES as readonly string[]).includes(language)) {
    throw new EarshotError(
      'unsupported_option',
      `language_code "${language}" is not supported by this server yet; it transcribes ${SUPPORTED_LANGUAGES.join(', ')}.`,
    );
  }
  checkDependentOptions(options);
  const bounds = options.speaker_options as { min_speakers_expected?: number; max_speakers_expected?: number } | undefined;
  if (bounds !== undefined) {
    if (options.speakers_expected !== undefined) throw new EarshotError('invalid_request', 'Send speakers_expected (an exact count) or speaker_options (bounds), not both.');
    const { min_speakers_expected: min, max_speakers_expected: max } = bounds;
    if (min !== undefined && max !== undefined && min > max) {
      throw new EarshotError('invalid_request', `speaker_options.min_speakers_expected (${min}) is more than max_speakers_expected (${max}).`);
    }
  }
  if (options.known_voices !== undefined) {
    if (options.speaker_labels !== true) throw new EarshotError('invalid_request', 'known_voices needs speaker_labels: true: speakers are named after enrolled voices once diarization has found them.');
    if (options.multichannel === true || options.dual_channel === true) {
      throw new EarshotError('invalid_request', 'known_voices cannot be combined with multichannel (or dual_channel) yet: channels are not diarized. Ask for one of them.');
    }
  }
  if (options.speech_model !== undefined && options.speech_models !== undefined) {
    throw new EarshotError('invalid_request', 'Send speech_model or speech_models (an ordered list), not both.');
  }
  const engine = options.speech_models !== undefined ? resolveEngines(options.speech_models as string[])[0] : resolveEngine(options.speech_model as string | undefined);
  if (options.prompt !== undefined && !PROMPTED_ENGINES.includes(engine)) {
    throw new EarshotError(
      'unsupported_option',
      `prompt needs an engine that takes one (${PROMPTED_ENGINES.join(', ')}); ${engine} has none, so the prompt would be ignored. Ask for speech_model "whisper", or leave prompt unset.`,
    );
  }
  checkParityOptions(options, engine);
  // Missing, unknown or unsupported policy names are refused now rather than failing the job later.
  if (options.redact_pii === true) checkPolicies((options.redact_pii_policies as string[] | undefined) ?? []);
  if (options.redact_pii_audio === true && (options.multichannel === true || options.dual_channel === true)) {
    throw new EarshotError('invalid_request', 'redact_pii_audio cannot be combined with multichannel (or dual_channel) yet: the bleeped copy is made from one mixed channel. Ask for one of them.');
  }

  const webhookUrl = options.webhook_url as string | undefined;
  const headerName = options.webhook_auth_header_name as string | undefined;
  if ((headerName === undefined) !== (webhookValue === undefined)) {
    throw new EarshotError('invalid_request', 'webhook_auth_header_name and webhook_auth_header_value go together: send both or neither.');
  }
  if (headerName !== undefined && webhookUrl === undefined) {
    throw new EarshotError('invalid_request', 'webhook_auth_header_name needs a webhook_url.');
  }
  if (webhookUrl !== undefined) checkFetchableUrl('webhook_url', webhookUrl, ctx.allowPrivateNetworks);

  let uploadId = uploadIdOf(audioUrl);
  if (uploadId !== null && !ctx.hasUpload(uploadId)) {
    // Our own upload_url that is gone (expired, used up, another key's): say so now rather than
    // failing the job later. Someone else's URL that merely looks alike is fetched as a URL.
    if (new URL(audioUrl).origin === ctx.baseUrl) {
      throw new EarshotError(
        'invalid_request',
        `The upload ${audioUrl} is not available: uploads are usable once, by the API key that sent them, until they expire. Upload the file again.`,
      );
    }
    uploadId = null;
  }
  if (uploadId === null) checkFetchableUrl('audio_url', audioUrl, ctx.allowPrivateNetworks);

  return {
    transcript: {
      audioKind: uploadId === null ? 'url' : 'upload',
      audioUrl,
      options,
      speechModel: engine,
      webhookUrl: webhookUrl ?? null,
      webhookAuthHeaderName: headerName ?? null,
      webhookAuthHeaderValue: webhookValue ?? null,
    },
    uploadId,
  };
}

/** The options of issue 14's parity work that need other options or a particular engine. */
function checkParityOptions(options: TranscriptOptions, engine: string): void {
  const temperature = options.temperature as number | undefined;
  if (temperature !== undefined && temperature !== 0 && !SAMPLING_ENGINES.includes(engine)) {
    throw new EarshotError(
      'unsupported_option',
      `temperature ${temperature} needs an engine that samples its output (${SAMPLING_ENGINES.join(', ')}); ${engine} searches for the single best path and has no temperature, so only 0 is accepted. Ask for speech_model "whisper", or leave temperature unset.`,
    );
  }

  if (options.language_detection === true && options.language_code !== undefined) {
    throw new EarshotError('invalid_request', 'Send language_code (the language you know) or language_detection: true, not both.');
  }
  const detection = (options.language_detection_options ?? {}) as Record<string, unknown>;
  const refused = Object.entries(detection).filter(
    ([key, value]) => key !== 'expected_languages' && value !== null && value !== false && !(key === 'on_low_language_confidence' && value === 'error'),
  );
  if (refused.length > 0) {
    throw new EarshotError(
      'unsupported_option',
      `language_detection_options ${refused.map(([key]) => key).join(', ')} cannot be honoured here: the engines transcribe one language per file and cannot transcribe it again in a fallback language or switch languages mid-file. expected_languages is honoured (a file in another language ends in error).`,
    );
  }

  const understanding = options.speech_understanding as { request?: Record<string, unknown> | null } | undefined;
  const request = understanding?.request ?? {};
  const others = ['translation', 'custom_formatting'].filter((name) => request[name] !== undefined && request[name] !== null);
  if (others.length > 0) {
    throw new EarshotError('unsupported_option', `speech_understanding.request.${others.join(' and ')} ${others.length > 1 ? 'are' : 'is'} not supported by this server yet; speaker_identification is.`);
  }
  const identification = request.speaker_identification as { speaker_type: string; known_values?: string[] } | undefined | null;
  if (identification) {
    if (options.speaker_labels !== true && options.multichannel !== true && options.dual_channel !== true) {
      throw new EarshotError('invalid_request', 'speech_understanding.request.speaker_identification needs speaker_labels: true (the speakers to name come from diarization).');
    }
    if (identification.speaker_type === 'role' && (identification.known_values ?? []).length === 0) {
      throw new EarshotError('invalid_request', 'speaker_identification with speaker_type "role" needs known_values: the roles to tell apart, e.g. ["Agent", "Customer"].');
    }
  }
}

/** The engine a `speech_model` names; unset means the default engine. */
/**
 * http(s) only, and no loopback or private address literals unless allowed. Host names are
 * resolved and checked again when fetched (src/audio/remote.ts), which also covers DNS tricks.
 */
function checkFetchableUrl(field: string, text: string, allowPrivate: boolean): void {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new EarshotError('invalid_request', `${field} is not a valid URL.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new EarshotError('remote_forbidden', `${field} must be an http or https URL, not ${url.protocol.replace(/:$/, '')}:.`);
  }
  if (allowPrivate) return;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const reason = isIP(host) !== 0 ? forbiddenAddressReason(host) : /^localhost\.?$|\.localhost\.?$/i.test(host) ? 'loopback' : null;
  if (reason !== null) {
    throw new EarshotError(
      'remote_forbidden',
      `${field} points at ${host}, which is ${reason}; only public addresses are allowed on this server.`,
    );
  }
}

/**
 * Resolves the host names of audio_url and webhook_url now, so a name that points at a private
 * address is a 400 at the door rather than a failed job later. A name that does not resolve yet
 * is left to the fetch (DNS may be catching up); every fetch checks its addresses again anyway.
 */
const DNS_WAIT_MS = 2000;

export async function refusePrivateHosts(transcript: ResolvedRequest['transcript'], allowPrivateNetworks: boolean): Promise<void> {
  if (allowPrivateNetworks) return;
  const urls = [transcript.audioKind === 'url' ? ['audio_url', transcript.audioUrl] : null, transcript.webhookUrl ? ['webhook_url', transcript.webhookUrl] : null];
  for (const entry of urls) {
    if (entry === null) continue;
    const [field, text] = entry;
    const host = new URL(text).hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) !== 0) continue;
    try {
      // A resolver that hangs must not hold the request: after a moment the name is left to the fetch.
      await Promise.race([vetHost(host, false), new Promise((resolve) => setTimeout(resolve, DNS_WAIT_MS).unref())]);
    } catch (err) {
      if (isEarshotError(err) && err.code === 'remote_forbidden') {
        throw new EarshotError('remote_forbidden', `${field}: ${err.message}`);
      }
    }
  }
}
