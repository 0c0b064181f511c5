/**
 * Issue 16: the cheaper streaming search keeps its words. Each LibriVox clip, followed by silence,
 * goes through the real StreamTranscriber (engine, Silero VAD, turn detector); the word error rate
 * of its final turns, and of the last partial before each final, must be no worse than what the
 * streaming path scored before issue 16 (recorded below, same clips, same code path).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createVadStream } from '../../src/audio/vad/vad-stream.js';
import type { SpeechEngine } from '../../src/engines/engine.js';
import { CpuSlots } from '../../src/engines/pocketsphinx/cpu-slots.js';
import { EngineCache } from '../../src/engines/registry.js';
import { aggregate, wordErrorRate } from '../../src/eval/wer.js';
import { DEFAULT_TURN_SETTINGS, type TurnMessage } from '../../src/realtime/protocol.js';
import { StreamTranscriber } from '../../src/realtime/transcriber.js';
import { concatPcm } from '../helpers/pcm.js';
import { librivoxClips } from '../helpers/librivox.js';
import { wavSamples } from '../../bench/speech-file.js';

/** Before issue 16 (full pocketsphinx search, second pass on): WER over the five clips. */
const BASELINE = { finals: 0.3662, partials: 0.3662 };

async function streamClip(engine: SpeechEngine, pcm: Int16Array): Promise<{ finals: string; partials: string }> {
  const recognizer = await engine.createRecognizer();
  const finals: string[] = [];
  const lastPartials: string[] = [];
  let partial = '';
  const transcriber = new StreamTranscriber({
    recognizer,
    vad: await createVadStream(),
    settings: DEFAULT_TURN_SETTINGS,
    format: (words) => [...words],
    emit: (turn: TurnMessage) => {
      if (!turn.end_of_turn) partial = turn.transcript;
      else {
        finals.push(turn.transcript);
        lastPartials.push(partial);
        partial = '';
      }
    },
  });
  const audio = concatPcm([pcm, new Int16Array(24000)]);
  for (let i = 0; i < audio.length; i += 800) await transcriber.process(audio.subarray(i, i + 800));
  await transcriber.finish();
  recognizer.close();
  return { finals: finals.join(' '), partials: lastPartials.join(' ') };
}

describe('streaming accuracy on the LibriVox clips (issue 16)', () => {
  const engines = new EngineCache();
  let engine: SpeechEngine;
  before(async () => {
    engine = await engines.get();
  });
  after(() => engines.close());

  test('final turns and the partials before them are no worse than before the faster search', async () => {
    const finals = [];
    const partials = [];
    for (const clip of librivoxClips()) {
      const out = await streamClip(engine, wavSamples(clip.path));
      console.log(`${clip.id}: ${out.finals}`);
      finals.push(wordErrorRate(clip.reference, out.finals));
      partials.push(wordErrorRate(clip.reference, out.partials));
    }
    const wer = { finals: aggregate(finals).wer, partials: aggregate(partials).wer };
    console.log(`WER finals ${wer.finals.toFixed(4)} (baseline ${BASELINE.finals}), last partials ${wer.partials.toFixed(4)} (baseline ${BASELINE.partials})`);
    assert.ok(wer.finals <= BASELINE.finals + 1e-9, `final WER ${wer.finals} > ${BASELINE.finals}`);
    assert.ok(wer.partials <= BASELINE.partials + 1e-9, `partial WER ${wer.partials} > ${BASELINE.partials}`);
  });
});

