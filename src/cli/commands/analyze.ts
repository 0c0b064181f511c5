import { readFile, writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { EarshotError } from '../../errors.js';
import { analyzeTranscript, renderIntelligenceText, type AnalyzeOptions } from '../../intelligence/analyze.js';
import { llmConfigFromEnv } from '../../intelligence/llm/config.js';
import { SUPPORTED_PII_POLICIES, type PiiPolicy, type SubstitutionPolicy } from '../../intelligence/redaction/policies.js';
import { redactPii } from '../../intelligence/redaction/redact-transcript.js';
import { filterTranscriptProfanity } from '../../intelligence/safety/profanity.js';
import { SUMMARY_MODELS, SUMMARY_TYPES, type SummaryModel, type SummaryType } from '../../intelligence/summary/options.js';
import { joinWords } from '../../transcript/text.js';
import { parseTranscript } from '../../transcript/parse.js';
import type { Transcript } from '../../transcript/model.js';

interface AnalyzeFlags {
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
  format: 'txt' | 'json';
  output?: string;
  llm: boolean;
}

/**
 * `earshot analyze FILE` (issue 7, item 9): audio intelligence on a transcript that already
 * exists, read as `HH:MM:SS text` lines, SRT, WebVTT or AssemblyAI JSON (detected from the
 * content). With no analysis flag every analysis runs. JSON output uses AssemblyAI's field names.
 */
export function registerAnalyzeCommand(program: Command): void {
  program
    .command('analyze')
    .description('summarise, chapter and analyse an existing transcript (HH:MM:SS lines, SRT, WebVTT or AssemblyAI JSON)')
    .argument('<file>', 'transcript file')
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
    .option('--redact-pii-policies <list>', `comma-separated AssemblyAI policies to redact (default: all supported: ${SUPPORTED_PII_POLICIES.join(', ')}); implies --redact-pii`, commaList)
    .addOption(new Option('--redact-pii-sub <sub>', 'replace PII with "#" per character or with [POLICY_NAME]').choices(['hash', 'entity_name']).default('hash'))
    .addOption(new Option('-f, --format <format>', 'output format').choices(['txt', 'json']).default('txt'))
    .option('-o, --output <file>', 'write the result to a file instead of stdout')
    .option('--no-llm', 'use the offline methods even when EARSHOT_LLM_BASE_URL is set')
    .addHelpText(
      'after',
      '\nSummaries and chapter titles are written by an OpenAI-compatible chat model when EARSHOT_LLM_BASE_URL and\n' +
        'EARSHOT_LLM_MODEL (and optionally EARSHOT_LLM_API_KEY, EARSHOT_LLM_TIMEOUT_MS) are set; otherwise, or when the\n' +
        'endpoint fails, they are extracted offline.',
    )
    .action(async (file: string, flags: AnalyzeFlags) => {
      const llm = flags.llm ? llmConfigFromEnv() : undefined;
      let transcript = parseTranscript(await readTranscriptFile(file));
      const options = analysisOptions(flags);
      // Redaction comes first, so no analysis (and no LLM prompt) ever sees the PII.
      const redact = flags.redactPii || flags.redactPiiPolicies !== undefined;
      if (redact) {
        const policies = (flags.redactPiiPolicies ?? [...SUPPORTED_PII_POLICIES]) as PiiPolicy[];
        transcript = redactPii(transcript, { policies, substitution: flags.redactPiiSub }).transcript;
      }
      if (options.filter_profanity) transcript = filterTranscriptProfanity(transcript);
      const changed = redact || !!options.filter_profanity;
      const result = await analyzeTranscript(transcript, options, {
        llm,
        onFallback: (f) => process.stderr.write(`earshot: the LLM could not write the ${f.feature} (${f.reason}); used the offline method\n`),
      });
      const rendered =
        flags.format === 'json'
          ? JSON.stringify(jsonOutput(transcript, options, changed, result), null, 2) + '\n'
          : textOutput(transcript, changed, renderIntelligenceText(result));
      if (flags.output) await writeFile(flags.output, rendered);
      else process.stdout.write(rendered);
    });
}

async function readTranscriptFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new EarshotError('invalid_request', `cannot read ${file}: ${reason}`, { cause: err });
  }
}

function analysisOptions(flags: AnalyzeFlags): AnalyzeOptions {
  const summary = flags.summary || flags.summaryType !== undefined || flags.summaryModel !== undefined;
  const chosen = [summary, flags.chapters, flags.topics, flags.entities, flags.sentiment, flags.highlights, flags.safety];
  const all = !chosen.some(Boolean);
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

function commaList(value: string): string[] {
  return value.split(',').map((p) => p.trim()).filter(Boolean);
}

/**
 * The requested options echoed as AssemblyAI does, then the results. The transcript's text is
 * included only when redaction or the profanity filter changed it, since the caller already has
 * the original.
 */
function jsonOutput(transcript: Transcript, options: AnalyzeOptions, changed: boolean, result: object): object {
  const echo: Record<string, unknown> = {};
  if (changed) echo.text = joinWords(transcript.words);
  if (options.summarization) {
    echo.summary_type = options.summary_type ?? 'bullets';
    echo.summary_model = options.summary_model ?? 'informative';
  }
  return { ...echo, ...result };
}

function textOutput(transcript: Transcript, changed: boolean, sections: string): string {
  if (!changed) return sections;
  return `Transcript\n----------\n${joinWords(transcript.words)}\n\n${sections}`;
}
