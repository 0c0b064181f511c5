import { randomUUID } from 'node:crypto';
import { toAssemblyAiJson } from '../transcript/format-assemblyai.js';
import { toSrt } from '../transcript/format-srt.js';
import { toTimestamps } from '../transcript/format-timestamps.js';
import { toText } from '../transcript/format-txt.js';
import { toVtt } from '../transcript/format-vtt.js';
import type { Transcript } from '../transcript/model.js';

export const OUTPUT_FORMATS = ['txt', 'json', 'srt', 'vtt', 'timestamps'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export function renderTranscript(transcript: Transcript, format: OutputFormat, audioUrl = ''): string {
  switch (format) {
    case 'txt':
      return withNewline(toText(transcript));
    case 'json':
      return JSON.stringify(toAssemblyAiJson(transcript, { id: randomUUID(), audio_url: audioUrl, status: 'completed' }), null, 2) + '\n';
    case 'srt':
      return toSrt(transcript);
    case 'vtt':
      return toVtt(transcript);
    case 'timestamps':
      return withNewline(toTimestamps(transcript));
  }
}

function withNewline(text: string): string {
  return text.length === 0 || text.endsWith('\n') ? text : text + '\n';
}
