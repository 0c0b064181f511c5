import { EarshotError } from '../errors.js';

export interface JobDeadlineLimits {
  /** Seconds a job may take per second of audio decoded so far. */
  secondsPerAudioSecond: number;
  /** Seconds every job gets on top (start-up, short files, feature stages). */
  minSeconds: number;
}

/**
 * A job's deadline, scaled to its audio (issue 15 item 1): `minSeconds` plus `secondsPerAudioSecond`
 * for every second decoded so far. It grows as decoding reports progress, so the container's
 * declared length is never trusted, and a job stuck or starved past it is aborted with
 * `job_deadline_exceeded` instead of holding a slot for ever.
 */
export class JobDeadline {
  private readonly controller = new AbortController();
  private readonly started: number;
  private audioMs = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly limits: JobDeadlineLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.started = now();
    this.timer = setInterval(() => this.check(), 1000);
    this.timer.unref();
  }

  /** Aborted with the `job_deadline_exceeded` error once the deadline passes. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Decoding got this far into the audio (ms). */
  progress(audioMs: number): void {
    if (audioMs > this.audioMs) this.audioMs = audioMs;
  }

  get limitMs(): number {
    return this.limits.minSeconds * 1000 + this.limits.secondsPerAudioSecond * this.audioMs;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private check(): void {
    if (this.now() - this.started <= this.limitMs) return;
    this.stop();
    const { minSeconds, secondsPerAudioSecond } = this.limits;
    this.controller.abort(
      new EarshotError(
        'job_deadline_exceeded',
        `The job ran past its deadline of ${Math.round(this.limitMs / 1000)} s (EARSHOT_JOB_MIN_SECONDS=${minSeconds} plus EARSHOT_JOB_SECONDS_PER_AUDIO_SECOND=${secondsPerAudioSecond} for each of the ${Math.round(this.audioMs / 1000)} s of audio decoded); the server was overloaded or the audio is unusually slow to process. Create the transcript again later, or ask the operator to raise the settings.`,
      ),
    );
  }
}
