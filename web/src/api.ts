// The page's only way to the server: Earshot's public API on the same origin, with the user's key.
// The key lives in sessionStorage: it is gone when the tab closes, and sign-out removes it.

const KEY = 'earshot.apiKey';

export function storedKey(): string | null {
  return sessionStorage.getItem(KEY);
}
export function storeKey(key: string): void {
  sessionStorage.setItem(KEY, key);
}
export function forgetKey(): void {
  sessionStorage.removeItem(KEY);
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface Word {
  text: string;
  start: number;
  end: number;
  confidence: number;
  speaker?: string | null;
}
export interface Utterance {
  speaker: string;
  start: number;
  end: number;
  text: string;
  words: Word[];
}
export interface Chapter {
  start: number;
  end: number;
  headline: string;
  gist: string;
  summary: string;
}
export interface Transcript {
  id: string;
  status: 'queued' | 'processing' | 'completed' | 'error';
  error?: string | null;
  text?: string | null;
  words?: Word[] | null;
  utterances?: Utterance[] | null;
  audio_url: string;
  audio_duration?: number | null;
  confidence?: number | null;
  summary?: string | null;
  chapters?: Chapter[] | null;
  iab_categories_result?: { status: string; results: { text: string; labels: { label: string; relevance: number }[] }[]; summary: Record<string, number> } | null;
  entities?: { entity_type: string; text: string; start: number; end: number }[] | null;
  sentiment_analysis_results?: { text: string; start: number; end: number; sentiment: 'POSITIVE' | 'NEUTRAL' | 'NEGATIVE'; confidence: number; speaker?: string | null }[] | null;
  content_safety_labels?: { status: string; results: { text: string; labels: { label: string; confidence: number; severity: number | null }[]; timestamp: { start: number; end: number } }[]; summary: Record<string, number> } | null;
  auto_highlights_result?: { status: string; results: { text: string; count: number; rank: number; timestamps: { start: number; end: number }[] }[] } | null;
  [field: string]: unknown;
}
export interface ListItem {
  id: string;
  status: Transcript['status'];
  created: string;
  completed: string | null;
  audio_url: string;
  error: string | null;
}
export interface ListPage {
  page_details: { limit: number; result_count: number; current_url: string; prev_url: string | null; next_url: string | null };
  transcripts: ListItem[];
}
export interface Paragraph {
  text: string;
  start: number;
  end: number;
  confidence: number;
  words: Word[];
}

async function errorOf(response: Response): Promise<ApiError> {
  let message = `${response.status} ${response.statusText}`;
  try {
    const body = (await response.json()) as { error?: string };
    if (body.error) message = body.error;
  } catch {
    // Not JSON: keep the status line.
  }
  return new ApiError(response.status, message);
}

export async function call(path: string, init: { method?: string; json?: unknown; key?: string } = {}): Promise<Response> {
  const key = init.key ?? storedKey();
  const headers: Record<string, string> = {};
  if (key) headers.authorization = key;
  if (init.json !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, { method: init.method ?? 'GET', headers, body: init.json === undefined ? undefined : JSON.stringify(init.json) });
  } catch {
    throw new ApiError(0, 'The server cannot be reached. Is Earshot still running?');
  }
  if (!response.ok) throw await errorOf(response);
  return response;
}

export const api = {
  /** A key is good when it can list its project's transcripts. */
  check: (key: string) => call('/v2/transcript?limit=1', { key }).then(() => undefined),
  list: (query: Record<string, string>) => call(`/v2/transcript?${new URLSearchParams(query)}`).then((r) => r.json() as Promise<ListPage>),
  get: (id: string) => call(`/v2/transcript/${encodeURIComponent(id)}`).then((r) => r.json() as Promise<Transcript>),
  paragraphs: (id: string) =>
    call(`/v2/transcript/${encodeURIComponent(id)}/paragraphs`).then((r) => r.json() as Promise<{ paragraphs: Paragraph[] }>).then((b) => b.paragraphs),
  captions: (id: string, format: 'srt' | 'vtt') => call(`/v2/transcript/${encodeURIComponent(id)}/${format}`).then((r) => r.text()),
  remove: (id: string) => call(`/v2/transcript/${encodeURIComponent(id)}`, { method: 'DELETE' }).then(() => undefined),
  create: (body: Record<string, unknown>) => call('/v2/transcript', { method: 'POST', json: body }).then((r) => r.json() as Promise<Transcript>),
  streamToken: () => call('/v3/token?expires_in_seconds=60').then((r) => r.json() as Promise<{ token: string }>).then((b) => b.token),
};

/**
 * POST /v2/upload with XMLHttpRequest, the one browser API that reports upload progress.
 * Resolves with the upload_url to transcribe.
 */
export function upload(file: Blob, onProgress: (fraction: number) => void, signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/v2/upload');
    const key = storedKey();
    if (key) xhr.setRequestHeader('authorization', key);
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    xhr.onload = () => {
      let body: { upload_url?: string; error?: string } = {};
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        // handled below
      }
      if (xhr.status === 200 && body.upload_url) return resolve(body.upload_url);
      const message =
        xhr.status === 413
          ? `The file is larger than this server accepts${body.error ? ` (${body.error})` : ''}.`
          : (body.error ?? `Upload failed: ${xhr.status} ${xhr.statusText}`);
      reject(new ApiError(xhr.status, message));
    };
    xhr.onerror = () => reject(new ApiError(0, 'The upload was interrupted: the server cannot be reached.'));
    xhr.onabort = () => reject(new ApiError(0, 'The upload was cancelled.'));
    signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(file);
  });
}
