/**
 * How many workers each stage needs (issue 12 item 7): a pure function of queue depth, arrival
 * history and measured throughput, with a short forecast so capacity is asked for before the queue
 * grows. Every number it returns comes with the arithmetic that produced it.
 *
 * The model: arrivals are forecast `horizonMinutes` ahead as an EWMA of recent minutes plus their
 * linear trend; that rate times the mean audio per job is the work coming in, in seconds of audio
 * per second. One job slot clears `throughput` seconds of audio per second, run at
 * `targetUtilisation` to keep headroom. The backlog already waiting must clear within
 * `drainMinutes` on top. Slots round up into worker processes of `slotsPerWorker` each.
 */
import type { StageWork } from './throughput.js';

export interface StageLoad {
  /** The worker pool: "asr", "intelligence" (or "all" for undivided workers). */
  stage: string;
  /** Jobs waiting for this stage. */
  queueDepth: number;
  /** Worker processes serving this stage now. */
  currentWorkers: number;
  /** Jobs one worker runs at once (`--concurrency`). */
  slotsPerWorker: number;
  /** Jobs arrived in each whole minute, oldest first, ending with the last complete minute. */
  arrivalsPerMinute: number[];
  /** Jobs arrived so far in the minute now running: a floor for this minute's rate. */
  arrivalsThisMinute: number;
  /** Audio handled and stage busy time over recent jobs; null before any job completed. */
  work: StageWork | null;
}

export interface ScalePolicy {
  /** How far ahead the arrival rate is forecast: about the time a new worker takes to be useful. */
  horizonMinutes: number;
  /** Minutes in which the jobs already waiting should be cleared. */
  drainMinutes: number;
  /** Fraction of a slot's throughput to plan on (headroom for bursts and longer files). */
  targetUtilisation: number;
  /** Weight of the newest minute in the arrival average. */
  ewmaAlpha: number;
  /** Recent minutes the trend is fitted over. */
  trendMinutes: number;
  minWorkers: number;
  maxWorkers: number;
}

export const DEFAULT_POLICY: ScalePolicy = {
  horizonMinutes: 5,
  drainMinutes: 2,
  targetUtilisation: 0.8,
  ewmaAlpha: 0.3,
  trendMinutes: 10,
  minWorkers: 1,
  maxWorkers: 32,
};

export interface StageAdvice {
  stage: string;
  currentWorkers: number;
  recommendedWorkers: number;
  /** Job slots the load needs before rounding into workers; null without a throughput measure. */
  neededSlots: number | null;
  inputs: {
    queueDepth: number;
    slotsPerWorker: number;
    arrivalsPerMinute: number[];
    arrivalsThisMinute: number;
    /** Seconds of audio one slot clears per second of busy time. */
    throughput: number | null;
    meanAudioSeconds: number | null;
    jobsMeasured: number;
  };
  forecast: { ewmaPerMinute: number; trendPerMinute: number; forecastPerMinute: number };
  /** The arithmetic, one line per step, in the order it was done. */
  steps: string[];
}

