import type { TopicDetectionResult } from './topics.js';

/** The file-level topic summary, best first, as percentages; at most `limit` lines. */
export function renderTopics(result: TopicDetectionResult, limit = 10): string {
  const entries = Object.entries(result.summary).sort((a, b) => b[1] - a[1]).slice(0, limit);
  if (entries.length === 0) return '(no topics detected)';
  const width = Math.max(...entries.map(([label]) => label.length));
  return entries.map(([label, relevance]) => `${label.padEnd(width)}  ${Math.round(relevance * 100)}%`).join('\n');
}
