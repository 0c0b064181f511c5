import { runCli, type CliResult } from '../../helpers/cli.js';

export type { CliResult };

/** Runs `earshot eval|bench|models …` in a child process with extra environment variables. */
export function runEarshot(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return runCli(args, { env });
}
