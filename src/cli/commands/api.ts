import type { Command } from 'commander';
import { startApiProcess } from '../../app/api-process.js';
import { loadConfig } from '../../app/config.js';
import { port, positiveInt, runUntilSignalled } from '../process-flags.js';

interface ApiFlags {
  port?: number;
  host?: string;
  dataDir?: string;
  database?: string;
  redis?: string;
  maxUploadBytes?: number;
  tlsCert?: string;
  tlsKey?: string;
  maxStreams?: number;
}

/**
 * `earshot api` (issue 12): the HTTP API and streaming WebSocket of a scaled-out installation;
 * `earshot worker` processes run the jobs. See docs/scale-out.md.
 */
export function registerApiCommand(program: Command): void {
  program
    .command('api')
    .description('serve the API (REST + streaming) of a scaled-out installation; earshot worker runs the jobs (docs/scale-out.md)')
    .option('--database <url>', 'postgres://… shared by every api and worker process (EARSHOT_DATABASE_URL)')
    .option('--redis <url>', 'redis://… holding the job queue and uploads in flight (EARSHOT_REDIS_URL)')
    .option('-p, --port <port>', 'port to listen on (EARSHOT_PORT, default 8080; 0 picks a free one)', port)
    .option('--host <host>', 'address to listen on (EARSHOT_HOST, default 127.0.0.1)')
    .option('--data-dir <dir>', 'keys.json and the webhook secret when not given by EARSHOT_ENCRYPTION_KEYS / EARSHOT_WEBHOOK_SECRET (EARSHOT_DATA_DIR)')
    .option('--max-upload-bytes <n>', 'largest upload (EARSHOT_MAX_UPLOAD_BYTES, default 512 MiB)', positiveInt)
    .option('--tls-cert <file>', 'PEM certificate: serve https and wss:// (EARSHOT_TLS_CERT)')
    .option('--tls-key <file>', 'PEM private key for --tls-cert (EARSHOT_TLS_KEY)')
    .option('--max-streams <n>', 'real-time sessions at once (EARSHOT_STREAM_MAX_SESSIONS)', positiveInt)
    .addHelpText(
      'after',
      '\nEvery api and worker process of one installation needs the same EARSHOT_ENCRYPTION_KEYS and\n' +
        'EARSHOT_QUEUE_PREFIX; api processes also the same EARSHOT_STREAM_TOKEN_SECRET. Redis commands on a\n' +
        'request time out after EARSHOT_REDIS_TIMEOUT_MS (default 5000) with a 503.',
    )
    .action(async (flags: ApiFlags) => {
      const config = loadConfig({
        port: flags.port,
        host: flags.host,
        dataDir: flags.dataDir,
        databaseUrl: flags.database,
        redisUrl: flags.redis,
        maxUploadBytes: flags.maxUploadBytes,
        tlsCert: flags.tlsCert,
        tlsKey: flags.tlsKey,
        streamMaxSessions: flags.maxStreams,
      });
      const api = await startApiProcess(config);
      process.stdout.write(`Earshot api is listening on ${api.url}  (API docs: ${api.url}/docs)\n`);
      if (api.needsApiKey) process.stdout.write('No API key exists yet: earshot keys create --name my-app --database <url>, or EARSHOT_API_KEYS=<key>.\n');
      await runUntilSignalled(() => api.close(), (signal) => `\n${signal}: stopping the api process…\n`);
    });
}
