/**
 * Measured throughput per worker stage over the last completed jobs: seconds of audio handled per
 * second of stage busy time, the rate one job slot sustains (issue 12 item 7).
 */
export interface StageWork {
  audioSeconds: number;
  busySeconds: number;
  jobs: number;
}

interface JobSample {
  audioSeconds: number;
  busySeconds: Record<string, number>;
}

export class ThroughputWindow {
  private readonly samples: JobSample[] = [];

  /** Recent jobs only, so a model or hardware change shows within `size` jobs. */
  constructor(readonly size = 50) {}

  /** One completed job: its audio length and the busy seconds each worker stage spent on it. */
  add(audioSeconds: number, busySeconds: Record<string, number>): void {
    this.samples.push({ audioSeconds, busySeconds });
    if (this.samples.length > this.size) this.samples.shift();
  }

  /**
   * Totals over the window for one worker stage, from the jobs that stage worked on here (a
   * scaled-out worker sees only its own stage's part); null before the first one.
   */
  work(stage: string): StageWork | null {
    let audioSeconds = 0;
    let busySeconds = 0;
    let jobs = 0;
    for (const s of this.samples) {
      if (!(stage in s.busySeconds)) continue;
      audioSeconds += s.audioSeconds;
      busySeconds += s.busySeconds[stage];
      jobs++;
    }
    return jobs === 0 ? null : { audioSeconds, busySeconds, jobs };
  }
}
