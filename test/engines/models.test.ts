import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, beforeEach, describe, test } from 'node:test';
import { Command } from 'commander';
import { registerModelsCommand } from '../../src/cli/commands/models.js';
import { isEarshotError } from '../../src/errors.js';
import {
  MODEL_CATALOG,
  WHISPER_MODELS_BASE_URL,
  findCatalogModel,
  modelUrl,
  type DownloadableModel,
} from '../../src/engines/models/catalog.js';
import { downloadModelFile, partialPath, type DownloadProgress } from '../../src/engines/models/download.js';
import { defaultModelsBaseUrl, defaultModelsDir } from '../../src/engines/models/models-dir.js';
import { CONFIG_FILE, ModelRegistry } from '../../src/engines/models/registry.js';
import { ModelHost } from './model-host.js';

const host = new ModelHost();
const payload = randomBytes(3 * 1024 * 1024 + 123);
const sha1 = createHash('sha1').update(payload).digest('hex');
const sha256 = createHash('sha256').update(payload).digest('hex');
let root: string;

before(async () => {
  await host.start();
  host.files.set('ggml-data.bin', payload);
  root = await mkdtemp(join(tmpdir(), 'earshot-models-'));
});

after(async () => {
  await host.stop();
  await rm(root, { recursive: true, force: true });
});

beforeEach(() => host.reset());

let counter = 0;
async function freshDir(): Promise<string> {
  const dir = join(root, `d${++counter}`);
  await mkdir(dir, { recursive: true });
  return dir;
}

describe('catalog', () => {
  test('every downloadable entry has a whisper.cpp file name, a SHA-1 and an https URL on the upstream host', () => {
    const names = new Set<string>();
    for (const model of MODEL_CATALOG) {
      assert.ok(!names.has(model.name), `duplicate ${model.name}`);
      names.add(model.name);
      assert.ok(model.licence && model.language && model.approxBytes > 0, model.name);
      if (model.kind !== 'download') continue;
      assert.equal(model.file, `ggml-${model.name}.bin`);
      assert.match(model.checksum.hex, /^[0-9a-f]{40}$/);
      assert.equal(modelUrl(model), `${WHISPER_MODELS_BASE_URL}/${model.file}`);
    }
    for (const name of ['tiny.en', 'base.en', 'small.en', 'medium.en', 'large-v3-turbo']) assert.ok(names.has(name), name);
    const base = findCatalogModel('base.en') as DownloadableModel;
    assert.equal(base.checksum.hex, '137c40403d78fd54d454da0f9bd998f78703390c');
    assert.equal(base.language, 'en');
    assert.equal(findCatalogModel('en-us')?.kind, 'system');
  });

  test('models directory and base URL follow the environment', () => {
    assert.equal(defaultModelsDir({ EARSHOT_MODELS_DIR: '/srv/m' }), '/srv/m');
    assert.equal(defaultModelsDir({ XDG_CACHE_HOME: '/c', HOME: '/h' }), '/c/earshot/models');
    assert.match(defaultModelsDir({}), /\.cache\/earshot\/models$/);
    assert.equal(defaultModelsBaseUrl({ EARSHOT_MODELS_BASE_URL: 'http://mirror/x' }), 'http://mirror/x');
    assert.equal(defaultModelsBaseUrl({}), WHISPER_MODELS_BASE_URL);
  });
});

