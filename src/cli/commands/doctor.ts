import { CommanderError, type Command } from 'commander';
import { loadConfig } from '../../app/config.js';
import { isEarshotError } from '../../errors.js';
import { fail, formatResult, type NamedResult, runChecks } from '../../doctor/check.js';
import { doctorChecks } from '../../doctor/plan.js';
import { port, positiveInt } from '../process-flags.js';

interface DoctorFlags {
  port?: number;
  host?: string;
  dataDir?: string;
  database?: string;
  redis?: string;
  tlsCert?: string;
  tlsKey?: string;
  timeout: number;
  json?: boolean;
}

/**
 * `earshot doctor` (issue 20): everything a first run needs, checked at once, one line each with
 * its fix. Takes serve's flags and EARSHOT_* settings, so `earshot doctor --database …` checks
 * exactly what `earshot serve --database …` would use. Exits 1 when any check fails.
 */
export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description('check this machine and the server settings: Node, ffmpeg, engines, directories, key, database, Redis, TLS, port')
    .option('-p, --port <port>', 'check that this port is free to bind (EARSHOT_PORT)', port)
    .option('--host <host>', 'address the port is bound on (EARSHOT_HOST, default 127.0.0.1)')
    .option('--data-dir <dir>', 'data directory to check (EARSHOT_DATA_DIR, default ./.earshot)')
    .option('--database <url>', 'postgres://… to connect to, or sqlite:///abs/file.db (EARSHOT_DATABASE_URL)')
    .option('--redis <url>', 'redis://… of earshot api / worker to PING (EARSHOT_REDIS_URL)')
    .option('--tls-cert <file>', 'PEM certificate to check against --tls-key (EARSHOT_TLS_CERT)')
    .option('--tls-key <file>', 'PEM private key (EARSHOT_TLS_KEY)')
    .option('--timeout <ms>', 'longest wait for any one check', positiveInt, 5000)
    .option('--json', 'print JSON')
    .action(async (flags: DoctorFlags) => {
      let results: NamedResult[];
      try {
        const config = loadConfig({
          port: flags.port,
          host: flags.host,
          dataDir: flags.dataDir,
          databaseUrl: flags.database,
          redisUrl: flags.redis,
          tlsCert: flags.tlsCert,
          tlsKey: flags.tlsKey,
        });
        const portGiven = flags.port !== undefined || flags.host !== undefined || !!process.env.EARSHOT_PORT || !!process.env.EARSHOT_HOST;
        results = await runChecks(doctorChecks({ config, portGiven, timeoutMs: flags.timeout }), flags.timeout);
      } catch (error) {
        if (!isEarshotError(error)) throw error;
        results = [{ name: 'settings', ...fail(error.message, 'correct the EARSHOT_* variable or flag named'), ms: 0 }];
      }
      if (flags.json) process.stdout.write(JSON.stringify(results, null, 2) + '\n');
      else for (const r of results) process.stdout.write(formatResult(r) + '\n');
      const failed = results.filter((r) => r.status === 'fail').length;
      if (!flags.json) process.stdout.write(failed === 0 ? 'earshot doctor: all checks passed\n' : `earshot doctor: ${failed} check${failed === 1 ? '' : 's'} failed\n`);
      if (failed > 0) throw new CommanderError(1, 'earshot.doctorFailed', `${failed} doctor checks failed`);
    });
}
