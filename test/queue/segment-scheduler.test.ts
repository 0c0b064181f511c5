/**
 * The segment scheduler on the real default engine: whose segment a free decoder takes next.
 * Order is observed, never time: with one slot, segments finish in the order they started.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { SpeechEngine } from '../../src/engines/engine.js';
import { EngineCache } from '../../src/engines/registry.js';
import { isEarshotError } from '../../src/errors.js';
import { transcribeAudio } from '../../src/pipeline/transcribe.js';
import { ScheduledEngines } from '../../src/queue/scheduled-engines.js';
import { SegmentScheduler, type SchedulerTicket } from '../../src/queue/segment-scheduler.js';
import { longSpeechMp3 } from '../../bench/speech-file.js';
import { SHARED_AUDIO_DIR } from '../helpers/librivox.js';

const GOFORWARD = '/usr/share/pocketsphinx/test/data/goforward.raw';

let engines: EngineCache;
let engine: SpeechEngine;
let speech: Int16Array;

before(async () => {
  engines = new EngineCache({ parallelism: 1 });
  engine = await engines.get();
  const bytes = readFileSync(GOFORWARD);
  speech = new Int16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2);
});
after(async () => {
  await engines.close();
});

/** Submits `count` segments for the ticket; each records its label when it finishes. */
function submit(scheduler: SchedulerTicketSource, ticket: SchedulerTicket, count: number, done: string[]): Promise<unknown>[] {
  const facade = scheduler.engineFor(ticket);
  return Array.from({ length: count }, (_, i) => facade.recognize(speech).then(() => done.push(`${ticket.tenant}/${ticket.job}#${i}`)));
}
type SchedulerTicketSource = Pick<SegmentScheduler, 'engineFor'>;

test("a new tenant's segment goes before the rest of another tenant's backlog", async () => {
  const scheduler = new SegmentScheduler(engine, { slots: 1 });
  const done: string[] = [];
  const long = submit(scheduler, { tenant: 'a', job: 'long' }, 5, done);
  const short = submit(scheduler, { tenant: 'b', job: 'short' }, 1, done);
  await Promise.all([...long, ...short]);
  // a's first segment was already running when b arrived.
  assert.deepEqual(done.slice(0, 2), ['a/long#0', 'b/short#0']);
  assert.equal(done.length, 6);
});

test('two backlogged tenants alternate; within a tenant, its jobs alternate', async () => {
  const scheduler = new SegmentScheduler(engine, { slots: 1 });
  const done: string[] = [];
  const all = [
    ...submit(scheduler, { tenant: 'a', job: 'one' }, 3, done),
    ...submit(scheduler, { tenant: 'a', job: 'two' }, 2, done),
    ...submit(scheduler, { tenant: 'b', job: 'three' }, 3, done),
  ];
  await Promise.all(all);
  const tenants = done.map((d) => d[0]).join('');
  // After a's head start, b's turns alternate with a's until b runs out.
  assert.equal(tenants.slice(0, 7), 'abababa', done.join(' '));
  const aJobs = done.filter((d) => d.startsWith('a/')).map((d) => d.split('#')[0]);
  assert.deepEqual(aJobs.slice(0, 4), ['a/one', 'a/two', 'a/one', 'a/two']);
});

test('priority: a tenant with 3 gets three segments for every one of a tenant with 1', async () => {
  const scheduler = new SegmentScheduler(engine, { slots: 1, priorities: { gold: 3 } });
  const done: string[] = [];
  const all = [...submit(scheduler, { tenant: 'basic', job: 'x' }, 4, done), ...submit(scheduler, { tenant: 'gold', job: 'y' }, 7, done)];
  await Promise.all(all);
  const order = done.map((d) => (d.startsWith('gold') ? 'G' : 'b')).join('');
  assert.equal(order.slice(0, 9), 'bGGGbGGGb', done.join(' '));
});

test('results are the engine’s own, and closing fails waiting segments with a retryable error', async () => {
  const scheduler = new SegmentScheduler(engine, { slots: 1 });
  const facade = scheduler.engineFor({ tenant: 't', job: 'j' });
  assert.equal(facade.name, engine.name);
  assert.equal(facade.model, engine.model);
  const direct = await engine.recognize(speech, { offsetMs: 250 });
  const running = facade.recognize(speech, { offsetMs: 250 });
  const waiting = facade.recognize(speech);
  assert.equal(scheduler.stats.running, 1);
  assert.equal(scheduler.stats.waiting, 1);
  const refused = assert.rejects(waiting, (err) => isEarshotError(err, 'queue_unavailable'));
  scheduler.close();
  assert.deepEqual(await running, direct, 'the running segment finishes');
  await refused;
  await assert.rejects(facade.recognize(speech), (err) => isEarshotError(err, 'queue_unavailable'));
  assert.throws(() => new SegmentScheduler(engine, { slots: 0 }), (err) => isEarshotError(err, 'config_invalid'));
});

test('ScheduledEngines: a short job sent after a long one of another tenant finishes first, through the real pipeline', async () => {
  const scheduled = new ScheduledEngines({}, { parallelism: 1 });
  try {
    const facade = await scheduled.get();
    assert.equal(await scheduled.get(), facade, 'one facade per engine');
    const long = await longSpeechMp3(1);
    const short = readFileSync(`${SHARED_AUDIO_DIR}jfk.wav`);
    const finished: string[] = [];
    const longJob = scheduled.run({ tenant: 'a', job: 'long' }, () => transcribeAudio(long, facade)).then(() => finished.push('long'));
    // The long job is recognising before the short one arrives.
    while (scheduled.stats.running === 0) await new Promise((r) => setTimeout(r, 20));
    const shortJob = scheduled.run({ tenant: 'b', job: 'short' }, () => transcribeAudio(short, facade)).then((r) => {
      finished.push('short');
      return r;
    });
    const [shortResult] = await Promise.all([shortJob, longJob]);
    assert.deepEqual(finished, ['short', 'long']);
    assert.ok(shortResult.transcript.words.length > 10);
    // Outside a job there is no ticket: straight to the engine.
    assert.ok((await facade.recognize(speech)).words.length > 0);
    assert.deepEqual(scheduled.stats, { running: 0, waiting: 0 });
  } finally {
    await scheduled.close();
  }
});
