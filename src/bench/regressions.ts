/**
 * Which benchmark runs regressed: each run is compared with the median of the runs before it in
 * its series (same engine, model and audio), over a window of the most recent ones. The median
 * rather than the last run, so one noisy run neither raises a false alarm on the next nor hides a
 * real slow-down.
 */
import { seriesKey, type BenchRecord } from './history.js';

export type MetricName = 'rtf' | 'throughput' | 'peakRssMiB';

export interface MetricSpec {
  name: MetricName;
  label: string;
  unit: string;
  /** Whether a larger value is worse (RTF, memory) or better (throughput). */
  higherIsWorse: boolean;
}

export const METRICS: readonly MetricSpec[] = [
  { name: 'rtf', label: 'Real-time factor', unit: '× real time (lower is faster)', higherIsWorse: true },
  { name: 'throughput', label: 'Throughput', unit: 'audio s per wall s (higher is faster)', higherIsWorse: false },
  { name: 'peakRssMiB', label: 'Peak memory', unit: 'MiB resident (lower is better)', higherIsWorse: true },
];

export interface RegressionOptions {
  /** Relative change that counts as a regression (default 0.2: RTF +20 %, memory +20 %, throughput −20 %). */
  threshold?: number;
  /** Previous runs the median is taken over (default 5). */
  window?: number;
  /** Previous runs needed before a run can be judged (default 1). */
  minPrevious?: number;
}

export interface Regression {
  /** Index of the run in the records given. */
  index: number;
  series: string;
  metric: MetricName;
  value: number;
  median: number;
  /** (value − median) ÷ median: +0.25 is 25 % more. */
  change: number;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Every (run, metric) that regressed, in record order. `records` must be oldest first. */
export function findRegressions(records: readonly BenchRecord[], options: RegressionOptions = {}): Regression[] {
  const threshold = options.threshold ?? 0.2;
  const window = Math.max(1, options.window ?? 5);
  const minPrevious = Math.max(1, options.minPrevious ?? 1);
  const bySeries = new Map<string, number[]>();
  const found: Regression[] = [];
  records.forEach((record, index) => {
    const series = seriesKey(record);
    const earlier = bySeries.get(series) ?? [];
    if (earlier.length >= minPrevious) {
      const previous = earlier.slice(-window).map((i) => records[i]);
      for (const metric of METRICS) {
        const value = record[metric.name];
        const base = median(previous.map((r) => r[metric.name]));
        if (!(base > 0)) continue;
        const change = (value - base) / base;
        const worse = metric.higherIsWorse ? change > threshold : change < -threshold;
        if (worse) found.push({ index, series, metric: metric.name, value, median: base, change });
      }
    }
    earlier.push(index);
    bySeries.set(series, earlier);
  });
  return found;
}
