/**
 * `earshot eval --manifest FILE [--engine E] [--model M] [--output R.json]
 *   [--baseline OLD.json --max-regression 0.5] [--against-raw]` (issue #8 item 1): word and
 * character error rates per file, per condition and overall, optionally gated against an earlier
 * run, and with `--against-raw` beside those of the raw engine on the same files (issue #19).
 * Exit codes: 0 fine, 3 regression past the allowance, 1 a coded error (bad manifest, engine not
 * ready). `earshot eval --diarization` scores speaker labels on real-voice conversations instead,
 * and `earshot eval --intelligence [DIR]` chapters against reference chapters plus the speaker
 * labels' DER, kept in the bench history (issue 17). docs/evaluation.md.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CommanderError, InvalidArgumentError, type Command } from 'commander';
import { appendRecord, defaultHistoryPath, QUALITY_FORMAT } from '../../bench/history.js';
import { EarshotError } from '../../errors.js';
import { cardName } from '../../engines/models/card.js';
import { ModelRegistry } from '../../engines/models/registry.js';
import { DEFAULT_ENGINE, EngineCache } from '../../engines/registry.js';
import { formatConditionTable } from '../../eval/conditions.js';
import { evaluateDiarization, formatDiarization } from '../../eval/diarization/evaluate.js';
import { evaluate } from '../../eval/evaluate.js';
import { evaluateIntelligence, formatIntelligence, qualityFigures } from '../../eval/intelligence/evaluate.js';
import { compareResults, formatComparison } from '../../eval/gate.js';
import { readManifest } from '../../eval/manifest.js';
import { assertRawComparable, rawEngineFor } from '../../eval/raw-engine.js';
import { readResults, writeResults, type EvalResults } from '../../eval/results.js';
import { createProgress } from '../progress.js';

/** The exit code of a run that regressed past `--max-regression`. */
export const EXIT_REGRESSION = 3;

export interface EvalCommandIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WriteStream;
}

interface EvalFlags {
  manifest?: string;
  diarization?: boolean;
  intelligence?: string | boolean;
  history?: string;
  label?: string;
  der: boolean;
  turnMs?: number;
  engine: string;
  model?: string;
  output?: string;
  baseline?: string;
  maxRegression: number;
  json?: boolean;
  record: boolean;
  againstRaw?: boolean;
}

export function registerEvalCommand(program: Command, io: EvalCommandIO = { stdout: process.stdout, stderr: process.stderr }): void {
  program
    .command('eval')
    .description('word/character error rate of an engine and model on a manifest of audio + reference text, with an optional regression gate')
    .option('--manifest <file>', 'JSON Lines: {"audio": path or URL, "text": reference} per line (relative paths from the manifest\'s folder)')
    .option('--diarization', 'instead of WER: speaker diarization on real-voice conversations built from pocketsphinx-testdata and the JFK clip (DER, speaker count)')
    .option('--intelligence [dir]', 'instead of WER: chapters on a folder of transcripts with reference chapters (boundary F1 within ±60 s, title term overlap; default: the repository\'s eval/sets/intelligence) and DER on the real-voice conversations')
    .option('--history <file>', 'with --intelligence: the bench history to append the figures to (default $EARSHOT_DATA_DIR/bench-history.jsonl)')
    .option('--label <text>', 'with --intelligence: free text stored with the figures in the history')
    .option('--no-der', 'with --intelligence: chapters only, without the speaker labels on the real-voice conversations')
    .option('--turn-ms <ms>', 'with --diarization: cut the voices into turns of about this length (default 2500), to see how the figures hold on another build', positiveInteger)
    .option('-e, --engine <name>', 'speech engine (see `earshot engines`)', DEFAULT_ENGINE)
    .option('-m, --model <name>', 'model name or path (default: the engine\'s default model)')
    .option('-o, --output <file>', 'write the results (settings, per-file and overall figures) as JSON')
    .option('--baseline <file>', 'results of an earlier `earshot eval --output` to compare with')
    .option('--max-regression <points>', 'with --baseline: WER percentage points the run may be worse by before it fails (exit 3)', nonNegative, 0.5)
    .option('--json', 'print the results JSON instead of tables')
    .option('--no-record', "don't store the measured WER on the model's card (`earshot models list`), or with --intelligence the figures in the bench history")
    .option('--against-raw', 'also transcribe every file with pocketsphinx_continuous (same model) and print both WERs per condition and overall')
    .action(async (flags: EvalFlags) => {
      const print = (text: string) => io.stdout.write(text + '\n');
      if (flags.diarization) {
        const result = await evaluateDiarization(undefined, {}, undefined, flags.turnMs ? { pieceMs: flags.turnMs } : {});
        if (flags.output) await writeFile(flags.output, JSON.stringify(result, null, 2) + '\n');
        print(flags.json ? JSON.stringify(result, null, 2) : formatDiarization(result));
        return;
      }
      if (flags.intelligence) {
        const dir = resolve(typeof flags.intelligence === 'string' ? flags.intelligence : defaultReferenceSet());
        const result = await evaluateIntelligence(dir, { diarization: flags.der });
        if (flags.output) await writeFile(flags.output, JSON.stringify(result, null, 2) + '\n');
        if (flags.record) {
          const history = flags.history ?? defaultHistoryPath();
          await appendRecord(history, { format: QUALITY_FORMAT, date: result.date, earshotVersion: result.earshotVersion, kind: 'intelligence', source: dir, figures: qualityFigures(result), ...(flags.label ? { label: flags.label } : {}) });
          io.stderr.write(`earshot: figures appended to ${history}\n`);
        }
        print(flags.json ? JSON.stringify(result, null, 2) : formatIntelligence(result));
        return;
      }
      if (!flags.manifest) throw new EarshotError('invalid_request', 'earshot eval needs --manifest FILE (or --diarization, or --intelligence [DIR]).');
      if (flags.againstRaw) assertRawComparable(flags.engine);
      const entries = await readManifest(flags.manifest);
      // Read the baseline first: a typo in its path should fail before minutes of decoding.
      const baseline = flags.baseline ? await readResults(flags.baseline) : undefined;
      const engines = new EngineCache();
      const progress = createProgress(io.stderr);
      let results: EvalResults;
      try {
        const engine = await engines.get(flags.engine, { model: flags.model });
        const raw = flags.againstRaw ? rawEngineFor(engine) : undefined;
        progress.start(entries.length * (raw ? 2 : 1), `eval ${engine.name}/${engine.model}${raw ? ` and ${raw.name}` : ''}`);
        results = await evaluate(entries, engine, {
          manifest: resolve(flags.manifest),
          raw,
          onFile: (done) => progress.update(done),
        });
      } finally {
        progress.stop();
        await engines.close();
      }
      if (flags.output) await writeResults(flags.output, results);
      if (flags.record) await recordOnCard(results, io);

      if (flags.json) print(JSON.stringify(results, null, 2));
      else print(formatResults(results) + (results.conditions ? '\n\n' + formatConditionTable(results) : ''));

      if (baseline) {
        const comparison = compareResults(results, baseline, flags.maxRegression);
        const text = formatComparison(comparison, { baseline: `${baseline.engine}/${baseline.model} (${flags.baseline})`, current: `${results.engine}/${results.model}` });
        if (comparison.regressed) {
          io.stderr.write(text + '\n');
          throw new CommanderError(EXIT_REGRESSION, 'earshot.evalRegression', `WER regressed by ${comparison.deltaPoints} points`);
        }
        if (flags.json) io.stderr.write(text + '\n');
        else print('\n' + text);
      }
    });
}

