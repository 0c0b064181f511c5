/**
 * Diarization error rate as issue 7 defines it for the speaker tests: missed speech is left out,
 * so the figure is speaker confusion over the reference time the hypothesis labels, under the
 * one-to-one mapping of hypothesis labels to reference speakers that minimises it. Time is
 * sampled every 10 ms; false alarms and misses are reported beside it for information.
 */
export interface LabelledSpan {
  speaker: string;
  start: number;
  end: number;
}

export interface DerReport {
  /** confusion / scored, 0..1 */
  der: number;
  confusionMs: number;
  /** Reference speech that the hypothesis labels (the denominator). */
  scoredMs: number;
  missedMs: number;
  falseAlarmMs: number;
  /** Hypothesis label → reference speaker. */
  mapping: Record<string, string>;
}

const STEP_MS = 10;

export function diarizationErrorRate(reference: readonly LabelledSpan[], hypothesis: readonly LabelledSpan[]): DerReport {
  const end = Math.max(0, ...reference.map((s) => s.end), ...hypothesis.map((s) => s.end));
  const at = (spans: readonly LabelledSpan[], t: number) => spans.find((s) => t >= s.start && t < s.end)?.speaker;
  const refSpeakers = [...new Set(reference.map((s) => s.speaker))];
  const hypSpeakers = [...new Set(hypothesis.map((s) => s.speaker))];
  // Co-occurrence counts of (hypothesis label, reference speaker) in 10 ms steps.
  const overlap = new Map<string, number>();
  let scored = 0;
  let missed = 0;
  let falseAlarm = 0;
  for (let t = STEP_MS / 2; t < end; t += STEP_MS) {
    const r = at(reference, t);
    const h = at(hypothesis, t);
    if (r && h) {
      scored += STEP_MS;
      overlap.set(`${h}\u0000${r}`, (overlap.get(`${h}\u0000${r}`) ?? 0) + STEP_MS);
    } else if (r) missed += STEP_MS;
    else if (h) falseAlarm += STEP_MS;
  }
  let bestCorrect = -1;
  let bestMapping: Record<string, string> = {};
  for (const mapping of injections(hypSpeakers, refSpeakers)) {
    const correct = Object.entries(mapping).reduce((n, [h, r]) => n + (overlap.get(`${h}\u0000${r}`) ?? 0), 0);
    if (correct > bestCorrect) [bestCorrect, bestMapping] = [correct, mapping];
  }
  const confusion = scored - Math.max(0, bestCorrect);
  return { der: scored === 0 ? 0 : confusion / scored, confusionMs: confusion, scoredMs: scored, missedMs: missed, falseAlarmMs: falseAlarm, mapping: bestMapping };
}

/** Every one-to-one mapping of hypothesis labels to reference speakers (labels left over map to none). */
function* injections(from: readonly string[], to: readonly string[], used = new Set<string>()): Generator<Record<string, string>> {
  if (from.length === 0) {
    yield {};
    return;
  }
  const [head, ...rest] = from;
  let mappedAny = false;
  for (const target of to) {
    if (used.has(target)) continue;
    mappedAny = true;
    used.add(target);
    for (const tail of injections(rest, to, used)) yield { [head]: target, ...tail };
    used.delete(target);
  }
  if (!mappedAny || from.length > to.length - used.size) for (const tail of injections(rest, to, used)) yield tail;
}
