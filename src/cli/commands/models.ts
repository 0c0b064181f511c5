import { cardColumns, cardJson } from '../../engines/models/card.js';
import type { Command } from 'commander';
import { formatBytes } from '../../engines/models/catalog.js';
import { ModelRegistry, type ModelListing } from '../../engines/models/registry.js';
import { createProgress } from '../progress.js';

/** Where the commands write; tests pass their own streams. */
export interface ModelsCommandIO {
  stdout: NodeJS.WritableStream;
  /** Progress bars are drawn here when it is a terminal. */
  stderr: NodeJS.WriteStream;
}

const MIB = 1024 * 1024;

export function registerModelsCommand(
  program: Command,
  io: ModelsCommandIO = { stdout: process.stdout, stderr: process.stderr },
): void {
  const models = program
    .command('models')
    .description('list, download, remove and choose speech models')
    .option('--dir <path>', 'models directory (default: $EARSHOT_MODELS_DIR or ~/.cache/earshot/models)');

  const registry = (command: Command) => new ModelRegistry({ dir: command.optsWithGlobals<{ dir?: string }>().dir });
  const print = (line: string) => io.stdout.write(line + '\n');

  models
    .command('list')
    .description('known models, whether each is installed, and the default per engine')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const reg = registry(command);
      const listings = await reg.list();
      if (options.json) {
        print(JSON.stringify({ dir: reg.dir, models: listings.map(toJson) }, null, 2));
        return;
      }
      print(table(listings));
      print(`\nmodels directory: ${reg.dir}`);
      if (listings.some((l) => isAuto(l, installedPerEngine(listings)))) {
        print('(auto): no default chosen for that engine, so the first of its installed models is used; `earshot models default <name>` picks one.');
      }
      if (!listings.some((l) => l.engine === 'whisper' && l.installed)) {
        print('No whisper model installed yet: `earshot models pull base.en` downloads the recommended one.');
      }
    });

  models
    .command('pull <name>')
    .description('download a model into the models directory (resumes an interrupted download, verifies its checksum)')
    .option('--force', 'download again even if it is installed')
    .action(async (name: string, options: { force?: boolean }, command: Command) => {
      const reg = registry(command);
      const listing = await reg.find(name);
      const progress = createProgress(io.stderr);
      const abort = new AbortController();
      const onInterrupt = () => abort.abort(new Error('interrupted'));
      process.once('SIGINT', onInterrupt);
      let started = false;
      try {
        const result = await reg.pull(name, {
          force: options.force,
          signal: abort.signal,
          onProgress: ({ received, total }) => {
            if (!started) {
              progress.start(Math.max(1, Math.round((total ?? listing.bytes) / MIB)), `${name} (MiB)`);
              started = true;
            }
            progress.update(Math.round(received / MIB));
          },
        });
        progress.stop();
        if (result.alreadyInstalled) {
          print(`${name} is already installed at ${result.path}${listing.model?.kind === 'download' ? ' (--force downloads it again)' : ''}.`);
          return;
        }
        const how = result.restarted
          ? ' (the server ignored the resume request, so it was fetched from the start)'
          : result.resumedFrom > 0
            ? ` (resumed from ${formatBytes(result.resumedFrom)})`
            : '';
        print(`Downloaded ${name} (${formatBytes(result.bytes)}, checksum verified) to ${result.path}${how}.`);
      } finally {
        progress.stop();
        process.removeListener('SIGINT', onInterrupt);
      }
    });

  models
    .command('remove <name>')
    .description('delete a downloaded model')
    .action(async (name: string, _options: unknown, command: Command) => {
      const removed = await registry(command).remove(name);
      print(`Removed ${name} (${removed.path}).`);
    });

  models
    .command('default <name>')
    .description("make an installed model its engine's default")
    .action(async (name: string, _options: unknown, command: Command) => {
      const chosen = await registry(command).setDefault(name);
      print(`${name} is now the default ${chosen.engine} model.`);
    });
}

function toJson(l: ModelListing) {
  return {
    name: l.name,
    engine: l.engine,
    language: l.model?.language ?? null,
    source: l.source,
    installed: l.installed,
    default: l.isDefault,
    default_is_explicit: l.defaultIsExplicit,
    bytes: l.bytes,
    path: l.path,
    licence: l.model?.licence ?? null,
    description: l.model?.description ?? null,
    ...cardJson(l),
  };
}

/** A default picked only because it was installed first, among several: worth flagging. */
function isAuto(l: ModelListing, installed: Map<string, number>): boolean {
  return l.isDefault && !l.defaultIsExplicit && (installed.get(l.engine) ?? 0) > 1;
}

function installedPerEngine(listings: ModelListing[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const l of listings) if (l.installed) counts.set(l.engine, (counts.get(l.engine) ?? 0) + 1);
  return counts;
}

function table(listings: ModelListing[]): string {
  const counts = installedPerEngine(listings);
  const rows = [
    ['NAME', 'ENGINE', 'LANG', 'SIZE', 'INSTALLED', 'DEFAULT', 'LICENCE', 'WER', 'RTF'],
    ...listings.map((l) => [
      l.name,
      l.engine,
      l.model?.language ?? '?',
      formatBytes(l.bytes),
      l.installed ? '✓' : '',
      l.isDefault ? (isAuto(l, counts) ? '✓ (auto)' : '✓') : '',
      l.model?.licence ?? '',
      cardColumns(l).wer,
      cardColumns(l).rtf,
    ]),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}