describe('download', () => {
  test('streams to a .partial with progress, verifies sha1, then renames into place', async () => {
    const dest = join(await freshDir(), 'ggml-data.bin');
    const seen: DownloadProgress[] = [];
    const result = await downloadModelFile({
      url: `${host.url}/range/ggml-data.bin`,
      dest,
      checksum: { algorithm: 'sha1', hex: sha1 },
      onProgress: (p) => seen.push(p),
    });
    assert.deepEqual(await readFile(dest), payload);
    assert.equal(existsSync(partialPath(dest)), false);
    assert.equal(result.bytes, payload.length);
    assert.equal(result.resumedFrom, 0);
    assert.equal(host.requests[0].range, undefined);
    assert.equal(seen.at(-1)?.received, payload.length);
    assert.equal(seen.at(-1)?.total, payload.length);
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i].received >= seen[i - 1].received);
  });

  test('resumes an existing .partial with a Range request; the hash covers the resumed bytes', async () => {
    const dest = join(await freshDir(), 'ggml-data.bin');
    const head = 1024 * 1024 + 7;
    await writeFile(partialPath(dest), payload.subarray(0, head));
    const result = await downloadModelFile({
      url: `${host.url}/range/ggml-data.bin`,
      dest,
      checksum: { algorithm: 'sha256', hex: sha256 },
    });
    assert.equal(host.requests.length, 1);
    assert.equal(host.requests[0].range, `bytes=${head}-`);
    assert.equal(result.resumedFrom, head);
    assert.equal(result.restarted, false);
    assert.deepEqual(await readFile(dest), payload);
  });

  test('a corrupt resumed prefix fails the checksum, and the partial is deleted', async () => {
    const dest = join(await freshDir(), 'ggml-data.bin');
    const head = Buffer.from(payload.subarray(0, 4096));
    head[100] ^= 0xff;
    await writeFile(partialPath(dest), head);
    await assert.rejects(
      downloadModelFile({ url: `${host.url}/range/ggml-data.bin`, dest, checksum: { algorithm: 'sha1', hex: sha1 } }),
      (error: unknown) => isEarshotError(error, 'model_download_failed') && /Checksum mismatch/.test(error.message),
    );
    assert.equal(host.requests[0].range, 'bytes=4096-');
    assert.equal(existsSync(partialPath(dest)), false);
    assert.equal(existsSync(dest), false);
  });

  test('a server that ignores Range sends the whole file, which replaces the partial', async () => {
    const dest = join(await freshDir(), 'ggml-data.bin');
    await writeFile(partialPath(dest), payload.subarray(0, 500_000));
    const result = await downloadModelFile({
      url: `${host.url}/norange/ggml-data.bin`,
      dest,
      checksum: { algorithm: 'sha1', hex: sha1 },
    });
    assert.equal(host.requests[0].range, 'bytes=500000-');
    assert.equal(result.restarted, true);
    assert.equal((await stat(dest)).size, payload.length);
    assert.deepEqual(await readFile(dest), payload);
  });

  test('a dropped connection keeps the bytes; running again resumes and passes the checksum', async () => {
    const dest = join(await freshDir(), 'ggml-data.bin');
    const url = `${host.url}/drop/ggml-data.bin`;
    const checksum = { algorithm: 'sha1' as const, hex: sha1 };
    await assert.rejects(downloadModelFile({ url, dest, checksum, retries: 0 }), (error: unknown) => {
      assert.ok(isEarshotError(error, 'model_download_failed'), String(error));
      assert.ok(error.message.includes(url));
      assert.match(error.message, /run the same command again to resume/);
      return true;
    });
    const kept = (await stat(partialPath(dest))).size;
    assert.ok(kept > 0 && kept < payload.length, `kept ${kept}`);

    const result = await downloadModelFile({ url, dest, checksum, retries: 0 });
    assert.equal(host.requests[1].range, `bytes=${kept}-`);
    assert.equal(result.resumedFrom, kept);
    assert.deepEqual(await readFile(dest), payload);
  });

  test('with retries, one call survives a dropped connection by resuming', async () => {
    const dest = join(await freshDir(), 'ggml-data.bin');
    const result = await downloadModelFile({
      url: `${host.url}/drop/ggml-data.bin`,
      dest,
      checksum: { algorithm: 'sha1', hex: sha1 },
      retries: 1,
      retryDelayMs: 0,
    });
    assert.equal(result.attempts, 2);
    assert.equal(host.requests.length, 2);
    assert.match(host.requests[1].range ?? '', /^bytes=\d+-$/);
    assert.deepEqual(await readFile(dest), payload);
  });

  test('a connection that goes silent is dropped, keeping what arrived for a resume', async () => {
    const dest = join(await freshDir(), 'ggml-data.bin');
    const url = `${host.url}/stall/ggml-data.bin`;
    await assert.rejects(downloadModelFile({ url, dest, retries: 0, idleTimeoutMs: 300 }), (error: unknown) => {
      assert.ok(isEarshotError(error, 'model_download_failed'), String(error));
      assert.match(error.message, /no data received for too long/);
      return true;
    });
    assert.ok((await stat(partialPath(dest))).size > 0);
  });

  test('a complete partial (the server answers 416) is verified and moved into place', async () => {
    const dest = join(await freshDir(), 'ggml-data.bin');
    await writeFile(partialPath(dest), payload);
    const result = await downloadModelFile({
      url: `${host.url}/range/ggml-data.bin`,
      dest,
      checksum: { algorithm: 'sha1', hex: sha1 },
    });
    assert.equal(result.bytes, payload.length);
    assert.deepEqual(await readFile(dest), payload);
  });

  test('a bad checksum fails with model_download_failed and leaves nothing behind', async () => {
    const dest = join(await freshDir(), 'ggml-data.bin');
    await assert.rejects(
      downloadModelFile({ url: `${host.url}/range/ggml-data.bin`, dest, checksum: { algorithm: 'sha1', hex: '0'.repeat(40) } }),
      (error: unknown) => {
        assert.ok(isEarshotError(error, 'model_download_failed'));
        assert.match(error.message, /expected sha1 0{40}, got [0-9a-f]{40}/);
        return true;
      },
    );
    assert.equal(existsSync(dest), false);
    assert.equal(existsSync(partialPath(dest)), false);
  });

  test('404 names the URL and the status, and is not retried', async () => {
    const dest = join(await freshDir(), 'ggml-missing.bin');
    const url = `${host.url}/range/ggml-missing.bin`;
    await assert.rejects(downloadModelFile({ url, dest, retries: 3, retryDelayMs: 0 }), (error: unknown) => {
      assert.ok(isEarshotError(error, 'model_download_failed'));
      assert.ok(error.message.includes(url));
      assert.match(error.message, /HTTP 404/);
      return true;
    });
    assert.equal(host.requests.length, 1);
    assert.equal(existsSync(dest), false);
  });

  test('an unreachable host fails with the URL', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const url = `http://127.0.0.1:${port}/ggml-data.bin`;
    await assert.rejects(
      downloadModelFile({ url, dest: join(await freshDir(), 'x.bin'), retries: 0 }),
      (error: unknown) => isEarshotError(error, 'model_download_failed') && error.message.includes(url),
    );
  });
});

