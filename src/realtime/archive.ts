/**
 * `--store-streams`: a finished streaming session's final turns saved as a completed transcript of
 * the key's project, so it lists and renders like any other (GET /v2/transcript/:id, captions…).
 * Off by default: streaming audio is never stored, and its text only when this setting asks.
 */
import { toStoredResult } from '../queue/stored-result.js';
import type { Store } from '../store/store.js';
import type { Segment, Transcript, Word } from '../transcript/model.js';

/** Where such a transcript says its audio came from: the session, whose audio was not kept. */
export function streamAudioUrl(sessionId: string): string {
  return `earshot-stream:${sessionId}`;
}

export async function archiveSession(
  store: Store,
  projectId: string,
  session: { id: string; audioSeconds: number; finalTurns: Word[][]; model: string },
): Promise<string> {
  // One segment per turn: sentences, paragraphs and captions read turns as the pipeline's VAD segments.
  const segments: Segment[] = session.finalTurns.filter((t) => t.length > 0).map((words) => ({ start: words[0].start, end: words.at(-1)!.end, words }));
  const transcript: Transcript = { words: segments.flatMap((s) => s.words), segments, durationMs: Math.round(session.audioSeconds * 1000), language: 'en', model: session.model };
  const record = await store.createTranscript({ projectId, audioKind: 'upload', audioUrl: streamAudioUrl(session.id), options: { streaming: true }, speechModel: session.model });
  await store.markProcessing(record.id);
  await store.completeTranscript(record.id, { result: toStoredResult(transcript), audioDuration: session.audioSeconds, speechModel: session.model });
  return record.id;
}
