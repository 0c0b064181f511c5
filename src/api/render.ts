import { intelligenceOf, namedSpeakersOf, transcriptOf, unredactedOf } from '../queue/stored-result.js';
import {
  DELETED_AUDIO_URL,
  DELETED_TEXT,
  type TranscriptPage,
  type TranscriptRecord,
  type TranscriptSummary,
  type WebhookDelivery,
} from '../store/store.js';
import { toAssemblyAiJson, type AssemblyAiExtra } from '../transcript/format-assemblyai.js';
import type { TranscriptListQuery } from '../store/store.js';

/** Request options that are not echoed back: secrets and what has a field of its own. */
const NOT_ECHOED = new Set(['audio_url', 'webhook_auth_header_value']);

/**
 * A stored transcript as AssemblyAI's transcript JSON. Request options are echoed as given; a
 * deleted transcript keeps its id and status and shows AssemblyAI's placeholders for its content.
 */
export function renderTranscript(record: TranscriptRecord, lastDelivery: WebhookDelivery | null): Record<string, unknown> {
  const options = record.options ?? {};
  const echoed: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(options)) if (!NOT_ECHOED.has(name) && value !== undefined) echoed[name] = value;
  const extra = {
    ...echoed,
    id: record.id,
    status: record.status,
    audio_url: record.deletedAt ? DELETED_AUDIO_URL : (record.audioUrl ?? ''),
    webhook_url: record.webhookUrl,
    webhook_auth: record.webhookAuth,
    webhook_auth_header_name: record.webhookAuthHeaderName,
    webhook_status_code: lastDelivery?.statusCode ?? null,
    ...(record.error !== null ? { error: record.error } : {}),
  } as AssemblyAiExtra;
  const transcript = record.deletedAt ? null : transcriptOf(record.result);
  const json: Record<string, unknown> = { ...toAssemblyAiJson(transcript, extra), ...(transcript ? intelligenceOf(record.result) : {}) };
  const unredacted = record.deletedAt ? null : unredactedOf(record.result);
  if (unredacted) {
    const { text, words, utterances } = toAssemblyAiJson(unredacted, extra);
    Object.assign(json, { unredacted_text: text, unredacted_words: words, unredacted_utterances: utterances });
  }
  // Known voices (issue 14 item 4): who was named, and how sure; never the voiceprints.
  if (transcript && Array.isArray(options.known_voices) && options.known_voices.length > 0) {
    json.speaker_identities = namedSpeakersOf(record.result)?.identities ?? [];
  }
  if (record.deletedAt) {
    json.text = DELETED_TEXT;
    json.audio_duration = record.audioDuration;
  }
  // Not part of toAssemblyAiJson's echo, but the SDK's Transcript has it.
  json.custom_spelling = options.custom_spelling ?? null;
  return json;
}

export function renderListItem(summary: TranscriptSummary, baseUrl: string): Record<string, unknown> {
  return {
    id: summary.id,
    resource_url: `${baseUrl}/v2/transcript/${summary.id}`,
    status: summary.status,
    created: summary.createdAt,
    completed: summary.completedAt,
    audio_url: summary.deletedAt ? DELETED_AUDIO_URL : (summary.audioUrl ?? ''),
    error: summary.error,
  };
}

/**
 * AssemblyAI's list: newest first; `prev_url` leads to older transcripts (before_id = the last
 * id on this page), `next_url` to newer ones (after_id = the first), keeping the filters.
 */
export function renderList(page: TranscriptPage, query: TranscriptListQuery, baseUrl: string, currentPath: string) {
  const pageUrl = (cursor: Record<string, string>) => {
    const params = new URLSearchParams({ limit: String(page.limit) });
    if (query.status) params.set('status', query.status);
    if (query.createdOn) params.set('created_on', query.createdOn);
    for (const [k, v] of Object.entries(cursor)) params.set(k, v);
    return `${baseUrl}/v2/transcript?${params}`;
  };
  const first = page.transcripts[0];
  const last = page.transcripts[page.transcripts.length - 1];
  return {
    page_details: {
      limit: page.limit,
      result_count: page.transcripts.length,
      current_url: `${baseUrl}${currentPath}`,
      prev_url: page.hasOlder && last ? pageUrl({ before_id: last.id }) : null,
      next_url: page.hasNewer && first ? pageUrl({ after_id: first.id }) : null,
    },
    transcripts: page.transcripts.map((t) => renderListItem(t, baseUrl)),
  };
}

export function renderDeliveries(record: TranscriptRecord, deliveries: WebhookDelivery[]) {
  return {
    transcript_id: record.id,
    webhook_url: record.webhookUrl,
    // The log keeps only each URL's origin; the URL itself is the transcript's (sealed), never changed.
    deliveries: deliveries.map((d) => ({ attempt: d.attempt, url: record.webhookUrl ?? d.url, status_code: d.statusCode, error: d.error, at: d.at })),
  };
}
