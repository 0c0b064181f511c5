import { readFile, writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { addIntelligenceOptions, analysisOptions, LLM_HELP, redactionOptions, type IntelligenceFlags } from '../intelligence-flags.js';
import { EarshotError } from '../../errors.js';
import { analyzeTranscript, renderIntelligenceText, type AnalyzeOptions } from '../../intelligence/analyze.js';
import { llmConfigFromEnv } from '../../intelligence/llm/config.js';
import { redactPii } from '../../intelligence/redaction/redact-transcript.js';
import { filterTranscriptProfanity } from '../../intelligence/safety/profanity.js';
import { joinWords } from '../../transcript/text.js';
import { parseTranscript } from '../../transcript/parse.js';
import type { Transcript } from '../../transcript/model.js';

interface AnalyzeFlags extends IntelligenceFlags {
  format: 'txt' | 'json';
  output?: string;
}

/**
 * `earshot analyze FILE` (issue 7, item 9): audio intelligence on a transcript that already
 * exists, read as `HH:MM:SS text` lines, SRT, WebVTT or AssemblyAI JSON (detected from the
 * content). With no analysis flag every analysis runs. JSON output uses AssemblyAI's field names.
 */
export function registerAnalyzeCommand(program: Command): void {
  const command = program
    .command('analyze')
    .description('summarise, chapter and analyse an existing transcript (HH:MM:SS lines, SRT, WebVTT or AssemblyAI JSON)')
    .argument('<file>', 'transcript file');
  addIntelligenceOptions(command)
    .addOption(new Option('-f, --format <format>', 'output format').choices(['txt', 'json']).default('txt'))
    .option('-o, --output <file>', 'write the result to a file instead of stdout')
    .addHelpText('after', LLM_HELP)
    .action(async (file: string, flags: AnalyzeFlags) => {
      const llm = flags.llm ? llmConfigFromEnv() : undefined;
      let transcript = parseTranscript(await readTranscriptFile(file));
      const options = analysisOptions(flags, true);
      // Redaction comes first, so no analysis (and no LLM prompt) ever sees the PII.
      const redaction = redactionOptions(flags);
      const redact = redaction !== undefined;
      if (redaction) transcript = redactPii(transcript, redaction).transcript;
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
