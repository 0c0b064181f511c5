import type { Server as HttpServer } from 'node:http';
import { Server as HttpsServer } from 'node:https';
import { mkdir } from 'node:fs/promises';
import { pino, type Logger } from 'pino';
import { loadKeyring } from '../store/encryption/key-file.js';
import type { Keyring } from '../store/encryption/keyring.js';
import { openStore, type Store, type StoreLogger } from '../store/store.js';
import type { EarshotConfig } from './config.js';
import { assertKeyLocation } from './key-location.js';

/** JSON lines on stderr, written synchronously so the last lines before a crash are kept. */
export function processLogger(config: EarshotConfig): Logger {
  return pino({ level: config.logLevel, base: undefined }, pino.destination({ dest: 2, sync: true }));
}

export function storeLoggerOf(logger: Logger): StoreLogger {
  return { info: (m) => logger.info(m), warn: (m) => logger.warn(m) };
}

/** Cleanups run last-in first-out, each whatever the others did; `close()` is idempotent. */
export class Closer {
  private readonly steps: Array<() => Promise<void> | void> = [];
  private closing?: Promise<void>;

  constructor(private readonly logger: Logger) {}

  add(step: () => Promise<void> | void): void {
    this.steps.push(step);
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const step of this.steps.splice(0).reverse()) {
        try {
          await step();
        } catch (err) {
          this.logger.error({ err }, 'error while shutting down');
        }
      }
    })();
    return this.closing;
  }
}

/**
 * The store of an `api` or `worker` process and the keyring it seals with, which the Redis upload
 * vault shares (EARSHOT_ENCRYPTION_KEYS, else EARSHOT_KEY_FILE: every process needs the same).
 */
export async function openProcessStore(config: EarshotConfig, logger: Logger): Promise<{ store: Store; keyring: Keyring }> {
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const storeLogger = storeLoggerOf(logger);
  assertKeyLocation(config.dataDir, config.keyFile);
  const keyring = await loadKeyring({ keyFile: config.keyFile, logger: storeLogger });
  const store = await openStore({ dataDir: config.dataDir, url: config.databaseUrl }, { keyring, logger: storeLogger });
  return { store, keyring };
}

export function listenUrl(server: HttpServer | HttpsServer, host: string): string {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `${server instanceof HttpsServer ? 'https' : 'http'}://${shown}:${port}`;
}