describe('registry', () => {
  const testModel: DownloadableModel = {
    kind: 'download',
    name: 'data',
    engine: 'whisper',
    language: 'en',
    approxBytes: payload.length,
    licence: 'MIT',
    description: 'test bytes',
    file: 'ggml-data.bin',
    checksum: { algorithm: 'sha1', hex: sha1 },
  };

  test('pull downloads from the base URL into the models directory, once', async () => {
    const dir = await freshDir();
    const registry = new ModelRegistry({ dir, baseUrl: `${host.url}/range`, catalog: [testModel] });
    assert.equal((await registry.list())[0].installed, false);
    const pulled = await registry.pull('data');
    assert.equal(pulled.alreadyInstalled, false);
    assert.deepEqual(await readFile(join(dir, 'ggml-data.bin')), payload);
    const [listing] = await registry.list();
    assert.equal(listing.installed, true);
    assert.equal(listing.bytes, payload.length);
    assert.equal(listing.isDefault, true, 'the only installed whisper model is the default');
    assert.equal(listing.defaultIsExplicit, false);

    const again = await registry.pull('data');
    assert.equal(again.alreadyInstalled, true);
    assert.equal(host.requests.length, 1);
  });

  test('defaults are per engine, stored in the config file, and forgotten when the model is removed', async () => {
    const dir = await freshDir();
    const registry = new ModelRegistry({ dir });
    await writeFile(join(dir, 'ggml-one.bin'), 'x');
    await writeFile(join(dir, 'ggml-two.bin'), 'y');
    await assert.rejects(registry.setDefault('base.en'), (e: unknown) => isEarshotError(e, 'model_not_installed') && /earshot models pull base\.en/.test(e.message));

    assert.equal((await registry.defaultFor('whisper'))?.name, 'one');
    await registry.setDefault('two');
    const config = JSON.parse(await readFile(join(dir, CONFIG_FILE), 'utf8'));
    assert.deepEqual(config.defaults, { whisper: 'two' });
    const chosen = await registry.defaultFor('whisper');
    assert.equal(chosen?.name, 'two');
    assert.equal(chosen?.defaultIsExplicit, true);

    await registry.remove('two');
    assert.equal(existsSync(join(dir, 'ggml-two.bin')), false);
    assert.deepEqual(JSON.parse(await readFile(join(dir, CONFIG_FILE), 'utf8')).defaults, {});
    assert.equal((await registry.defaultFor('whisper'))?.name, 'one');
  });

  test('remove deletes a partial download too; unknown, missing and system models fail clearly', async () => {
    const dir = await freshDir();
    const registry = new ModelRegistry({ dir });
    await writeFile(join(dir, 'ggml-tiny.en.bin.partial'), 'half');
    await registry.remove('tiny.en');
    assert.equal(existsSync(join(dir, 'ggml-tiny.en.bin.partial')), false);

    await assert.rejects(registry.remove('tiny.en'), (e: unknown) => isEarshotError(e, 'model_not_installed'));
    await assert.rejects(registry.pull('no-such-model'), (e: unknown) => isEarshotError(e, 'model_unknown') && /models list/.test(e.message));
    await assert.rejects(registry.remove('en-us'), (e: unknown) => isEarshotError(e, 'invalid_request') && /apt-get remove pocketsphinx-en-us/.test(e.message));
  });

  test('an unreadable config file is reported with its path', async () => {
    const dir = await freshDir();
    await writeFile(join(dir, CONFIG_FILE), '{ nope');
    await assert.rejects(new ModelRegistry({ dir }).list(), (e: unknown) => isEarshotError(e, 'invalid_request') && e.message.includes(CONFIG_FILE));
  });
});

