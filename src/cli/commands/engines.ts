import type { Command } from 'commander';
import { engineStatuses } from '../../engines/registry.js';

export function registerEnginesCommand(program: Command): void {
  program
    .command('engines')
    .description('list speech engines and whether each is ready to run here')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const statuses = await engineStatuses();
      if (options.json) {
        process.stdout.write(JSON.stringify(statuses, null, 2) + '\n');
        return;
      }
      for (const s of statuses) {
        const mark = s.ready ? 'ready' : 'not ready';
        process.stdout.write(`${s.name.padEnd(14)} ${mark.padEnd(10)} ${s.description}${s.model ? ` (model: ${s.model})` : ''}\n`);
        if (!s.ready && s.reason) process.stdout.write(`${''.padEnd(26)}${s.reason}\n`);
      }
    });
}
