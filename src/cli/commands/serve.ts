import type { Command } from 'commander';
import { loadConfig, startEarshot } from '../../app.js';
import { port, positiveInt, runUntilSignalled } from '../process-flags.js';

interface ServeFlags {
  port?: number;
  host?: string;
  dataDir?: string;
  database?: string;
  concurrency?: number;
  decoders?: number;
  maxUploadBytes?: number;
  tlsCert?: string;
  tlsKey?: string;
  maxStreams?: number;
  maxStreamsPerKey?: number;
  storeStreams?: boolean;
}

/**
 * `earshot serve`: the AssemblyAI-compatible HTTP API (issue 4). Flags win over EARSHOT_*
 * environment variables; see src/app.ts loadConfig for every setting.
 */
export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('serve the AssemblyAI-compatible transcription API (v2) over HTTP')
    .option('-p, --port <port>', 'port to listen on (EARSHOT_PORT, default 8080; 0 picks a free one)', port)
    .option('--host <host>', 'address to listen on (EARSHOT_HOST, default 127.0.0.1)')
    .option('--data-dir <dir>', 'database, encryption keys and webhook secret (EARSHOT_DATA_DIR, default ./.earshot)')
    .option('--database <url>', 'postgres://… or sqlite:///abs/file.db (EARSHOT_DATABASE_URL, default SQLite in the data dir)')
    .option('--concurrency <n>', 'transcription jobs admitted at once; their segments share the decoders fairly (EARSHOT_CONCURRENCY, default 4)', positiveInt)
    .option('--decoders <n>', 'speech segments decoded at once, one core each (EARSHOT_DECODERS; default: up to two)', positiveInt)
    .option('--max-upload-bytes <n>', 'largest upload (EARSHOT_MAX_UPLOAD_BYTES, default 512 MiB)', positiveInt)
    .option('--tls-cert <file>', 'PEM certificate: serve https and wss:// (EARSHOT_TLS_CERT; the streaming SDK needs wss)')
    .option('--tls-key <file>', 'PEM private key for --tls-cert (EARSHOT_TLS_KEY)')
    .option('--max-streams <n>', 'real-time sessions at once (EARSHOT_STREAM_MAX_SESSIONS, default 5 per CPU core)', positiveInt)
    .option('--max-streams-per-key <n>', 'real-time sessions at once per API key (EARSHOT_STREAM_MAX_SESSIONS_PER_KEY, default --max-streams)', positiveInt)
    .option('--store-streams', 'keep each real-time session\'s final turns as a transcript (EARSHOT_STORE_STREAMS; off: streams are never stored)')
    .addHelpText(
      'after',
      '\nEnvironment: EARSHOT_API_KEYS (keys to accept, "key" or "project:key", comma-separated),\n' +
        'EARSHOT_ENCRYPTION_KEYS, EARSHOT_WEBHOOK_SECRET, EARSHOT_ALLOW_PRIVATE_URLS=1, EARSHOT_PUBLIC_URL,\n' +
        'EARSHOT_UPLOAD_TTL_SECONDS, EARSHOT_LOG_LEVEL, EARSHOT_STREAM_INACTIVITY_SECONDS (default 120),\n' +
        'EARSHOT_STREAM_MAX_SESSION_SECONDS (default 10800), EARSHOT_STREAM_TOKEN_SECRET (temporary streaming tokens\n' +
        'valid across restarts and instances). API docs are served at /docs.',
    )
    .action(async (flags: ServeFlags) => {
      const config = loadConfig({
        port: flags.port,
        host: flags.host,
        dataDir: flags.dataDir,
        databaseUrl: flags.database,
        concurrency: flags.concurrency,
        decoders: flags.decoders,
        maxUploadBytes: flags.maxUploadBytes,
        tlsCert: flags.tlsCert,
        tlsKey: flags.tlsKey,
        streamMaxSessions: flags.maxStreams,
        streamMaxSessionsPerKey: flags.maxStreamsPerKey,
        storeStreams: flags.storeStreams,
      });
      const server = await startEarshot(config);
      process.stdout.write(`Earshot is listening on ${server.url}  (API docs: ${server.url}/docs)\n`);
      process.stdout.write(`Point the assemblyai SDK at it: new AssemblyAI({ apiKey, baseUrl: '${server.url}' })\n`);
      const wsUrl = `${server.url.replace(/^http/, 'ws')}/v3/ws`;
      process.stdout.write(
        server.url.startsWith('https')
          ? `Real-time streaming: client.streaming.transcriber({ websocketBaseUrl: '${wsUrl}', sampleRate: 16000 })\n`
          : `Real-time streaming is on ${wsUrl}; the SDK's streaming client needs wss://, so start with --tls-cert and --tls-key.\n`,
      );
      if (server.needsApiKey) {
        const dataDir = flags.dataDir ? ` --data-dir ${flags.dataDir}` : '';
        const database = flags.database ? ' --database <url>' : '';
        process.stdout.write(
          `No API key exists yet. Create one with:\n  earshot keys create --name my-app${dataDir}${database}\n` +
            'or start the server with EARSHOT_API_KEYS=<key>.\n',
        );
      }
      await runUntilSignalled(() => server.close(), (signal) => `\n${signal}: stopping (running url jobs resume on the next start)…\n`);
    });
}
