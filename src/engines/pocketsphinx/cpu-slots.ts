/**
 * One decoding pool for every live stream, sized to the cores (issue 16): a stream's native calls
 * (64 ms pieces of first-pass search, utterance ends) each wait for one of `size` slots. A stream
 * has at most one call in flight, so first come, first served is round-robin across sessions and
 * no session's backlog can hold the others' pieces back. Utterance ends, which a final turn waits
 * for, go ahead of first-pass pieces. Without the pool, every session's call goes straight to
 * libuv's threads (4 by default), more than the cores: calls then share them and all run slower.
 */
import { availableParallelism } from 'node:os';

export type Urgency = 'final' | 'piece';

interface Waiter {
  start(): void;
}

export class CpuSlots {
  private running = 0;
  private readonly finals: Waiter[] = [];
  private readonly pieces: Waiter[] = [];

  constructor(readonly size: number) {}

  /** Runs `task` once a slot is free; `final` tasks are served before waiting `piece` tasks. */
  run<T>(urgency: Urgency, task: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = () => {
        this.running++;
        task().then(resolve, reject).finally(() => {
          this.running--;
          (this.finals.shift() ?? this.pieces.shift())?.start();
        });
      };
      if (this.running < this.size) start();
      else (urgency === 'final' ? this.finals : this.pieces).push({ start });
    });
  }

  /** Calls waiting for a slot. */
  get waiting(): number {
    return this.finals.length + this.pieces.length;
  }
}

/** Shared by all stream decoders of the process. */
export const streamSlots = new CpuSlots(availableParallelism());
