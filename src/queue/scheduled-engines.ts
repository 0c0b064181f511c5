/**
 * The engine cache of a process that runs transcription jobs, with every job's recognition going
 * through a SegmentScheduler (issue #12 item 3). A job runs inside `run(ticket, …)`; whatever it
 * recognises there — however deep in the pipeline — carries that ticket, found through
 * AsyncLocalStorage, so neither the worker nor the pipeline needs to know about scheduling.
 * Recognition outside a job (no ticket) goes straight to the engine.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { EngineOptions, Recognition, RecognizeOptions, SpeechEngine } from '../engines/engine.js';
import { DEFAULT_ENGINE, EngineCache } from '../engines/registry.js';
import { SegmentScheduler, type SchedulerTicket, type SegmentSchedulerOptions } from './segment-scheduler.js';

export class ScheduledEngines extends EngineCache {
  private readonly tickets = new AsyncLocalStorage<SchedulerTicket>();
  private readonly scheduled = new Map<SpeechEngine, { scheduler: SegmentScheduler; facade: SpeechEngine }>();
  constructor(
    private readonly priorities: SegmentSchedulerOptions['priorities'] = {},
    defaults: EngineOptions = {},
  ) {
    super(defaults);
  }

  /**
   * As many segments in recognition as the engine has decoders, so its own queue stays empty and
   * the scheduler's order is the order decoding happens in.
   */
  private get slots(): number {
    return this.defaults.parallelism ?? 1;
  }

  /** Runs one job's work with its ticket. */
  run<T>(ticket: SchedulerTicket, work: () => Promise<T>): Promise<T> {
    return this.tickets.run(ticket, work);
  }

  override async get(name: string = DEFAULT_ENGINE, options: EngineOptions = {}): Promise<SpeechEngine> {
    const engine = await super.get(name, options);
    let entry = this.scheduled.get(engine);
    if (!entry) {
      const scheduler = new SegmentScheduler(engine, { slots: this.slots, priorities: this.priorities });
      const facade: SpeechEngine = {
        name: engine.name,
        model: engine.model,
        recognize: (pcm: Int16Array, recognizeOptions?: RecognizeOptions): Promise<Recognition> => {
          const ticket = this.tickets.getStore();
          return ticket ? scheduler.engineFor(ticket).recognize(pcm, recognizeOptions) : engine.recognize(pcm, recognizeOptions);
        },
        createRecognizer: (recognizeOptions) => engine.createRecognizer(recognizeOptions),
        close: () => engine.close(),
      };
      entry = { scheduler, facade };
      this.scheduled.set(engine, entry);
    }
    return entry.facade;
  }

  /** Segments waiting and running, over every engine (for metrics and tests). */
  get stats(): { running: number; waiting: number } {
    let running = 0;
    let waiting = 0;
    for (const { scheduler } of this.scheduled.values()) {
      running += scheduler.stats.running;
      waiting += scheduler.stats.waiting;
    }
    return { running, waiting };
  }

  override async close(): Promise<void> {
    for (const { scheduler } of this.scheduled.values()) scheduler.close();
    this.scheduled.clear();
    await super.close();
  }
}
