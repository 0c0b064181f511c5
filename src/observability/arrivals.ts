/**
 * Jobs arriving per minute, the last `windowMinutes` of them, for the autoscaling forecast
 * (issue 12 item 7). In-process: right for `earshot serve`, where one process takes every
 * request; API processes sharing a queue need one history kept in that queue or the database.
 */
export interface ArrivalSnapshot {
  /** Whole minutes, oldest first, ending with the last complete minute; zeros where none came. */
  perMinute: number[];
  /** Arrivals so far in the minute now running. */
  thisMinute: number;
}

export class ArrivalHistory {
  /** Minute number (ms since the epoch ÷ 60 000) → arrivals, only minutes within the window. */
  private readonly counts = new Map<number, number>();

  constructor(
    readonly windowMinutes = 30,
    private readonly now: () => number = Date.now,
  ) {}

  record(at = this.now()): void {
    const minute = Math.floor(at / 60_000);
    this.counts.set(minute, (this.counts.get(minute) ?? 0) + 1);
    for (const m of this.counts.keys()) if (m < minute - this.windowMinutes) this.counts.delete(m);
  }

  snapshot(at = this.now()): ArrivalSnapshot {
    const current = Math.floor(at / 60_000);
    const perMinute: number[] = [];
    for (let m = current - this.windowMinutes; m < current; m++) perMinute.push(this.counts.get(m) ?? 0);
    return { perMinute, thisMinute: this.counts.get(current) ?? 0 };
  }
}
