/**
 * Turns the worker's job events (src/queue/worker.ts JobEvent) into metrics and throughput
 * samples: stage durations from the pipeline's stage-end events, the real-time factor and status
 * transitions from each job's end.
 */
import type { JobEvent } from '../queue/worker.js';
import type { EarshotMetrics } from './metrics.js';
import type { ThroughputWindow } from './throughput.js';

/**
 * The pipeline stages an `asr` worker runs (decode, speech detection, recognition, assembling the
 * transcript); every later stage (formatting, speakers, redaction, analyses) is `intelligence`
 * work, as `earshot worker --stages` splits them (issue 12 item 2).
 */
const ASR_STAGES = new Set(['decode', 'vad', 'asr', 'taps', 'transcript']);

export function workerStageOf(pipelineStage: string): 'asr' | 'intelligence' {
  return ASR_STAGES.has(pipelineStage) ? 'asr' : 'intelligence';
}

export class JobObserver {
  /** Busy seconds per worker stage of the jobs now running. */
  private readonly busy = new Map<string, Record<string, number>>();

  constructor(
    private readonly metrics: EarshotMetrics,
    private readonly throughput: ThroughputWindow,
  ) {}

  readonly handle = (event: JobEvent): void => {
    const { metrics } = this;
    switch (event.type) {
      case 'processing':
        metrics.jobTransitions.inc({ status: 'processing' });
        this.busy.set(event.transcriptId, {});
        return;
      case 'stage': {
        if (event.event.type !== 'stage-end') return;
        const seconds = event.event.ms / 1000;
        metrics.stageDuration.observe({ stage: event.event.stage }, seconds);
        const busy = this.busy.get(event.transcriptId);
        if (busy) {
          const stage = workerStageOf(event.event.stage);
          busy[stage] = (busy[stage] ?? 0) + seconds;
        }
        return;
      }
      case 'analysing':
        this.busy.set(event.transcriptId, {});
        return;
      case 'recognised':
        // Scale-out's first stage ends here; the intelligence worker measures its own part.
        this.sample(event.transcriptId, event.audioSeconds);
        this.busy.delete(event.transcriptId);
        return;
      case 'completed': {
        metrics.jobTransitions.inc({ status: 'completed' });
        metrics.audioSeconds.inc(event.audioSeconds);
        if (event.audioSeconds > 0) metrics.realtimeFactor.observe(event.processingSeconds / event.audioSeconds);
        this.sample(event.transcriptId, event.audioSeconds);
        this.busy.delete(event.transcriptId);
        return;
      }
      case 'error':
        metrics.jobTransitions.inc({ status: 'error' });
        this.busy.delete(event.transcriptId);
    }
  };

  private sample(transcriptId: string, audioSeconds: number): void {
    if (audioSeconds > 0) this.throughput.add(audioSeconds, this.busy.get(transcriptId) ?? {});
  }
}
