import { InvalidArgumentError } from 'commander';

/** Flag parsers shared by the server commands (serve, api, worker). */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number');
  return n;
}

export function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('expected a port number 0-65535');
  return n;
}

/**
 * Resolves once SIGINT or SIGTERM arrived and `stop` finished; main.ts exits the process after the
 * command's action returns.
 */
export function runUntilSignalled(stop: () => Promise<void>, announce: (signal: NodeJS.Signals) => string): Promise<void> {
  return new Promise<void>((resolveStop) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.stdout.write(announce(signal));
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      void stop().finally(resolveStop);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
