/**
 * `earshot bench [--audio DIR|MANIFEST] [--engine E] [--model M] [--history FILE]` and
 * `earshot bench report [--history FILE] [-o report.html]` (issue #8 item 2).
 */
import { writeFile } from 'node:fs/promises';
import { InvalidArgumentError, type Command } from 'commander';
import { appendRecord, defaultHistoryPath, readHistory, type BenchRecord } from '../../bench/history.js';
import { findRegressions, METRICS } from '../../bench/regressions.js';
import { renderReport } from '../../bench/report.js';
import { resolveAudioSet, runBenchmark } from '../../bench/run.js';
import { cardName } from '../../engines/models/card.js';
import { ModelRegistry } from '../../engines/models/registry.js';
import { DEFAULT_ENGINE } from '../../engines/registry.js';

export interface BenchCommandIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

interface BenchFlags {
  audio?: string;
  engine: string;
  model?: string;
  history?: string;
  label?: string;
  threshold: number;
  json?: boolean;
  record: boolean;
}

export function registerBenchCommand(program: Command, io: BenchCommandIO = { stdout: process.stdout, stderr: process.stderr }): void {
  const print = (line: string) => io.stdout.write(line + '\n');
  const bench = program
    .command('bench')
    .description('real-time factor, throughput and peak memory of an engine and model (measured in a fresh process), appended to a history')
    .option('--audio <dir|manifest>', `a directory of audio files or an eval manifest (default: the LibriVox clips of pocketsphinx-testdata)`)
    .option('-e, --engine <name>', 'speech engine (see `earshot engines`)', DEFAULT_ENGINE)
    .option('-m, --model <name>', "model name or path (default: the engine's default model)")
    .option('--history <file>', 'history to append to (default: $EARSHOT_DATA_DIR/bench-history.jsonl or ./.earshot/bench-history.jsonl)')
    .option('--label <text>', 'note stored with the run (a commit, a setting being tried)')
    .option('--threshold <fraction>', 'relative change against the previous median that counts as a regression', fraction, 0.2)
    .option('--json', 'print the record as JSON')
    .option('--no-record', "don't store the RTF on the model's card (`earshot models list`)")
    .action(async (flags: BenchFlags) => {
      const audio = await resolveAudioSet(flags.audio);
      const record = await runBenchmark({ engine: flags.engine, model: flags.model, audio, label: flags.label });
      const historyPath = flags.history ?? defaultHistoryPath();
      await appendRecord(historyPath, record);
      if (flags.record) await recordOnCard(record, io);
      const { records } = await readHistory(historyPath);
      // This run is the newest record of its series (history sorted by date).
      const index = records.findIndex((r) => r.date === record.date && r.engine === record.engine && r.model === record.model);
      const flagged = findRegressions(records, { threshold: flags.threshold }).filter((r) => r.index === index);
      if (flags.json) {
        print(JSON.stringify({ ...record, regressions: flagged.map((r) => ({ metric: r.metric, value: r.value, median: r.median, change: r.change })) }, null, 2));
      } else {
        print(formatRecord(record));
        for (const r of flagged) {
          const spec = METRICS.find((m) => m.name === r.metric)!;
          print(`REGRESSED: ${spec.label} ${r.value.toFixed(3)} against a previous median of ${r.median.toFixed(3)} (${r.change > 0 ? '+' : ''}${(r.change * 100).toFixed(1)}%)`);
        }
        print(`appended to ${historyPath}`);
      }
    });

  bench
    .command('report')
    .description('write an HTML page with a chart per metric over time, flagging runs that regressed')
    .option('--history <file>', 'history to read (default: as for `earshot bench`)')
    .option('-o, --output <file>', 'where to write the page', 'bench-report.html')
    .option('--threshold <fraction>', 'relative change against the previous median that counts as a regression (default 0.2)', fraction)
    .action(async (own: { history?: string; output: string; threshold?: number }, command: Command) => {
      // `bench` has --history and --threshold of its own, and commander hands an option to the
      // parent when both define it, so the two are merged.
      const flags = { ...command.optsWithGlobals<{ history?: string; threshold: number }>(), ...stripUndefined(own), output: own.output };
      const historyPath = flags.history ?? defaultHistoryPath();
      const { records, skippedLines } = await readHistory(historyPath);
      await writeFile(flags.output, renderReport(records, { threshold: flags.threshold, source: historyPath }));
      const regressions = findRegressions(records, { threshold: flags.threshold });
      print(`${flags.output}: ${records.length} runs, ${regressions.length} regression${regressions.length === 1 ? '' : 's'} flagged.`);
      if (skippedLines.length > 0) io.stderr.write(`earshot: skipped unreadable history lines ${skippedLines.join(', ')} in ${historyPath}\n`);
    });
}

function formatRecord(r: BenchRecord): string {
  return [
    `${r.engine}/${r.model} on ${r.audio.files} files (${(r.audio.durationMs / 1000).toFixed(1)} s of audio)`,
    `  real-time factor ${r.rtf.toFixed(3)}  throughput ${r.throughput.toFixed(2)} audio s/s  peak RSS ${r.peakRssMiB.toFixed(0)} MiB  (model load ${(r.loadMs / 1000).toFixed(2)} s, ${r.words} words)`,
  ].join('\n');
}

async function recordOnCard(r: BenchRecord, io: BenchCommandIO): Promise<void> {
  try {
    await new ModelRegistry().recordMeasurement(cardName(r.engine, r.model), {
      rtf: { rtf: r.rtf, throughput: r.throughput, peakRssMiB: r.peakRssMiB, audio: r.audio.source, date: r.date, earshotVersion: r.earshotVersion },
    });
  } catch (error) {
    if ((error as { code?: string }).code !== 'model_unknown') io.stderr.write(`earshot: the RTF was not stored on the model card: ${(error as Error).message}\n`);
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function fraction(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive fraction, e.g. 0.2 for 20%');
  return n;
}