describe('the shared decoding pool (issue 16)', () => {
  test('never runs more calls than its slots, serves waiting utterance ends before pieces, and pieces in arrival order', async () => {
    const slots = new CpuSlots(2);
    const started: string[] = [];
    let running = 0;
    let most = 0;
    const gates = new Map<string, () => void>();
    const task = (name: string) => () => {
      started.push(name);
      most = Math.max(most, ++running);
      return new Promise<string>((resolve) => gates.set(name, () => {
        running--;
        resolve(name);
      }));
    };
    const done = [
      slots.run('piece', task('a1')),
      slots.run('piece', task('b1')),
      slots.run('piece', task('a2')),
      slots.run('piece', task('b2')),
      slots.run('final', task('c-final')),
    ];
    assert.deepEqual(started, ['a1', 'b1']);
    assert.equal(slots.waiting, 3);
    const release = async (name: string) => {
      gates.get(name)!();
      await new Promise((r) => setImmediate(r));
    };
    await release('a1');
    assert.deepEqual(started, ['a1', 'b1', 'c-final']);
    await release('b1');
    await release('c-final');
    await release('a2');
    await release('b2');
    assert.deepEqual(await Promise.all(done), ['a1', 'b1', 'a2', 'b2', 'c-final']);
    assert.deepEqual(started, ['a1', 'b1', 'c-final', 'a2', 'b2']);
    assert.equal(most, 2);
    assert.equal(slots.waiting, 0);
  });

  test('serves the piece whose audio arrived first: a session that fell behind goes ahead of current ones', async () => {
    const slots = new CpuSlots(1);
    const started: string[] = [];
    const gates = new Map<string, () => void>();
    const task = (name: string) => () => {
      started.push(name);
      return new Promise<void>((resolve) => gates.set(name, resolve));
    };
    const release = async (name: string) => {
      gates.get(name)!();
      await new Promise((r) => setImmediate(r));
    };
    const now = performance.now();
    const done = [
      slots.run('piece', task('busy'), now),
      slots.run('piece', task('current-1'), now + 10),
      slots.run('piece', task('current-2'), now + 20),
      // Queued last, but its audio arrived 500 ms ago: its session is behind.
      slots.run('piece', task('behind'), now - 500),
      slots.run('piece', task('tie-with-current-1'), now + 10),
    ];
    await release('busy');
    await release('behind');
    await release('current-1');
    await release('tie-with-current-1');
    await release('current-2');
    await Promise.all(done);
    assert.deepEqual(started, ['busy', 'behind', 'current-1', 'tie-with-current-1', 'current-2']);
  });

  test('measures how late pieces start past their deadline when they waited for a slot, and forgets it over seconds', async () => {
    const slots = new CpuSlots(1);
    assert.equal(slots.lateMs(), 0);
    // Behind a busy slot, a piece whose audio arrived 300 ms ago starts late.
    let release!: () => void;
    const busy = slots.run('piece', () => new Promise<void>((r) => (release = r)));
    const waiting = slots.run('piece', async () => {}, performance.now() - 300);
    release();
    await Promise.all([busy, waiting]);
    const late = slots.lateMs();
    assert.ok(late >= 299 && late < 320, String(late));
    // Utterance ends and pieces that start on time do not lower it; time does.
    await slots.run('final', async () => {}, performance.now() - 5000);
    await slots.run('piece', async () => {});
    assert.ok(slots.lateMs() >= 290, String(slots.lateMs()));
    assert.ok(slots.lateMs(performance.now() + 2000) < 120, 'fades by e within 2 s');
    assert.ok(slots.lateMs(performance.now() + 10_000) < 3);
    // A piece whose deadline is in the future (a fast sender's) is not late.
    const fresh = new CpuSlots(1);
    await fresh.run('piece', async () => {}, performance.now() + 5000);
    assert.equal(fresh.lateMs(), 0);
    // Old audio that finds a slot free (a session catching up on an idle machine) is no sign of load.
    await fresh.run('piece', async () => {}, performance.now() - 3000);
    assert.equal(fresh.lateMs(), 0);
    // Nor is a newcomer's start-up backlog behind a busy slot, while its stream says it does not count.
    let free!: () => void;
    const held = fresh.run('piece', () => new Promise<void>((r) => (free = r)));
    const backlog = fresh.run('piece', async () => {}, performance.now() - 3000, false);
    free();
    await Promise.all([held, backlog]);
    assert.equal(fresh.lateMs(), 0);
  });
});