describe('earshot models (CLI)', () => {
  async function run(...args: string[]): Promise<string> {
    const stdout = new PassThrough();
    const chunks: Buffer[] = [];
    stdout.on('data', (c: Buffer) => chunks.push(c));
    // Not a TTY, so no progress bar is drawn.
    const stderr = new PassThrough() as unknown as NodeJS.WriteStream;
    const program = new Command('earshot').exitOverride();
    registerModelsCommand(program, { stdout, stderr });
    await program.parseAsync(args, { from: 'user' });
    return Buffer.concat(chunks).toString('utf8');
  }

  test('list shows a table with installed and default marks, and JSON on request', async () => {
    const dir = await freshDir();
    await writeFile(join(dir, 'ggml-custom.bin'), 'x');
    await writeFile(join(dir, 'ggml-other.bin'), 'y');
    const out = await run('models', '--dir', dir, 'list');
    const lines = out.split('\n');
    assert.match(lines[0], /^NAME\s+ENGINE\s+LANG\s+SIZE\s+INSTALLED\s+DEFAULT/);
    assert.match(lines.find((l) => l.startsWith('base.en ')) ?? '', /^base\.en\s+whisper\s+en\s+142 MiB\s+MIT/);
    assert.match(lines.find((l) => l.startsWith('custom ')) ?? '', /^custom\s+whisper\s+\?\s+1 B\s+✓\s+✓ \(auto\)/);
    assert.match(lines.find((l) => l.startsWith('other ')) ?? '', /^other\s+whisper\s+\?\s+1 B\s+✓$/);
    assert.ok(out.includes(`models directory: ${dir}`));
    assert.match(out, /\(auto\): no default chosen/);

    await run('models', '--dir', dir, 'default', 'custom');
    const json = JSON.parse(await run('models', '--dir', dir, 'list', '--json'));
    assert.equal(json.dir, dir);
    const custom = json.models.find((m: { name: string }) => m.name === 'custom');
    assert.deepEqual([custom.installed, custom.default, custom.default_is_explicit], [true, true, true]);
    const enUs = json.models.find((m: { name: string }) => m.name === 'en-us');
    assert.equal(enUs.installed, existsSync('/usr/share/pocketsphinx/model/en-us'));
  });

  test('pull verifies the upstream checksum: bytes from a wrong mirror are rejected and removed', async () => {
    const dir = await freshDir();
    host.files.set('ggml-tiny.en.bin', payload.subarray(0, 10_000));
    const saved = process.env.EARSHOT_MODELS_BASE_URL;
    process.env.EARSHOT_MODELS_BASE_URL = `${host.url}/range`;
    try {
      await assert.rejects(run('models', '--dir', dir, 'pull', 'tiny.en'), (error: unknown) => {
        assert.ok(isEarshotError(error, 'model_download_failed'), String(error));
        assert.match(error.message, /Checksum mismatch .*ggml-tiny\.en\.bin: expected sha1 c78c86eb/);
        return true;
      });
    } finally {
      if (saved === undefined) delete process.env.EARSHOT_MODELS_BASE_URL;
      else process.env.EARSHOT_MODELS_BASE_URL = saved;
    }
    assert.equal(host.requests.at(-1)?.file, 'ggml-tiny.en.bin');
    assert.equal(existsSync(join(dir, 'ggml-tiny.en.bin')), false);
    assert.equal(existsSync(join(dir, 'ggml-tiny.en.bin.partial')), false);
  });

  test('pull of the Debian-packaged model reports it, and remove of a local file works', async () => {
    const dir = await freshDir();
    if (existsSync('/usr/share/pocketsphinx/model/en-us')) {
      assert.match(await run('models', '--dir', dir, 'pull', 'en-us'), /already installed at \/usr\/share\/pocketsphinx\/model\/en-us/);
    } else {
      await assert.rejects(run('models', '--dir', dir, 'pull', 'en-us'), (e: unknown) => isEarshotError(e, 'model_not_installed'));
    }
    await writeFile(join(dir, 'ggml-custom.bin'), 'x');
    assert.match(await run('models', '--dir', dir, 'remove', 'custom'), /Removed custom/);
    assert.equal(existsSync(join(dir, 'ggml-custom.bin')), false);
  });
});
