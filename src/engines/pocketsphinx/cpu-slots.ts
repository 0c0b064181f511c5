/**
 * One decoding pool for every live stream, sized to the cores (issue 16): a stream's native calls
 * (64 ms pieces of first-pass search, utterance ends) each wait for one of `size` slots. Without
 * the pool, every session's call goes straight to libuv's threads (4 by default), more than the
 * cores: calls then share them and all run slower.
 *
 * Order: utterance ends, which a final turn waits for, go first; then pieces by deadline, the
 * moment their audio could have arrived (earliest deadline first; DecodingStream.deadlineOf). A
 * stream has at most one call in flight, so with equal lag this is round-robin across sessions; a
 * session that fell behind (a burst of speech on every session at once, a late start) has older
 * audio and is served ahead of sessions that are current, so it catches up at the speed of a whole
 * core instead of one piece per round. A client that sends faster than real time has deadlines in
 * the future, so its backlog waits behind everyone who is current: it is the one slowed, by
 * back-pressure, not the real-time sessions.
 *
 * How late pieces start past their deadline, when they had to wait for a slot, is also the pool's
 * measure of load (lateMs): a machine that is full shows it there before any final is late,
 * whatever its speed or other work. A piece that finds a slot free says nothing about load however
 * old its audio, and a stream still working off the audio that queued while it was set up leaves
 * its pieces uncounted (`countsLateness`): a newcomer's start-up is not the pool falling behind.
 */
import { availableParallelism } from 'node:os';

export type Urgency = 'final' | 'piece';

interface Waiter {
  deadline: number;
  start(queued: boolean): void;
}

/** How fast a past lateness is forgotten: it counts for about this long. */
const LATENESS_MEMORY_MS = 2000;

export class CpuSlots {
  private running = 0;
  private late = 0;
  private lateAt = 0;
  private readonly finals: Waiter[] = [];
  /** Kept sorted by deadline; ties keep arrival order. */
  private readonly pieces: Waiter[] = [];

  constructor(readonly size: number) {}

  /**
   * Runs `task` once a slot is free. `final` tasks are served before waiting pieces, pieces in
   * order of `deadline` (a performance.now() time: when the piece's audio could have arrived).
   */
  run<T>(urgency: Urgency, task: () => Promise<T>, deadline = performance.now(), countsLateness = true): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = (queued: boolean) => {
        this.running++;
        if (urgency === 'piece' && queued && countsLateness) this.noteLateness(performance.now() - deadline);
        // The slot is handed on before the caller hears back, so a stream's next piece, sent from
        // that continuation, finds the slot free unless another stream is really waiting for it.
        const release = () => {
          this.running--;
          (this.finals.shift() ?? this.pieces.shift())?.start(true);
        };
        task().then(
          (value) => {
            release();
            resolve(value);
          },
          (err: unknown) => {
            release();
            reject(err);
          },
        );
      };
      if (this.running < this.size) start(false);
      else if (urgency === 'final') this.finals.push({ deadline, start });
      else insertByDeadline(this.pieces, { deadline, start });
    });
  }

  /**
   * How late pieces that waited for a slot have been starting lately, in ms past their deadline:
   * the largest recent lateness, fading over about LATENESS_MEMORY_MS. 0 when the pool keeps up.
   */
  lateMs(now = performance.now()): number {
    return this.late * Math.exp(-(now - this.lateAt) / LATENESS_MEMORY_MS);
  }

  private noteLateness(ms: number): void {
    const now = performance.now();
    this.late = Math.max(Math.max(0, ms), this.lateMs(now));
    this.lateAt = now;
  }

  /** Calls waiting for a slot. */
  get waiting(): number {
    return this.finals.length + this.pieces.length;
  }
}

function insertByDeadline(queue: Waiter[], waiter: Waiter): void {
  let i = queue.length;
  while (i > 0 && queue[i - 1].deadline > waiter.deadline) i--;
  queue.splice(i, 0, waiter);
}

/** Shared by all stream decoders of the process. */
export const streamSlots = new CpuSlots(availableParallelism());
