/**
 * The autoscaling model (issue 12 item 7) on crafted inputs: the arithmetic, the forecast, the
 * bounds, and that every number is explained. Pure functions, so no server and no clock.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ArrivalHistory } from '../../src/observability/arrivals.js';
import { adviseStage, DEFAULT_POLICY, type StageLoad } from '../../src/observability/scale-advice.js';
import { ThroughputWindow } from '../../src/observability/throughput.js';

/** Floating point: an EWMA of twelves is 11.999999999999998. */
const near = (actual: number | null, expected: number) => assert.ok(actual !== null && Math.abs(actual - expected) < 1e-9, `${actual} is not ${expected}`);

const load = (over: Partial<StageLoad> = {}): StageLoad => ({
  stage: 'asr',
  queueDepth: 0,
  currentWorkers: 1,
  slotsPerWorker: 1,
  arrivalsPerMinute: [],
  arrivalsThisMinute: 0,
  // 600 s of audio over 10 jobs in 120 s of ASR time: 5 s of audio per second per slot.
  work: { audioSeconds: 600, busySeconds: 120, jobs: 10 },
  ...over,
});

describe('scale advice', () => {
  test('steady arrivals: rate × mean audio ÷ (throughput × utilisation)', () => {
    // 12 jobs/min of 60 s = 12 s of audio per second; ÷ (5 × 0.8) = 3 slots.
    const advice = adviseStage(load({ arrivalsPerMinute: Array(10).fill(12) }));
    near(advice.forecast.ewmaPerMinute, 12);
    near(advice.forecast.trendPerMinute, 0);
    near(advice.neededSlots, 3);
    assert.equal(advice.recommendedWorkers, 3);
    assert.equal(advice.inputs.throughput, 5);
    assert.equal(advice.inputs.meanAudioSeconds, 60);
    assert.ok(advice.steps.some((s) => s.includes('= 12 s of audio per second')), advice.steps.join('\n'));
    assert.ok(advice.steps.at(-1)!.includes('= 3, within [1, 32] → 3'), advice.steps.at(-1));
  });

  test('the backlog adds the slots that clear it within drainMinutes', () => {
    // 20 waiting × 60 s = 1200 s; ÷ (5 × 120 s) = 2 slots, on top of 3 for the arrivals.
    const advice = adviseStage(load({ arrivalsPerMinute: Array(10).fill(12), queueDepth: 20 }));
    near(advice.neededSlots, 5);
    assert.equal(advice.recommendedWorkers, 5);
    assert.ok(advice.steps.some((s) => s.startsWith('backlog: 20 waiting × 60 s = 1200 s')), advice.steps.join('\n'));
  });

  test('a rising trend asks for capacity before the rate arrives', () => {
    // 0, 2, 4 … 18 jobs/min: slope 2 per minute, so 5 minutes ahead the rate is well above the EWMA.
    const rising = Array.from({ length: 10 }, (_, i) => 2 * i);
    const advice = adviseStage(load({ arrivalsPerMinute: rising }));
    near(advice.forecast.trendPerMinute, 2);
    assert.ok(advice.forecast.forecastPerMinute > rising.at(-1)!, `forecast ${advice.forecast.forecastPerMinute}`);
    const flat = adviseStage(load({ arrivalsPerMinute: Array(10).fill(advice.forecast.ewmaPerMinute) }));
    assert.ok(advice.recommendedWorkers > flat.recommendedWorkers, `${advice.recommendedWorkers} vs ${flat.recommendedWorkers}`);
  });

  test('a falling trend never forecasts below zero nor below this minute so far', () => {
    const falling = adviseStage(load({ arrivalsPerMinute: [30, 20, 10, 0, 0, 0] }));
    assert.ok(falling.forecast.trendPerMinute < 0);
    assert.equal(falling.forecast.forecastPerMinute, 0);
    assert.equal(falling.recommendedWorkers, DEFAULT_POLICY.minWorkers);
    const burst = adviseStage(load({ arrivalsPerMinute: [0, 0, 0], arrivalsThisMinute: 24 }));
    near(burst.forecast.forecastPerMinute, 24);
    near(burst.neededSlots, 6);
  });

  test('slots round up into workers of --concurrency slots, within the policy bounds', () => {
    const four = adviseStage(load({ arrivalsPerMinute: Array(10).fill(12), slotsPerWorker: 2, queueDepth: 20 }));
    near(four.neededSlots, 5);
    assert.equal(four.recommendedWorkers, 3); // ceil(5 / 2)
    const capped = adviseStage(load({ arrivalsPerMinute: Array(10).fill(1200) }), { ...DEFAULT_POLICY, maxWorkers: 8 });
    near(capped.neededSlots, 300);
    assert.equal(capped.recommendedWorkers, 8);
  });

  test('without a measured job it keeps the current count and says why', () => {
    const advice = adviseStage(load({ work: null, currentWorkers: 4, queueDepth: 50 }));
    assert.equal(advice.recommendedWorkers, 4);
    assert.equal(advice.neededSlots, null);
    assert.match(advice.steps.at(-1)!, /no completed job measured yet/);
  });

  test('a stage that took no time needs only the minimum', () => {
    const advice = adviseStage(load({ stage: 'intelligence', work: { audioSeconds: 600, busySeconds: 0, jobs: 10 }, arrivalsPerMinute: [50] }));
    assert.equal(advice.recommendedWorkers, 1);
    near(advice.neededSlots, 0);
  });
});

describe('arrival history and throughput window', () => {
  test('arrivals fall into whole minutes; the running minute is apart; old minutes drop out', () => {
    const minute = 60_000;
    const t0 = 1_000 * minute;
    const history = new ArrivalHistory(3, () => t0);
    for (const at of [t0 - 3 * minute, t0 - 2 * minute + 5, t0 - 2 * minute + 10, t0 - minute, t0 + 1, t0 + 2]) history.record(at);
    assert.deepEqual(history.snapshot(t0 + 30_000), { perMinute: [1, 2, 1], thisMinute: 2 });
    // Ten minutes on, everything is older than the window.
    history.record(t0 + 10 * minute);
    assert.deepEqual(history.snapshot(t0 + 10 * minute), { perMinute: [0, 0, 0], thisMinute: 1 });
  });

  test('throughput sums audio and one stage\'s busy time over the last jobs only', () => {
    const window = new ThroughputWindow(2);
    assert.equal(window.work('asr'), null);
    window.add(100, { asr: 50, intelligence: 1 });
    window.add(10, { asr: 2, intelligence: 1 });
    window.add(20, { asr: 4, intelligence: 2 });
    assert.deepEqual(window.work('asr'), { audioSeconds: 30, busySeconds: 6, jobs: 2 });
    assert.deepEqual(window.work('intelligence'), { audioSeconds: 30, busySeconds: 3, jobs: 2 });
  });

  test('a stage counts only the jobs it worked on (a scaled-out worker runs one stage of each)', () => {
    const window = new ThroughputWindow(10);
    window.add(60, { asr: 12 });
    window.add(30, { asr: 6 });
    assert.deepEqual(window.work('asr'), { audioSeconds: 90, busySeconds: 18, jobs: 2 });
    assert.equal(window.work('intelligence'), null, 'no intelligence work measured here, rather than infinitely fast');
  });
});
