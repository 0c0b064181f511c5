import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PipelineGraph, type PipelineEvent } from '../../src/pipeline/graph.js';

type V = { n: number; double: number; square: number; sum: number };

test('stages run in dependency order and read their inputs', async () => {
  const graph = new PipelineGraph<V>(
    [
      { name: 'sum', inputs: ['double', 'square'], run: (v) => v.double! + v.square! },
      { name: 'double', inputs: ['n'], run: (v) => v.n! * 2 },
      { name: 'square', inputs: ['n'], run: (v) => v.n! ** 2 },
    ],
    ['n'],
  );
  assert.deepEqual(graph.order.indexOf('sum'), 2);
  const { values, timings } = await graph.run({ n: 3 });
  assert.equal(values.sum, 6 + 9);
  assert.deepEqual(Object.keys(timings).sort(), ['double', 'square', 'sum']);
});

test('independent stages run at the same time', async () => {
  // Each stage waits until the other has started: sequential execution would never finish.
  let release!: () => void;
  const bothStarted = new Promise<void>((resolve) => (release = resolve));
  let started = 0;
  const arrive = async () => {
    if (++started === 2) release();
    await bothStarted;
  };
  const graph = new PipelineGraph<{ n: number; a: number; b: number }>(
    [
      { name: 'a', inputs: ['n'], run: async () => (await arrive(), 1) },
      { name: 'b', inputs: ['n'], run: async () => (await arrive(), 2) },
    ],
    ['n'],
  );
  const { values } = await graph.run({ n: 0 });
  assert.equal(values.a + values.b, 3);
});

test('a missing input and a cycle are refused when the graph is built', () => {
  assert.throws(
    () => new PipelineGraph<{ x: number; y: number }>([{ name: 'y', inputs: ['x'], run: () => 1 }], []),
    /needs "x"/,
  );
  assert.throws(
    () =>
      new PipelineGraph<{ a: number; b: number }>(
        [
          { name: 'a', inputs: ['b'], run: () => 1 },
          { name: 'b', inputs: ['a'], run: () => 1 },
        ],
        [],
      ),
    /cycle/,
  );
});

test('a failing stage rejects the run, reports the stage and skips its dependants', async () => {
  const events: PipelineEvent[] = [];
  let dependantRan = false;
  const graph = new PipelineGraph<{ n: number; bad: number; after: number }>(
    [
      { name: 'bad', inputs: ['n'], run: () => { throw new Error('boom'); } },
      { name: 'after', inputs: ['bad'], run: () => { dependantRan = true; return 1; } },
    ],
    ['n'],
  );
  await assert.rejects(graph.run({ n: 1 }, { onEvent: (e) => events.push(e) }), /boom/);
  assert.equal(dependantRan, false);
  assert.ok(events.some((e) => e.type === 'stage-error' && e.stage === 'bad'));
});

test('streaming stages pass items through one at a time and end in order', async () => {
  const seenByConsumer: number[] = [];
  let produced = 0;
  const graph = new PipelineGraph<{ n: number; numbers: AsyncIterable<number>; evens: AsyncIterable<number>; total: number }>(
    [
      {
        name: 'numbers',
        inputs: ['n'],
        run: async function* (v) {
          for (let i = 0; i < v.n!; i++) {
            produced++;
            // Bounded memory: the consumer has seen every earlier item before the next is made.
            assert.equal(seenByConsumer.length, Math.ceil(i / 2));
            yield i;
          }
        },
      },
      {
        name: 'evens',
        inputs: ['numbers'],
        run: async function* (v) {
          for await (const x of v.numbers!) if (x % 2 === 0) yield x;
        },
      },
      {
        name: 'total',
        inputs: ['evens'],
        run: async (v) => {
          let sum = 0;
          for await (const x of v.evens!) {
            seenByConsumer.push(x);
            sum += x;
          }
          return sum;
        },
      },
    ],
    ['n'],
  );
  const ends: string[] = [];
  const { values } = await graph.run({ n: 10 }, { onEvent: (e) => e.type === 'stage-end' && ends.push(e.stage) });
  assert.equal(values.total, 0 + 2 + 4 + 6 + 8);
  assert.equal(produced, 10);
  assert.deepEqual(ends, ['numbers', 'evens', 'total']);
});

test('a streamed value read by two stages is refused', async () => {
  const graph = new PipelineGraph<{ n: number; s: AsyncIterable<number>; a: number; b: number }>(
    [
      { name: 's', inputs: ['n'], run: async function* () { yield 1; } },
      { name: 'a', inputs: ['s'], run: () => 1 },
      { name: 'b', inputs: ['s'], run: () => 2 },
    ],
    ['n'],
  );
  await assert.rejects(graph.run({ n: 1 }), /only one stage may read it/);
});
