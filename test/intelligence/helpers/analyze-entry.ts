/**
 * A stand-in for `earshot` with only the analyze command, for the CLI test while src/cli/main.ts
 * does not register it yet. Errors are reported the way main() reports them: "earshot: message
 * [code]" and exit 1 for coded errors.
 */
import { Command, CommanderError } from 'commander';
import { registerAnalyzeCommand } from '../../../src/cli/commands/analyze.js';
import { isEarshotError } from '../../../src/errors.js';

const program = new Command('earshot').exitOverride().showHelpAfterError();
registerAnalyzeCommand(program);
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
