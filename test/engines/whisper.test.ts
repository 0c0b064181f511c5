import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { EarshotError, isEarshotError } from '../../src/errors.js';
import type { SpeechEngine } from '../../src/engines/engine.js';
import { ModelRegistry } from '../../src/engines/models/registry.js';
import { whisperFactory } from '../../src/engines/whisper/factory.js';
import { pullCommand, resolveWhisperModel } from '../../src/engines/whisper/model.js';
import { segmentsToWords, WHISPER_WORD_CONFIDENCE } from '../../src/engines/whisper/words.js';
import { writeTinyWhisperModel } from './tiny-whisper-model.js';

let root: string;
let tinyModel: string;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'earshot-whisper-'));
  tinyModel = join(root, 'tiny-test.bin');
  await writeTinyWhisperModel(tinyModel);
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

async function emptyDir(name: string): Promise<string> {
  const dir = join(root, name);
  await rm(dir, { recursive: true, force: true });
  return dir;
}

/** A tone whose pitch varies, so the encoder sees something other than silence. */
function tone(seconds: number): Int16Array {
  const pcm = new Int16Array(Math.round(16000 * seconds));
  for (let i = 0; i < pcm.length; i++) pcm[i] = Math.round(Math.sin(i / (6 + (i % 4000) / 1000)) * 6000);
  return pcm;
}

describe('whisper engine: not ready without a model', () => {
  test('status names the exact pull command and the models directory', async () => {
    const dir = await emptyDir('none');
    const status = await whisperFactory.status({ modelsDir: dir });
    assert.equal(status.ready, false);
    assert.equal(status.name, 'whisper');
    assert.match(status.reason ?? '', /earshot models pull base\.en/);
    assert.ok(status.reason?.includes(dir), status.reason);
  });

  test('create() throws engine_not_ready with the same advice', async () => {
    const dir = await emptyDir('none-create');
    await assert.rejects(whisperFactory.create({ modelsDir: dir }), (error: unknown) => {
      assert.ok(isEarshotError(error, 'engine_not_ready'), String(error));
      assert.match(error.message, /earshot models pull base\.en/);
      assert.ok(error.message.includes(dir));
      return true;
    });
  });

  test('the pull command names the directory only when the CLI would not use it by default', () => {
    const saved = process.env.EARSHOT_MODELS_DIR;
    try {
      process.env.EARSHOT_MODELS_DIR = '/srv/models';
      assert.equal(pullCommand('base.en', '/srv/models'), 'earshot models pull base.en');
      assert.equal(pullCommand('small.en', '/elsewhere'), 'EARSHOT_MODELS_DIR=/elsewhere earshot models pull small.en');
    } finally {
      if (saved === undefined) delete process.env.EARSHOT_MODELS_DIR;
      else process.env.EARSHOT_MODELS_DIR = saved;
    }
  });

  test('a known but missing model asks for that model to be pulled', async () => {
    const dir = await emptyDir('missing-small');
    const status = await whisperFactory.status({ modelsDir: dir, model: 'small.en' });
    assert.equal(status.ready, false);
    assert.match(status.reason ?? '', /earshot models pull small\.en/);
  });

  test('unknown names and other engines\u2019 models are model_unknown', async () => {
    const dir = await emptyDir('unknown');
    const unknown = await resolveWhisperModel({ modelsDir: dir, model: 'huge.en' });
    assert.equal(unknown.ok, false);
    assert.equal(!unknown.ok && unknown.code, 'model_unknown');
    await assert.rejects(whisperFactory.create({ modelsDir: dir, model: 'en-us' }), (error: unknown) => {
      assert.ok(isEarshotError(error, 'model_unknown'));
      assert.match(error.message, /pocketsphinx model/);
      return true;
    });
  });

  test('a models directory with a broken config file is not ready, and says which file', async () => {
    const dir = await emptyDir('bad-config');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'earshot-models.json'), '{ not json');
    const status = await whisperFactory.status({ modelsDir: dir });
    assert.equal(status.ready, false);
    assert.ok(status.reason?.includes(join(dir, 'earshot-models.json')), status.reason);
  });

  test('a path that does not exist, or is not a ggml file, is not ready', async () => {
    const missing = await whisperFactory.status({ model: join(root, 'nope.bin') });
    assert.equal(missing.ready, false);
    assert.match(missing.reason ?? '', /does not exist/);

    const html = join(root, 'ggml-error-page.bin');
    await writeFile(html, '<html>404 Not Found</html>');
    const wrong = await whisperFactory.status({ model: html });
    assert.equal(wrong.ready, false);
    assert.match(wrong.reason ?? '', /not a whisper\.cpp ggml model/);
  });
});

