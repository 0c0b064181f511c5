import type { NewTranscript, Store } from '../../src/store/store.js';

/** A transcript request with every sealed field filled, so tests see all of them round-trip. */
export function transcriptInput(projectId: string, overrides: Partial<NewTranscript> = {}): NewTranscript {
  return {
    projectId,
    audioKind: 'url',
    audioUrl: 'https://audio.example/clip.mp3?X-Amz-Signature=secret',
    options: { speaker_labels: true, word_boost: ['Earshot'] },
    speechModel: 'pocketsphinx',
    webhookUrl: 'https://hooks.example/earshot',
    webhookAuthHeaderName: 'X-Hook-Token',
    webhookAuthHeaderValue: 'hook-secret',
    ...overrides,
  };
}

export function resultWith(text: string): Record<string, unknown> {
  const words = text.split(' ').map((w, i) => ({ text: w, start: i * 300, end: i * 300 + 250, confidence: 0.9, speaker: 'A' }));
  return { text, words, confidence: 0.9, utterances: [{ speaker: 'A', text, start: 0, end: words.length * 300, words }] };
}

/** Runs a transcript through the worker's transitions to `completed`. */
export async function completed(store: Store, projectId: string, text: string, overrides: Partial<NewTranscript> = {}) {
  const t = await store.createTranscript(transcriptInput(projectId, overrides));
  if (!(await store.markProcessing(t.id))) throw new Error('markProcessing refused');
  if (!(await store.completeTranscript(t.id, { result: resultWith(text), audioDuration: 12.5 }))) throw new Error('complete refused');
  return t;
}
