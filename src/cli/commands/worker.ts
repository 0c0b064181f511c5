import { InvalidArgumentError, Option, type Command } from 'commander';
import { loadConfig } from '../../app/config.js';
import { startWorkerProcess, WORKER_STAGES, type WorkerStages } from '../../app/worker-process.js';
import { positiveInt, runUntilSignalled } from '../process-flags.js';

function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('a port number from 0 to 65535');
  return n;
}

interface WorkerFlags {
  database?: string;
  redis?: string;
  dataDir?: string;
  stages: WorkerStages;
  concurrency?: number;
  decoders?: number;
  metricsPort?: number;
}

/** `earshot worker` (issue 12): runs transcript jobs and webhook deliveries from the shared queue. */
export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('run transcription jobs of a scaled-out installation from the Redis queue (docs/scale-out.md)')
    .option('--database <url>', 'postgres://… shared by every api and worker process (EARSHOT_DATABASE_URL)')
    .option('--redis <url>', 'redis://… holding the job queue and uploads in flight (EARSHOT_REDIS_URL)')
    .option('--data-dir <dir>', 'keys.json and the webhook secret when not given by EARSHOT_ENCRYPTION_KEYS / EARSHOT_WEBHOOK_SECRET (EARSHOT_DATA_DIR)')
    .addOption(
      new Option('--stages <which>', 'asr: decode, speech detection, recognition; intelligence: formatting, speakers, analyses; all: both').choices([...WORKER_STAGES]).default('all'),
    )
    .option('--concurrency <n>', 'jobs admitted at once per stage; their segments share the decoders fairly (EARSHOT_CONCURRENCY; the same default as earshot serve)', positiveInt)
    .option('--decoders <n>', 'speech segments decoded at once, one core each (EARSHOT_DECODERS; default: up to two)', positiveInt)
    .option('--metrics-port <port>', 'serve /metrics, /healthz and /readyz on this port (EARSHOT_METRICS_PORT; 0 picks one)', nonNegativeInt)
    .addHelpText(
      'after',
      '\nA worker killed mid-job has its job taken over by another within EARSHOT_JOB_LOCK_MS +\n' +
        'EARSHOT_STALLED_CHECK_MS (default 30 s each). SIGTERM lets running jobs finish for\n' +
        'EARSHOT_DRAIN_SECONDS (default 25), then hands the rest back to the queue.',
    )
    .action(async (flags: WorkerFlags) => {
      const config = loadConfig({ databaseUrl: flags.database, redisUrl: flags.redis, dataDir: flags.dataDir, concurrency: flags.concurrency, decoders: flags.decoders, metricsPort: flags.metricsPort });
      const worker = await startWorkerProcess(config, { stages: flags.stages });
      process.stdout.write(`Earshot worker is running (stages ${flags.stages}, ${config.concurrency} job(s) at once${worker.probeUrl ? `, metrics on ${worker.probeUrl}/metrics` : ''})\n`);
      await runUntilSignalled(() => worker.close(), (signal) => `\n${signal}: draining (running jobs finish or go back to the queue)…\n`);
    });
}
