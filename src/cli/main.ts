import { Command, CommanderError } from 'commander';
import { isEarshotError } from '../errors.js';
import { registerAnalyzeCommand } from './commands/analyze.js';
import { registerApiCommand } from './commands/api.js';
import { registerBenchCommand } from './commands/bench.js';
import { registerDoctorCommand } from './commands/doctor.js';
import { registerEnginesCommand } from './commands/engines.js';
import { registerEvalCommand } from './commands/eval.js';
import { registerKeysCommand } from './commands/keys.js';
import { registerModelsCommand } from './commands/models.js';
import { registerScaleCommand } from './commands/scale.js';
import { registerServeCommand } from './commands/serve.js';
import { registerStreamCommand } from './commands/stream.js';
import { registerTranscribeCommand } from './commands/transcribe.js';
import { registerWorkerCommand } from './commands/worker.js';

export function buildProgram(): Command {
  const program = new Command('earshot')
    .description('Self-hosted speech to text: transcribe files, serve an AssemblyAI-compatible API')
    .version(process.env.npm_package_version ?? '0.1.0')
    .showHelpAfterError();
  registerTranscribeCommand(program);
  registerServeCommand(program);
  registerApiCommand(program);
  registerWorkerCommand(program);
  registerKeysCommand(program);
  registerStreamCommand(program);
  registerEnginesCommand(program);
  registerDoctorCommand(program);
  registerModelsCommand(program);
  registerAnalyzeCommand(program);
  registerEvalCommand(program);
  registerBenchCommand(program);
  registerScaleCommand(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram().exitOverride();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (isEarshotError(error)) {
      process.stderr.write(`earshot: ${error.message} [${error.code}]\n`);
      return 1;
    }
    process.stderr.write(`earshot: unexpected error: ${error instanceof Error ? error.stack : String(error)}\n`);
    return 70;
  }
}

const code = await main(process.argv);
// Engines hold native handles and thread pools; exit explicitly once the command is done.
process.exit(code);
