import { randomUUID } from 'node:crypto';
import { renderIntelligenceText } from '../intelligence/analyze.js';
import type { FeatureOptions, FeatureResult } from '../pipeline/features.js';
import { toAssemblyAiJson } from '../transcript/format-assemblyai.js';
import { toSrt } from '../transcript/format-srt.js';
import { toTimestamps } from '../transcript/format-timestamps.js';
import { toText } from '../transcript/format-txt.js';
import { toVtt } from '../transcript/format-vtt.js';

export const OUTPUT_FORMATS = ['txt', 'json', 'srt', 'vtt', 'timestamps'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export function renderTranscript(result: FeatureResult, format: OutputFormat, context: { audioUrl: string; options: FeatureOptions }): string {
  const { transcript, intelligence } = result;
  switch (format) {
    case 'txt': {
      const sections = renderIntelligenceText(intelligence);
      return withNewline(toText(transcript)) + (sections ? `\n${withNewline(sections)}` : '');
    }
    case 'json': {
      const { options } = context;
      const json = {
        ...toAssemblyAiJson(transcript, {
          id: randomUUID(),
          audio_url: context.audioUrl,
          status: 'completed',
          speaker_labels: options.speaker_labels ?? false,
          speakers_expected: options.speakers_expected ?? null,
          auto_chapters: options.auto_chapters ?? false,
          auto_highlights: options.auto_highlights ?? false,
          summarization: options.summarization ?? false,
          iab_categories: options.iab_categories ?? false,
          content_safety: options.content_safety ?? false,
          entity_detection: options.entity_detection ?? false,
          sentiment_analysis: options.sentiment_analysis ?? false,
          filter_profanity: options.filter_profanity ?? false,
          redact_pii: options.redact_pii ?? false,
        }),
        ...intelligence,
      };
      return JSON.stringify(json, null, 2) + '\n';
    }
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