export function adviseStage(load: StageLoad, policy: ScalePolicy = DEFAULT_POLICY): StageAdvice {
  const steps: string[] = [];
  const forecast = forecastArrivals(load, policy, steps);
  const clamp = (workers: number) => Math.min(policy.maxWorkers, Math.max(policy.minWorkers, workers));
  const advice = (recommendedWorkers: number, neededSlots: number | null, throughput: number | null, meanAudioSeconds: number | null): StageAdvice => ({
    stage: load.stage,
    currentWorkers: load.currentWorkers,
    recommendedWorkers,
    neededSlots,
    inputs: {
      queueDepth: load.queueDepth,
      slotsPerWorker: load.slotsPerWorker,
      arrivalsPerMinute: load.arrivalsPerMinute,
      arrivalsThisMinute: load.arrivalsThisMinute,
      throughput,
      meanAudioSeconds,
      jobsMeasured: load.work?.jobs ?? 0,
    },
    forecast,
    steps,
  });

  const work = load.work;
  if (!work || work.jobs === 0 || work.audioSeconds <= 0) {
    const keep = clamp(load.currentWorkers);
    steps.push(`throughput: no completed job measured yet, so no model: keep ${load.currentWorkers} worker(s), within [${policy.minWorkers}, ${policy.maxWorkers}] → ${keep}`);
    return advice(keep, null, null, null);
  }
  const meanAudio = work.audioSeconds / work.jobs;
  steps.push(`mean audio per job: ${f(work.audioSeconds)} s over ${work.jobs} job(s) = ${f(meanAudio)} s`);
  if (work.busySeconds <= 0) {
    const minimum = clamp(0);
    steps.push(`throughput: the ${load.stage} stages took no measurable time in those jobs, so load needs no workers: minimum → ${minimum}`);
    return advice(minimum, 0, null, meanAudio);
  }
  const throughput = work.audioSeconds / work.busySeconds;
  steps.push(`throughput: ${f(work.audioSeconds)} s of audio in ${f(work.busySeconds)} s of ${load.stage} time = ${f(throughput)} s of audio per second per slot`);

  const incoming = (forecast.forecastPerMinute / 60) * meanAudio;
  steps.push(`incoming work: ${f(forecast.forecastPerMinute)} jobs/min × ${f(meanAudio)} s / 60 = ${f(incoming)} s of audio per second`);
  const steady = incoming / (throughput * policy.targetUtilisation);
  steps.push(`steady state: ${f(incoming)} / (${f(throughput)} × ${policy.targetUtilisation} utilisation) = ${f(steady)} slots`);
  const backlogAudio = load.queueDepth * meanAudio;
  const backlog = backlogAudio / (throughput * policy.drainMinutes * 60);
  steps.push(`backlog: ${load.queueDepth} waiting × ${f(meanAudio)} s = ${f(backlogAudio)} s of audio, cleared in ${policy.drainMinutes} min: ${f(backlogAudio)} / (${f(throughput)} × ${policy.drainMinutes * 60}) = ${f(backlog)} slots`);
  const slots = steady + backlog;
  // A hair of tolerance so 2.0000000001 slots (floating point) does not ask for a third.
  const workers = Math.ceil(slots / load.slotsPerWorker - 1e-9);
  const recommended = clamp(workers);
  steps.push(`workers: ceil((${f(steady)} + ${f(backlog)}) / ${load.slotsPerWorker} slot(s) per worker) = ${workers}, within [${policy.minWorkers}, ${policy.maxWorkers}] → ${recommended}`);
  return advice(recommended, slots, throughput, meanAudio);
}

export function adviseScale(loads: readonly StageLoad[], policy: ScalePolicy = DEFAULT_POLICY): StageAdvice[] {
  return loads.map((load) => adviseStage(load, policy));
}

/**
 * EWMA of the whole minutes, plus the least-squares slope of the last `trendMinutes` projected
 * `horizonMinutes` ahead; never below zero nor below what the running minute already brought.
 */
function forecastArrivals(load: StageLoad, policy: ScalePolicy, steps: string[]): StageAdvice['forecast'] {
  const minutes = load.arrivalsPerMinute;
  let ewma = minutes[0] ?? 0;
  for (const count of minutes.slice(1)) ewma = policy.ewmaAlpha * count + (1 - policy.ewmaAlpha) * ewma;
  const recent = minutes.slice(-policy.trendMinutes);
  const trend = slope(recent);
  const projected = ewma + trend * policy.horizonMinutes;
  const forecastPerMinute = Math.max(0, projected, load.arrivalsThisMinute);
  steps.push(
    `arrivals: EWMA (α=${policy.ewmaAlpha}) of ${minutes.length} min = ${f(ewma)} jobs/min; trend over the last ${recent.length} min = ${sign(trend)} jobs/min per min; ` +
      `${policy.horizonMinutes} min ahead: ${f(ewma)} ${trend < 0 ? '-' : '+'} ${f(Math.abs(trend))} × ${policy.horizonMinutes} = ${f(projected)}, ` +
      `at least 0 and this minute's ${load.arrivalsThisMinute} so far → ${f(forecastPerMinute)} jobs/min`,
  );
  return { ewmaPerMinute: ewma, trendPerMinute: trend, forecastPerMinute };
}

/** Least-squares slope of values at x = 0, 1, 2, …; zero for fewer than two points. */
function slope(values: readonly number[]): number {
  const n = values.length;
  if (n < 2) return 0;
  const meanX = (n - 1) / 2;
  const meanY = values.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  values.forEach((y, x) => {
    num += (x - meanX) * (y - meanY);
    den += (x - meanX) ** 2;
  });
  return num / den;
}

/** Three significant decimals at most, without trailing zeros: the steps stay readable. */
function f(value: number): string {
  return String(Number(value.toFixed(3)));
}

function sign(value: number): string {
  return value < 0 ? f(value) : `+${f(value)}`;
}
