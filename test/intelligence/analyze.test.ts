import type {
  AutoHighlightsResult as SdkHighlights,
  Chapter as SdkChapter,
  ContentSafetyLabelsResult as SdkSafety,
  Entity as SdkEntity,
  SentimentAnalysisResult as SdkSentiment,
  TopicDetectionModelResult as SdkTopics,
  Transcript as SdkTranscript,
} from 'assemblyai';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isEarshotError } from '../../src/errors.js';
import { analyzeTranscript, renderIntelligenceText, type IntelligenceResult } from '../../src/intelligence/analyze.js';
import { repeatSentences, spoken } from './helpers/transcript.js';

const transcript = spoken(
  repeatSentences(
    [
      { text: 'Sourdough bread needs a lively starter made from flour and water.', speaker: 'A' },
      { text: 'I love how the crust turns dark and crackly in a hot oven.', speaker: 'B' },
      { text: 'John Smith from London bakes his loaves in a cast iron pot.', speaker: 'A' },
      { text: 'That damn oven burned my bread again, which was terrible.', speaker: 'B' },
    ],
    24,
  ),
);

const ALL = {
  summarization: true,
  auto_chapters: true,
  iab_categories: true,
  content_safety: true,
  entity_detection: true,
  sentiment_analysis: true,
  auto_highlights: true,
} as const;

test('every requested analysis fills its AssemblyAI field, and only those', async () => {
  const all = await analyzeTranscript(transcript, ALL);
  assert.deepEqual(Object.keys(all), ['summary', 'chapters', 'iab_categories_result', 'auto_highlights_result', 'entities', 'sentiment_analysis_results', 'content_safety_labels']);
  assert.match(all.summary!, /^- /);
  assert.equal(Object.keys(all.iab_categories_result!.summary)[0], 'FoodAndDrink>Cooking');
  assert.ok(all.entities!.some((e) => e.entity_type === 'person_name' && e.text === 'John Smith'));
  assert.ok(all.sentiment_analysis_results!.some((s) => s.sentiment === 'NEGATIVE' && s.speaker === 'B'));
  assert.ok(all.content_safety_labels!.results.some((r) => r.labels.some((l) => l.label === 'profanity')));

  const some = await analyzeTranscript(transcript, { entity_detection: true, summarization: false });
  assert.deepEqual(Object.keys(some), ['entities']);
  assert.deepEqual(await analyzeTranscript(transcript, {}), {});
});

test('the results have exactly the types of the assemblyai SDK', async () => {
  const r: IntelligenceResult = await analyzeTranscript(transcript, ALL);
  // These assignments are the check: a field whose name or type differs fails type-checking.
  const sdk: Partial<SdkTranscript> = r;
  const chapters: SdkChapter[] = r.chapters!;
  const topics: SdkTopics = r.iab_categories_result!;
  const safety: SdkSafety = r.content_safety_labels!;
  const entities: SdkEntity[] = r.entities!;
  const sentiment: SdkSentiment[] = r.sentiment_analysis_results!;
  const highlights: SdkHighlights = r.auto_highlights_result!;
  assert.ok(sdk && chapters.length > 0 && topics.results.length > 0 && safety.status === 'success');
  assert.ok(entities.length > 0 && sentiment.length > 0 && highlights.results.length > 0);
});

test('with filter_profanity the analyses quote masked words', async () => {
  const plain = await analyzeTranscript(transcript, { sentiment_analysis: true });
  const filtered = await analyzeTranscript(transcript, { sentiment_analysis: true, filter_profanity: true });
  assert.ok(plain.sentiment_analysis_results!.some((s) => s.text.includes('damn oven')));
  assert.ok(!filtered.sentiment_analysis_results!.some((s) => s.text.includes('damn')));
  assert.ok(filtered.sentiment_analysis_results!.some((s) => s.text.includes('That d*** oven')));
});

test('bad options are refused before anything runs', async () => {
  await assert.rejects(analyzeTranscript(transcript, { summarization: true, summary_type: 'long' as never }), (err) => isEarshotError(err, 'invalid_request'));
  await assert.rejects(analyzeTranscript(transcript, { content_safety: true, content_safety_confidence: 10 }), (err) => isEarshotError(err, 'invalid_request'));
  const controller = new AbortController();
  controller.abort(new Error('stop'));
  await assert.rejects(analyzeTranscript(transcript, ALL, { signal: controller.signal }), /stop/);
});

test('the text rendering has one titled section per analysis, chapters under HH:MM:SS headings', async () => {
  const text = renderIntelligenceText(await analyzeTranscript(transcript, ALL));
  const titles = text.split('\n').filter((line, i, lines) => /^-+$/.test(lines[i + 1] ?? '') && lines[i + 1].length === line.length);
  assert.deepEqual(titles, ['Summary', 'Chapters', 'Topics', 'Highlights', 'Entities', 'Sentiment', 'Content safety']);
  assert.match(text, /\nChapters\n-{8}\n00:00:00 \S/);
  assert.match(text, /FoodAndDrink>Cooking +\d+%/);
  assert.match(text, /person_name: John Smith/);
  assert.match(text, /profanity \d+% \((low|medium|high) severity\)/);
  assert.equal(renderIntelligenceText({}), '');
  assert.equal(renderIntelligenceText({ summary: '- one' }), 'Summary\n-------\n- one\n');
});