describe('whisper engine: model resolution', () => {
  test('a path to a ggml file resolves, English-only names decode as English', async () => {
    const resolution = await resolveWhisperModel({ model: tinyModel });
    assert.ok(resolution.ok);
    assert.equal(resolution.model.path, tinyModel);
    assert.equal(resolution.model.name, 'tiny-test');
    assert.equal(resolution.model.language, 'auto');

    const english = join(root, 'ggml-tiny-test.en.bin');
    await copyFile(tinyModel, english);
    const en = await resolveWhisperModel({ model: english });
    assert.ok(en.ok);
    assert.equal(en.model.name, 'tiny-test.en');
    assert.equal(en.model.language, 'en');
  });

  test('a registry name resolves in the models directory, and the default follows `models default`', async () => {
    const dir = await emptyDir('registry');
    const registry = new ModelRegistry({ dir });
    await registry.list(); // an absent directory lists fine
    await mkdir(dir, { recursive: true });
    await copyFile(tinyModel, join(dir, 'ggml-alpha.bin'));
    await copyFile(tinyModel, join(dir, 'ggml-beta.bin'));

    const byName = await resolveWhisperModel({ modelsDir: dir, model: 'beta' });
    assert.ok(byName.ok);
    assert.equal(byName.model.path, join(dir, 'ggml-beta.bin'));

    const implicit = await whisperFactory.status({ modelsDir: dir });
    assert.equal(implicit.ready, true, implicit.reason);
    assert.equal(implicit.model, 'alpha');

    await registry.setDefault('beta');
    const explicit = await whisperFactory.status({ modelsDir: dir });
    assert.equal(explicit.model, 'beta');
  });
});

describe('whisper engine: decoding with a tiny generated model', () => {
  let engine: SpeechEngine;

  before(async () => {
    engine = await whisperFactory.create({ model: tinyModel });
  });

  after(async () => {
    await engine.close();
  });

  test('recognize() returns words whose times lie inside the audio, shifted by offsetMs', async () => {
    assert.equal(engine.name, 'whisper');
    assert.equal(engine.model, 'whisper-tiny-test');
    const pcm = tone(3);
    const result = await engine.recognize(pcm, { offsetMs: 10_000, prompt: 'Earshot podcast transcript' });
    assert.ok(result.words.length > 0, 'the tiny model emits at least one token for any audio');
    assert.equal(result.text, result.words.map((w) => w.text).join(' '));
    for (const word of result.words) {
      assert.ok(word.text.length > 0 && !/\s/.test(word.text), JSON.stringify(word));
      assert.ok(word.start >= 10_000 && word.end <= 13_000 && word.start <= word.end, JSON.stringify(word));
      assert.equal(word.confidence, WHISPER_WORD_CONFIDENCE);
    }
  });

  test('recognize() accepts a view into a larger buffer and empty input', async () => {
    const big = tone(4);
    const view = big.subarray(16000, 16000 * 3);
    const result = await engine.recognize(view);
    for (const word of result.words) assert.ok(word.end <= 2000, JSON.stringify(word));
    assert.deepEqual(await engine.recognize(new Int16Array(0)), { words: [], text: '' });
  });

  test('concurrent recognize() calls are queued and all complete', async () => {
    const results = await Promise.all([tone(1), tone(2), tone(1.5)].map((pcm) => engine.recognize(pcm)));
    assert.equal(results.length, 3);
    results.forEach((r, i) => {
      const limit = [1000, 2000, 1500][i];
      for (const word of r.words) assert.ok(word.end <= limit, JSON.stringify(word));
    });
  });

  test('the streaming recognizer re-decodes buffered audio for partials and keeps stream time', async () => {
    const recognizer = await engine.createRecognizer({ offsetMs: 500 });
    const audio = tone(2.5);
    for (let at = 0; at < audio.length; at += 1600) await recognizer.accept(audio.subarray(at, at + 1600));
    let partial = recognizer.partial();
    // The partial decode runs in the background; wait for it, bounded.
    for (let i = 0; i < 250 && partial.words.length === 0; i++) {
      await sleep(20);
      partial = recognizer.partial();
    }
    assert.ok(partial.words.length > 0, 'a partial hypothesis appears once a second of audio is buffered');
    for (const word of partial.words) assert.ok(word.start >= 500 && word.end <= 3000, JSON.stringify(word));

    const first = await recognizer.finish();
    assert.ok(first.words.length > 0);
    for (const word of first.words) assert.ok(word.start >= 500 && word.end <= 3000, JSON.stringify(word));
    assert.deepEqual(recognizer.partial(), { words: [], text: '' }, 'finish() starts a new utterance');

    await recognizer.accept(tone(1));
    const second = await recognizer.finish();
    for (const word of second.words) assert.ok(word.start >= 3000 && word.end <= 4000, JSON.stringify(word));

    assert.deepEqual(await recognizer.finish(), { words: [], text: '' }, 'an utterance without audio is empty');
    recognizer.close();
    await assert.rejects(recognizer.accept(tone(0.1)), (error: unknown) => error instanceof EarshotError);
  });
});

