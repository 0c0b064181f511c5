import { dirname } from 'node:path';
import type { EarshotConfig } from '../app/config.js';
import { defaultModelsDir } from '../engines/models/models-dir.js';
import { type Check, skip } from './check.js';
import { DATA_DIR_NEEDS, directoryCheck, MODELS_DIR_NEEDS } from './directories.js';
import { encryptionKeyCheck } from './encryption-key.js';
import { engineChecks } from './engines.js';
import { portCheck } from './port.js';
import { ffmpegCheck, nodeVersionCheck } from './runtime.js';
import { postgresCheck, redisCheck } from './services.js';
import { tlsCheck } from './tls.js';

export interface DoctorPlanOptions {
  config: EarshotConfig;
  /** Whether --port/--host or EARSHOT_PORT/EARSHOT_HOST was given: only then is the port bound. */
  portGiven: boolean;
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
}

/**
 * The checks for this machine (Node, ffmpeg, engines, directories, key) and, for what the
 * configuration names, the server's dependencies (database, Redis, TLS files, port).
 */
export function doctorChecks(options: DoctorPlanOptions): Check[] {
  const { config, timeoutMs } = options;
  const env = options.env ?? process.env;
  const notConfigured = (name: string, detail: string): Check => ({ name, run: async () => skip(detail) });
  const checks: Check[] = [
    nodeVersionCheck(),
    ffmpegCheck(),
    ...engineChecks(),
    directoryCheck('models dir', defaultModelsDir(env), { ...MODELS_DIR_NEEDS, setting: 'EARSHOT_MODELS_DIR' }),
    directoryCheck('data dir', config.dataDir, { ...DATA_DIR_NEEDS, setting: '--data-dir / EARSHOT_DATA_DIR' }),
    encryptionKeyCheck(config.dataDir, config.keyFile, env),
  ];
  const url = config.databaseUrl;
  if (url === undefined) checks.push(notConfigured('database', `SQLite in the data dir (give --database postgres://… to check a server)`));
  else if (/^postgres(ql)?:\/\//i.test(url)) checks.push(postgresCheck(url, timeoutMs));
  else if (/^sqlite:/i.test(url)) {
    const file = new URL(url).pathname;
    checks.push(directoryCheck('database', dirname(file), { ...DATA_DIR_NEEDS, label: 'database', setting: '--database / EARSHOT_DATABASE_URL' }));
  } else {
    checks.push({
      name: 'database',
      run: async () => ({ status: 'fail', detail: `unsupported URL "${url.split('@').pop()}"`, fix: 'use postgres://… or sqlite:///absolute/path.db' }),
    });
  }
  checks.push(config.redisUrl ? redisCheck(config.redisUrl, timeoutMs) : notConfigured('redis', 'not used by serve (give --redis redis://… for api/worker)'));
  checks.push(config.tlsCert || config.tlsKey ? tlsCheck(config.tlsCert, config.tlsKey) : notConfigured('tls', 'plain http (give --tls-cert and --tls-key to check them)'));
  checks.push(options.portGiven ? portCheck(config.host, config.port) : notConfigured('port', `not checked (give --port to check that ${config.host}:${config.port} is free)`));
  return checks;
}
