import { EarshotError } from '../errors.js';
import type { Transcript } from '../transcript/model.js';
import { autoChapters, type Chapter } from './chapters/chapters.js';
import { renderChapters } from './chapters/render.js';
import { detectEntities } from './entities/entities.js';
import { renderEntities } from './entities/render.js';
import type { Entity } from './entities/types.js';
import { autoHighlights, type AutoHighlightsResult } from './highlights/highlights.js';
import { renderHighlights } from './highlights/render.js';
import type { LlmConfig } from './llm/config.js';
import type { Generated, LlmFallback } from './llm/fallback.js';
import { filterTranscriptProfanity } from './safety/profanity.js';
import type { SpeakerIdentificationRequest } from './speakers/identification/identify.js';
import { renderSafety } from './safety/render.js';
import { detectContentSafety, type ContentSafetyResult } from './safety/safety.js';
import { renderSentiment } from './sentiment/render.js';
import { analyzeSentiment, type SentimentResult } from './sentiment/sentiment.js';
import { parseSummaryModel, parseSummaryType, type SummaryModel, type SummaryType } from './summary/options.js';
import { renderSummary } from './summary/render.js';
import { summarize } from './summary/summary.js';
import { renderTopics } from './topics/render.js';
import { detectCustomTopics } from './topics/custom-topics.js';
import { detectTopics, type TopicDetectionResult } from './topics/topics.js';

/** The AssemblyAI request options this module honours (names and meanings as in the API). */
export interface AnalyzeOptions {
  summarization?: boolean | null;
  summary_type?: SummaryType | null;
  summary_model?: SummaryModel | null;
  auto_chapters?: boolean | null;
  iab_categories?: boolean | null;
  /** Classify against `topics` instead of the IAB taxonomy (topics/custom-topics.ts). */
  custom_topics?: boolean | null;
  topics?: string[] | null;
  content_safety?: boolean | null;
  /** 25..100, default 50. */
  content_safety_confidence?: number | null;
  /** Analyses read the masked words, so summaries and chapters never quote profanity. */
  filter_profanity?: boolean | null;
  entity_detection?: boolean | null;
  sentiment_analysis?: boolean | null;
  auto_highlights?: boolean | null;
}

export interface AnalyzeContext {
  /** The chat endpoint for summaries and chapter titles (llmConfigFromEnv()); offline without it. */
  llm?: LlmConfig;
  signal?: AbortSignal;
  /** Told each time a feature used its offline method because the LLM failed. */
  onFallback?: (fallback: LlmFallback) => void;
}

/** The AssemblyAI transcript fields these analyses fill; each is present only when requested. */
export interface IntelligenceResult {
  summary?: string;
  chapters?: Chapter[];
  iab_categories_result?: TopicDetectionResult;
  content_safety_labels?: ContentSafetyResult;
  entities?: Entity[];
  sentiment_analysis_results?: SentimentResult[];
  auto_highlights_result?: AutoHighlightsResult;
  /** Set by the pipeline when speaker identification ran (src/intelligence/speakers/identification). */
  speech_understanding?: {
    /** The request's `speech_understanding` as sent (the SDK's SpeechUnderstandingResponse.request). */
    request: { request: { speaker_identification: SpeakerIdentificationRequest } };
    response: { speaker_identification: { status: 'success'; mapping: Record<string, string> } };
  };
}

/**
 * Runs the requested analyses on a transcript (issue 7, items 3–6). Options are checked before
 * anything runs, so a bad summary_type fails fast. The analyses share one NLP pass and run
 * concurrently: the LLM-backed ones start first, and the offline ones compute while their HTTP
 * requests are in flight. With `filter_profanity` the analyses see masked words; the caller masks
 * the transcript it returns with filterTranscriptProfanity().
 */
