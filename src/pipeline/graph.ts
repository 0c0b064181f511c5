/**
 * A job as a graph of stages. Each stage names the values it needs; the runner starts a stage as
 * soon as its inputs exist, so independent stages run side by side, and reports what each one
 * cost. A stage may return an AsyncIterable: downstream stages then consume it piece by piece
 * (decode → VAD → ASR stream segment by segment, which keeps memory bounded on long files).
 */

export interface StageContext {
  signal: AbortSignal;
  /** Reports how far this stage is, 0..1, when it knows. */
  progress(fraction: number): void;
}

export interface Stage<V extends Record<string, unknown>> {
  name: string;
  /** Names of the values this stage reads: initial values or other stages' outputs. */
  inputs: readonly (keyof V & string)[];
  run(values: Partial<V>, context: StageContext): Promise<unknown> | unknown;
}

export type PipelineEvent =
  | { type: 'stage-start'; stage: string }
  | { type: 'stage-progress'; stage: string; fraction: number }
  | { type: 'stage-end'; stage: string; ms: number }
  | { type: 'stage-error'; stage: string; error: unknown };

export interface RunOptions {
  signal?: AbortSignal;
  onEvent?: (event: PipelineEvent) => void;
}

export interface RunResult<V> {
  values: V;
  /**
   * Wall time each stage kept busy, in ms. For a streaming stage this is the time spent producing
   * its items, not counting the time its own streaming inputs took to produce theirs.
   */
  timings: Record<string, number>;
}

export class PipelineGraph<V extends Record<string, unknown>> {
  private readonly stages: Stage<V>[];

  constructor(stages: Stage<V>[], initialNames: readonly (keyof V & string)[]) {
    this.stages = stages;
    this.checkShape(initialNames);
  }

  /** Stage names in an order that respects their dependencies. */
  get order(): string[] {
    return this.stages.map((s) => s.name);
  }

  private checkShape(initialNames: readonly string[]): void {
    const known = new Set<string>(initialNames);
    const pending = [...this.stages];
    const seen = new Set<string>();
    for (const stage of this.stages) {
      if (seen.has(stage.name) || known.has(stage.name)) {
        throw new Error(`pipeline: the name "${stage.name}" is declared twice`);
      }
      seen.add(stage.name);
    }
    const all = new Set([...known, ...seen]);
    for (const stage of this.stages) {
      for (const input of stage.inputs) {
        if (!all.has(input)) throw new Error(`pipeline: stage "${stage.name}" needs "${input}", which nothing provides`);
      }
    }
    // Kahn's algorithm: any stage left over sits on a cycle.
    const ordered: Stage<V>[] = [];
    while (pending.length > 0) {
      const ready = pending.findIndex((s) => s.inputs.every((i) => known.has(i)));
      if (ready < 0) throw new Error(`pipeline: cycle among ${pending.map((s) => s.name).join(', ')}`);
      const [stage] = pending.splice(ready, 1);
      ordered.push(stage);
      known.add(stage.name);
    }
    this.stages.splice(0, this.stages.length, ...ordered);
  }

  async run(initial: Partial<V>, options: RunOptions = {}): Promise<RunResult<V>> {
    const emit = options.onEvent ?? (() => {});
    const signal = options.signal ?? new AbortController().signal;
    const values: Record<string, unknown> = { ...initial };
    const busy: Record<string, number> = {};
    const streamInputs: Record<string, string[]> = {};
    const done = new Map<string, Promise<void>>();

    const runStage = async (stage: Stage<V>): Promise<void> => {
      await Promise.all(stage.inputs.map((i) => done.get(i)));
      signal.throwIfAborted();
      emit({ type: 'stage-start', stage: stage.name });
      const context: StageContext = {
        signal,
        progress: (fraction) => emit({ type: 'stage-progress', stage: stage.name, fraction }),
      };
      const inputs = Object.fromEntries(stage.inputs.map((i) => [i, values[i]])) as Partial<V>;
      streamInputs[stage.name] = stage.inputs.filter((i) => isAsyncIterable(values[i]));
      const started = performance.now();
      let output: unknown;
      try {
        output = await stage.run(inputs, context);
      } catch (error) {
        emit({ type: 'stage-error', stage: stage.name, error });
        throw error;
      }
      busy[stage.name] = performance.now() - started;
      if (isAsyncIterable(output)) {
        const consumers = this.stages.filter((s) => s.inputs.includes(stage.name)).length;
        if (consumers > 1) throw new Error(`pipeline: stage "${stage.name}" streams, so only one stage may read it`);
        values[stage.name] = timeStream(output, (ms) => {
          busy[stage.name] += ms;
        }, () => emit({ type: 'stage-end', stage: stage.name, ms: selfTime(stage.name) }));
      } else {
        values[stage.name] = output;
        emit({ type: 'stage-end', stage: stage.name, ms: selfTime(stage.name) });
      }
    };

    // A streaming stage's pulls include the time its streaming inputs spent producing items.
    const selfTime = (name: string): number =>
      Math.max(0, (busy[name] ?? 0) - (streamInputs[name] ?? []).reduce((sum, i) => sum + (busy[i] ?? 0), 0));

    for (const stage of this.stages) {
      const running = runStage(stage);
      // Stops unhandled-rejection noise for stages nobody awaits yet; the error still surfaces below.
      running.catch(() => {});
      done.set(stage.name, running);
    }
    await Promise.all(done.values());
    const timings = Object.fromEntries(this.stages.map((s) => [s.name, selfTime(s.name)]));
    return { values: values as V, timings };
  }
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

async function* timeStream<T>(
  source: AsyncIterable<T>,
  addBusy: (ms: number) => void,
  onEnd: () => void,
): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  try {
    for (;;) {
      const started = performance.now();
      const next = await iterator.next();
      addBusy(performance.now() - started);
      if (next.done) break;
      yield next.value;
    }
    onEnd();
  } finally {
    await iterator.return?.();
  }
}