/** Per-file and overall WER/CER with S/D/I counts, and the raw engine's WER when it ran. */
export function formatResults(r: EvalResults): string {
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  const rawById = new Map(r.raw?.files.map((f) => [f.id, f]));
  const rawWer = (id: string) => {
    const f = rawById.get(id);
    return f ? [f.error ? `${pct(f.wer)} (failed)` : pct(f.wer)] : [];
  };
  const rows = [
    ['FILE', 'WORDS', 'WER', 'S', 'D', 'I', 'CER', ...(r.raw ? ['RAW WER'] : [])],
    ...r.files.map((f) => [f.error ? `${f.id} (failed)` : f.id, String(f.words.reference), pct(f.wer), String(f.words.substitutions), String(f.words.deletions), String(f.words.insertions), pct(f.cer), ...rawWer(f.id)]),
    ['overall', String(r.totals.words.reference), pct(r.totals.wer), String(r.totals.words.substitutions), String(r.totals.words.deletions), String(r.totals.words.insertions), pct(r.totals.cer), ...(r.raw ? [pct(r.raw.totals.wer)] : [])],
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  const lines = [`${r.engine}/${r.model}, ${r.files.length} files, ${(r.totals.durationMs / 1000).toFixed(1)} s of audio, RTF ${r.totals.rtf.toFixed(2)}`];
  rows.forEach((row, i) => {
    if (i === rows.length - 1) lines.push(widths.map((w) => '-'.repeat(w)).join('  '));
    lines.push(row.map((cell, j) => (j === 0 ? cell.padEnd(widths[j]) : cell.padStart(widths[j]))).join('  '));
  });
  for (const f of r.files.filter((x) => x.error)) lines.push(`${f.id}: ${f.error}`);
  for (const f of r.raw?.files.filter((x) => x.error) ?? []) lines.push(`${f.id} (${r.raw!.engine}): ${f.error}`);
  return lines.join('\n');
}

/** Puts the overall WER on the model's card, when the model is one the registry knows. */
async function recordOnCard(results: EvalResults, io: EvalCommandIO): Promise<void> {
  const registry = new ModelRegistry();
  const name = cardName(results.engine, results.model);
  try {
    await registry.recordMeasurement(name, {
      wer: {
        wer: results.totals.wer,
        cer: results.totals.cer,
        manifest: results.manifest,
        files: results.totals.files,
        words: results.totals.words.reference,
        date: results.date,
        earshotVersion: results.earshotVersion,
      },
    });
  } catch (error) {
    // A model given by path has no card; that is not a failure of the evaluation.
    if ((error as { code?: string }).code !== 'model_unknown') io.stderr.write(`earshot: the WER was not stored on the model card: ${(error as Error).message}\n`);
  }
}

/** The reference set published in the repository; an installed package does not carry it. */
function defaultReferenceSet(): string {
  const dir = fileURLToPath(new URL('../../../eval/sets/intelligence/', import.meta.url));
  if (!existsSync(dir)) throw new EarshotError('invalid_request', `No chapter reference set at ${dir}: pass --intelligence DIR (transcripts with NAME.chapters.json beside them, see docs/evaluation.md).`);
  return dir;
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1000 || n > 10000) throw new InvalidArgumentError('expected whole milliseconds from 1000 to 10000');
  return n;
}

function nonNegative(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a non-negative number of percentage points');
  return n;
}