export async function analyzeTranscript(transcript: Transcript, options: AnalyzeOptions, context: AnalyzeContext = {}): Promise<IntelligenceResult> {
  const summaryType = options.summarization ? parseSummaryType(options.summary_type) : undefined;
  const summaryModel = options.summarization ? parseSummaryModel(options.summary_model) : undefined;
  const threshold = options.content_safety_confidence;
  if (threshold != null && (!Number.isInteger(threshold) || threshold < 25 || threshold > 100)) {
    throw new EarshotError('invalid_request', `content_safety_confidence must be a whole number from 25 to 100; got ${threshold}`);
  }
  context.signal?.throwIfAborted();
  const source = options.filter_profanity ? filterTranscriptProfanity(transcript) : transcript;
  const generation = { llm: context.llm, signal: context.signal };
  const report = <T>(generated: Generated<T>): T => {
    if (generated.fallback) context.onFallback?.(generated.fallback);
    return generated.value;
  };

  const result: IntelligenceResult = {};
  const tasks: Promise<void>[] = [];
  const run = (enabled: boolean | null | undefined, task: () => Promise<void> | void) => {
    if (!enabled) return;
    tasks.push(
      (async () => {
        context.signal?.throwIfAborted();
        await task();
      })(),
    );
  };
  run(options.summarization, async () => {
    result.summary = report(await summarize(source, { summary_type: summaryType, summary_model: summaryModel }, generation));
  });
  run(options.auto_chapters, async () => {
    result.chapters = report(await autoChapters(source, generation));
  });
  const customTopics = options.custom_topics === true ? (options.topics ?? []) : [];
  run(options.iab_categories || customTopics.length > 0, () => {
    result.iab_categories_result = customTopics.length > 0 ? detectCustomTopics(source, customTopics) : detectTopics(source);
  });
  run(options.content_safety, () => {
    result.content_safety_labels = detectContentSafety(source, { content_safety_confidence: threshold });
  });
  run(options.entity_detection, () => {
    result.entities = detectEntities(source);
  });
  run(options.sentiment_analysis, () => {
    result.sentiment_analysis_results = analyzeSentiment(source);
  });
  run(options.auto_highlights, () => {
    result.auto_highlights_result = autoHighlights(source);
  });
  await Promise.all(tasks);
  return orderFields(result);
}

const FIELD_ORDER = ['summary', 'chapters', 'iab_categories_result', 'auto_highlights_result', 'entities', 'sentiment_analysis_results', 'content_safety_labels'] as const;

/** Tasks finish in any order; JSON output should not depend on which finished first. */
function orderFields(result: IntelligenceResult): IntelligenceResult {
  const ordered: Record<string, unknown> = {};
  for (const key of FIELD_ORDER) if (result[key] !== undefined) ordered[key] = result[key];
  return ordered as IntelligenceResult;
}

/**
 * The results as readable text for `--format txt` (issue 7, item 8): one titled section per
 * analysis that ran, chapters under "HH:MM:SS Headline" headings. Empty string when none ran.
 */
export function renderIntelligenceText(result: IntelligenceResult): string {
  const sections: [string, string | undefined][] = [
    ['Summary', result.summary !== undefined ? renderSummary(result.summary) || '(nothing to summarise)' : undefined],
    ['Chapters', result.chapters ? renderChapters(result.chapters) || '(no chapters)' : undefined],
    ['Topics', result.iab_categories_result ? renderTopics(result.iab_categories_result) : undefined],
    ['Highlights', result.auto_highlights_result ? renderHighlights(result.auto_highlights_result) : undefined],
    ['Entities', result.entities ? renderEntities(result.entities) : undefined],
    ['Sentiment', result.sentiment_analysis_results ? renderSentiment(result.sentiment_analysis_results) : undefined],
    ['Content safety', result.content_safety_labels ? renderSafety(result.content_safety_labels) : undefined],
  ];
  return sections
    .filter((s): s is [string, string] => s[1] !== undefined)
    .map(([title, body]) => `${title}\n${'-'.repeat(title.length)}\n${body}\n`)
    .join('\n');
}
