import { Option, type Command } from 'commander';
import type { AnalyzeOptions } from '../intelligence/analyze.js';
import { SUPPORTED_PII_POLICIES, type PiiPolicy, type SubstitutionPolicy } from '../intelligence/redaction/policies.js';
import { SUMMARY_MODELS, SUMMARY_TYPES, type SummaryModel, type SummaryType } from '../intelligence/summary/options.js';

/** The audio-intelligence flags `earshot transcribe` and `earshot analyze` share. */
export interface IntelligenceFlags {
  chapters?: boolean;
  summary?: boolean;
  summaryType?: SummaryType;
  summaryModel?: SummaryModel;
  topics?: boolean;
  entities?: boolean;
  sentiment?: boolean;
  highlights?: boolean;
  safety?: boolean;
  filterProfanity?: boolean;
  redactPii?: boolean;
  redactPiiPolicies?: string[];
  redactPiiSub: SubstitutionPolicy;
  llm: boolean;
}

export function addIntelligenceOptions(command: Command): Command {
  return command
    .option('--chapters', 'auto chapters (start, end, headline, gist, summary)')
    .option('--summary', 'a summary (see --summary-type)')
    .addOption(new Option('--summary-type <type>', 'summary format; implies --summary').choices(SUMMARY_TYPES))
    .addOption(new Option('--summary-model <model>', 'summary tone for the LLM; implies --summary').choices(SUMMARY_MODELS))
    .option('--topics', 'IAB topic categories')
    .option('--entities', 'named entities')
    .option('--sentiment', 'sentiment per sentence')
    .option('--highlights', 'key phrases')
    .option('--safety', 'content safety labels')
    .option('--filter-profanity', 'mask profanity ("s***") in the transcript and the results')
    .option('--redact-pii', 'redact personal information (names, numbers, e-mails, places, …) before analysing')
    .option(
      '--redact-pii-policies <list>',
      `comma-separated AssemblyAI policies to redact (default: all supported: ${SUPPORTED_PII_POLICIES.join(', ')}); implies --redact-pii`,
      (value: string) => value.split(',').map((p) => p.trim()).filter(Boolean),
    )
    .addOption(new Option('--redact-pii-sub <sub>', 'replace PII with "#" per character or with [POLICY_NAME]').choices(['hash', 'entity_name']).default('hash'))
    .option('--no-llm', 'use the offline methods even when EARSHOT_LLM_BASE_URL is set');
}

export const LLM_HELP =
  '\nSummaries and chapter titles are written by an OpenAI-compatible chat model when EARSHOT_LLM_BASE_URL and\n' +
  'EARSHOT_LLM_MODEL (and optionally EARSHOT_LLM_API_KEY, EARSHOT_LLM_TIMEOUT_MS) are set; otherwise, or when the\n' +
  'endpoint fails, they are extracted offline.';

/** `everyWhenNone`: with no analysis flag at all, run every analysis (what `analyze` does). */
export function analysisOptions(flags: IntelligenceFlags, everyWhenNone: boolean): AnalyzeOptions {
  const summary = flags.summary || flags.summaryType !== undefined || flags.summaryModel !== undefined;
  const chosen = [summary, flags.chapters, flags.topics, flags.entities, flags.sentiment, flags.highlights, flags.safety];
  const all = everyWhenNone && !chosen.some(Boolean);
  return {
    summarization: all || summary,
    summary_type: flags.summaryType ?? null,
    summary_model: flags.summaryModel ?? null,
    auto_chapters: all || !!flags.chapters,
    iab_categories: all || !!flags.topics,
    entity_detection: all || !!flags.entities,
    sentiment_analysis: all || !!flags.sentiment,
    auto_highlights: all || !!flags.highlights,
    content_safety: all || !!flags.safety,
    filter_profanity: !!flags.filterProfanity,
  };
}

export function redactionOptions(flags: IntelligenceFlags): { policies: PiiPolicy[]; substitution: SubstitutionPolicy } | undefined {
  if (!flags.redactPii && flags.redactPiiPolicies === undefined) return undefined;
  return { policies: (flags.redactPiiPolicies ?? [...SUPPORTED_PII_POLICIES]) as PiiPolicy[], substitution: flags.redactPiiSub };
}