describe('whisper engine: lifecycle and bad models', () => {
  test('a truncated model fails to load with engine_not_ready and the way out', async () => {
    const truncated = join(root, 'truncated.bin');
    const bytes = await readFile(tinyModel);
    await writeFile(truncated, bytes.subarray(0, 1_500_000));
    await assert.rejects(whisperFactory.create({ model: truncated }), (error: unknown) => {
      assert.ok(isEarshotError(error, 'engine_not_ready'), String(error));
      assert.ok(error.message.includes(truncated));
      assert.match(error.message, /pull it again/);
      return true;
    });
  });

  test('close() is idempotent and later calls fail clearly', async () => {
    const engine = await whisperFactory.create({ model: tinyModel });
    await Promise.all([engine.close(), engine.close()]);
    await assert.rejects(engine.recognize(tone(0.5)), (error: unknown) => {
      assert.ok(isEarshotError(error, 'engine_failed'));
      assert.match(error.message, /closed/);
      return true;
    });
  });
});

describe('whisper segments to words', () => {
  const timing = { durationMs: 5000 };

  test('tokens join into words at leading spaces; a word spans its tokens', () => {
    const words = segmentsToWords(
      [
        { text: ' Ear', t0: 100, t1: 300 },
        { text: 'shot', t0: 300, t1: 520 },
        { text: ' works', t0: 600, t1: 900 },
        { text: ',', t0: 900, t1: 910 },
        { text: ' ', t0: 910, t1: 950 },
        { text: 'well', t0: 1000, t1: 1200 },
      ],
      { ...timing, offsetMs: 1000 },
    );
    assert.deepEqual(
      words.map((w) => [w.text, w.start, w.end]),
      [
        ['Earshot', 1100, 1520],
        ['works,', 1600, 1910],
        ['well', 2000, 2200],
      ],
    );
  });

  test('segment-level text is spread over its words by length, in order', () => {
    const words = segmentsToWords([{ text: ' one three', t0: 0, t1: 800 }], timing);
    assert.deepEqual(
      words.map((w) => [w.text, w.start, w.end]),
      [
        ['one', 0, 300],
        ['three', 300, 800],
      ],
    );
  });

  test('times are clamped to the audio and non-speech markers are dropped', () => {
    const words = segmentsToWords(
      [
        { text: ' [BLANK_AUDIO]', t0: 0, t1: 1000 },
        { text: ' late', t0: 4800, t1: 9000 },
        { text: ' later', t0: 7000, t1: 8000 },
      ],
      timing,
    );
    assert.deepEqual(
      words.map((w) => [w.text, w.start, w.end]),
      [
        ['late', 4800, 5000],
        ['later', 5000, 5000],
      ],
    );
  });
});

// Its own engine: a whisper context carries text between decodes, so these decodes must not
// change what the other tests' engine hears.
describe('whisper engine: language identification and temperature', () => {
  let engine: SpeechEngine;
  before(async () => {
    engine = await whisperFactory.create({ model: tinyModel });
  });
  after(async () => {
    await engine.close();
  });

  test('a multilingual model reports the language it identified; a temperature is accepted', async () => {
    // The tiny model's weights are random, so which language it picks means nothing: only the wiring is checked.
    const greedy = await engine.recognize(tone(2));
    assert.match(greedy.language ?? '', /^[a-z]{2,3}$/, `whisper_full_lang_id gave ${greedy.language}`);
    // Not comparable with the greedy decode: a whisper context carries the previous decode's text.
    const sampled = await engine.recognize(tone(2), { temperature: 1 });
    assert.ok(sampled.words.every((w) => w.end <= 2000), JSON.stringify(sampled.words));
  });
});
