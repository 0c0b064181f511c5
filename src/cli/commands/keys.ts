import type { Command } from 'commander';
import { loadConfig } from '../../app.js';
import { EarshotError } from '../../errors.js';
import { assertKeyLocation } from '../../app/key-location.js';
import { addKeyToFile, KEYS_ENV } from '../../store/encryption/key-file.js';
import { openStore, type Store } from '../../store/store.js';

interface StoreFlags {
  dataDir?: string;
  database?: string;
}

/**
 * `earshot keys create|list|revoke`: API keys in the server's store, without a running server
 * (issue 4: "`earshot keys create --name N` prints a new key once"). Keys are stored hashed, so
 * a lost key cannot be shown again: revoke it and create another.
 */
export function registerKeysCommand(program: Command): void {
  const keys = program.command('keys').description('create, list and revoke API keys; rotate the encryption key');
  const withStore = (command: Command) =>
    command
      .option('--data-dir <dir>', 'the server data directory (EARSHOT_DATA_DIR, default ./.earshot)')
      .option('--database <url>', 'postgres://… or sqlite:///abs/file.db (EARSHOT_DATABASE_URL)');

  withStore(keys.command('create'))
    .description('create a key in a project of its own (or --project ID) and print it once')
    .requiredOption('--name <name>', 'what the key is for, e.g. the app using it')
    .option('--project <id>', 'add the key to this existing project (shares its transcripts)')
    .option('--json', 'print JSON')
    .action(async (flags: StoreFlags & { name: string; project?: string; json?: boolean }) => {
      const name = flags.name.trim();
      if (name === '' || name.length > 200) throw new EarshotError('invalid_request', '--name must be 1-200 characters.');
      await usingStore(flags, async (store) => {
        const created = await store.createApiKey(name, flags.project);
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(created, null, 2)}\n`);
          return;
        }
        process.stdout.write(`${created.key}\n`);
        process.stderr.write(
          `Created key ${created.id} ("${created.name}", project ${created.projectId}).\n` +
            'It is shown only this once (only its hash is stored): keep it somewhere safe.\n',
        );
      });
    });

  withStore(keys.command('list'))
    .description('list keys (never the keys themselves: id, name, project, fingerprint)')
    .option('--json', 'print JSON')
    .action(async (flags: StoreFlags & { json?: boolean }) => {
      await usingStore(flags, async (store) => {
        const list = await store.listApiKeys();
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
          return;
        }
        if (list.length === 0) {
          process.stdout.write('No API keys. Create one with `earshot keys create --name NAME`.\n');
          return;
        }
        const rows = list.map((k) => [k.id, k.name, k.projectId, k.fingerprint, k.createdAt.slice(0, 19), k.revokedAt ? `revoked ${k.revokedAt.slice(0, 19)}` : 'active']);
        printTable(['ID', 'NAME', 'PROJECT', 'FINGERPRINT', 'CREATED', 'STATUS'], rows);
      });
    });

  registerRotate(keys, withStore);

  withStore(keys.command('revoke'))
    .description('revoke a key by its id (see `earshot keys list`); requests with it then get 401')
    .argument('<id>', 'the key id')
    .action(async (id: string, flags: StoreFlags) => {
      await usingStore(flags, async (store) => {
        if (!(await store.revokeApiKey(id))) {
          throw new EarshotError('not_found', `No active key has id ${id}; see \`earshot keys list\`.`);
        }
        process.stdout.write(`Revoked key ${id}.\n`);
      });
    });
}

/**
 * `earshot keys rotate`: the at-rest encryption key. `--new` puts a fresh key in front of the key
 * file (old ones stay, to read what they sealed); once every process has restarted with it, a
 * plain `rotate` re-seals every row still under an older key, a row per transaction, while the
 * servers keep serving. Then the old keys can be deleted from the file.
 */
function registerRotate(keys: Command, withStore: (command: Command) => Command): void {
  withStore(keys.command('rotate'))
    .description('re-encrypt stored transcripts with the current encryption key (--new: add a fresh key first)')
    .option('--new', 'put a fresh key first in the key file (EARSHOT_KEY_FILE), then stop: restart every Earshot process, and run rotate again')
    .action(async (flags: StoreFlags & { new?: boolean }) => {
      const config = loadConfig({ dataDir: flags.dataDir, databaseUrl: flags.database });
      if (flags.new) {
        if (process.env[KEYS_ENV]?.trim()) {
          throw new EarshotError('config_invalid', `The keys come from ${KEYS_ENV}: put a new id:base64key first in it (openssl rand -base64 32), restart, and run \`earshot keys rotate\`.`);
        }
        assertKeyLocation(config.dataDir, config.keyFile);
        const entry = await addKeyToFile(config.keyFile);
        process.stdout.write(
          `Added key "${entry.id}" first in ${config.keyFile}; the older keys stay there to read what they sealed.\n` +
            'Restart every Earshot process (serve, api, worker) so each seals with it, then run `earshot keys rotate` to re-encrypt the stored rows.\n',
        );
        return;
      }
      await usingStore(flags, async (store) => {
        const tty = process.stderr.isTTY;
        const result = await store.rotateEncryption({
          onProgress: (done, total) => process.stderr.write(`${tty ? '\r' : ''}re-encrypted ${done} of ${total} rows${tty ? '' : '\n'}`),
        });
        if (tty) process.stderr.write('\n');
        process.stdout.write(
          `Re-encrypted ${result.rotated} row${result.rotated === 1 ? '' : 's'}; every row is sealed with key "${result.currentKeyId}". ` +
            'Older keys can now be removed from the key file (or EARSHOT_ENCRYPTION_KEYS).\n',
        );
      });
    });
}

async function usingStore(flags: StoreFlags, run: (store: Store) => Promise<void>): Promise<void> {
  const config = loadConfig({ dataDir: flags.dataDir, databaseUrl: flags.database });
  assertKeyLocation(config.dataDir, config.keyFile);
  const store = await openStore({ dataDir: config.dataDir, url: config.databaseUrl }, { keyFile: config.keyFile });
  try {
    await run(store);
  } finally {
    await store.close();
  }
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const row of [header, ...rows]) process.stdout.write(`${row.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd()}\n`);
}
