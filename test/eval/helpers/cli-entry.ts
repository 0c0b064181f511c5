/**
 * A stand-in for `earshot` with the eval, bench and models commands, for the CLI tests while
 * src/cli/main.ts does not register eval and bench yet. Errors are reported as main() reports
 * them: "earshot: message [code]" and exit 1 for coded errors; a CommanderError's exit code (3 for
 * an eval regression) is passed through.
 */
import { Command, CommanderError } from 'commander';
import { registerBenchCommand } from '../../../src/cli/commands/bench.js';
import { registerEvalCommand } from '../../../src/cli/commands/eval.js';
import { registerModelsCommand } from '../../../src/cli/commands/models.js';
import { isEarshotError } from '../../../src/errors.js';

const program = new Command('earshot').exitOverride().showHelpAfterError();
registerEvalCommand(program);
registerBenchCommand(program);
registerModelsCommand(program);
let code = 0;
try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) code = error.exitCode;
  else if (isEarshotError(error)) {
    process.stderr.write(`earshot: ${error.message} [${error.code}]\n`);
    code = 1;
  } else {
    process.stderr.write(`earshot: unexpected error: ${error instanceof Error ? error.stack : String(error)}\n`);
    code = 70;
  }
}
process.exit(code);
