import type { ByteBudget, Reservation } from '../audio/byte-budget.js';
import { fetchRemoteAudio } from '../audio/remote.js';
import type { AudioVault } from '../audio/upload-vault.js';
import type { SpeechEngine } from '../engines/engine.js';
import { DEFAULT_ENGINE, type EngineCache } from '../engines/registry.js';
import { resolveEngines } from '../engines/speech-models.js';
import { EarshotError, isEarshotError } from '../errors.js';
import type { AudioRange } from '../pipeline/stages/trim.js';
import type { PipelineEvent } from '../pipeline/graph.js';
import { transcribeAudio, type TranscribeOptions } from '../pipeline/transcribe.js';
import type { Store, TranscriptJob, TranscriptOptions } from '../store/store.js';
import type { WebhookNotifier } from '../webhooks/sender.js';
import { vocabularyFromRequest } from '../engines/vocabulary/vocabulary.js';
import type { LlmConfig } from '../intelligence/llm/config.js';
import type { KnownVoice } from '../intelligence/speakers/known-voices.js';
import type { Voiceprint } from '../intelligence/speakers/voiceprint.js';
import { recogniseChannels } from '../pipeline/channels.js';
import { featureStages, FEATURES_OUTPUT, runFeatureStages, wantsChannels, type FeatureOptions, type FeatureResult, type Recognised } from '../pipeline/features.js';
import type { RecognitionHandoffs } from './recognition-handoff.js';
import { JobDeadline, type JobDeadlineLimits } from './job-deadline.js';
import type { RedactedAudioStore } from './redacted-audio.js';
import type { JobHandler, JobQueue } from './queue.js';
import type { SchedulerTicket } from './segment-scheduler.js';
import { toStoredResult } from './stored-result.js';
import { uploadIdOf, type UploadLeasing } from './upload-leases.js';

export interface WorkerLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** A logger whose every line carries these fields (pino's child): `transcript_id` per job. */
  child?(bindings: { transcript_id: string }): WorkerLogger;
}

/** What a job went through, for metrics (src/observability/job-observer.ts). */
export type JobEvent =
  | { type: 'processing'; transcriptId: string }
  | { type: 'stage'; transcriptId: string; event: PipelineEvent }
  /** Recognition done and handed to the intelligence stage (scale-out). */
  | { type: 'recognised'; transcriptId: string; audioSeconds: number }
  /** The intelligence stage took up a recognised transcript (scale-out). */
  | { type: 'analysing'; transcriptId: string }
  | { type: 'completed'; transcriptId: string; audioSeconds: number; processingSeconds: number }
  | { type: 'error'; transcriptId: string };

export interface TranscriptWorkerOptions {
  store: Store;
  vault: AudioVault;
  leases: UploadLeasing;
  engines: EngineCache;
  queue: JobQueue;
  /** null: webhooks are not sent (nothing to sign with). */
  webhooks: WebhookNotifier | null;
  /** Limits for fetching audio_url; a download reserves its bytes in `budget` (waiting while it is full). */
  remote: { maxBytes: number; timeoutMs: number; allowPrivateNetworks: boolean; budget?: ByteBudget };
  /** Longest decoded audio and the job deadline; without them, decoding's 12-hour default and no deadline. */
  limits?: JobLimits;
  logger: WorkerLogger;
  /** Where `redact_pii_audio` copies are held for download; null: such jobs fail, saying so. */
  redactedAudio: RedactedAudioStore | null;
  /** Chat endpoint for summaries and chapter titles; offline methods without it. */
  llm?: LlmConfig;
  onJobEvent?: (event: JobEvent) => void;
  /**
   * Runs a job's recognition under its scheduling ticket (ScheduledEngines.run), so its segments
   * take turns fairly with other jobs' and tenants'.
   */
  schedule?: <T>(ticket: SchedulerTicket, work: () => Promise<T>) => Promise<T>;
  /**
   * Scale-out's two stages (`earshot worker --stages`): where recognition leaves its result and
   * the queue the intelligence stage takes it from. Needed by handleRecognition and handleAnalysis.
   */
  stages?: { handoffs: RecognitionHandoffs; analysis: JobQueue };
  /**
   * Whether a transcript already `processing` that the queue delivers may be taken over: true only
   * with a queue that hands a job out again once its holder is gone (BullMQ's lock). Never with
   * MemoryQueue, where a processing transcript belongs to a live server sharing the database.
   */
  takeOver?: boolean;
}

export interface JobLimits extends JobDeadlineLimits {
  maxAudioSeconds: number;
}

/** What one run of a job carries through its stages: its signal, audio limits and deadline. */
interface JobRun {
  signal: AbortSignal;
  deadline?: JobDeadline;
  /** The audio_url download's hold on the memory budget, released when the job ends. */
  held?: Reservation;
}

/** Uploaded bytes live only in memory (issue 4, privacy), so a restart loses them. */
export const REUPLOAD_AFTER_RESTART =
  'The server restarted before this transcript was finished. Uploaded audio is kept only in memory, so it is gone: upload the file again and create a new transcript.';
export const REUPLOAD_AFTER_SHUTDOWN =
  'The server shut down before this transcript was finished. Uploaded audio is kept only in memory, so it is gone: upload the file again and create a new transcript.';
/** Matches the store's restart recovery (claimInterrupted): a job that keeps dying with its worker fails. */
export const MAX_STARTS = 3;
export const INTERRUPTED_TOO_OFTEN = `processing was interrupted ${MAX_STARTS} times (the worker stopped while transcribing); not retrying`;
export const REDACTED_AUDIO_NOWHERE =
  'redact_pii_audio needs a place to keep the redacted copy for download, and this worker was started without one; leave redact_pii_audio off, or run it through earshot serve or earshot worker.';
export const UPLOAD_GONE =
  'The uploaded audio is no longer available (its time-to-live passed before the job started); upload the file again and create a new transcript.';
export const RECOGNITION_GONE =
  'The recognised words expired in Redis before an intelligence worker took them up (is an `earshot worker --stages intelligence` or `all` running?); create the transcript again.';

/**
 * The orchestrator: runs one transcript job from the queue. It loads the job, marks it
 * processing, gets the audio (from the upload vault or by fetching audio_url), maps the request
 * options onto the pipeline (audio_start_from/audio_end_at → range, word_boost → vocabulary,
 * speech_model → engine, and every formatting and intelligence option → src/pipeline/features.ts), stores the result or the failure, drops the audio, and fires
 * the webhook. Options this build cannot honour never reach here: the API refuses them
 * (src/api/schemas/transcript-options.ts).
 */
export class TranscriptWorker {
  constructor(private readonly options: TranscriptWorkerOptions) {}

  /** A whole job, every stage in this process: `queue.process(worker.handle, concurrency)`. */
  readonly handle: JobHandler = (transcriptId, signal) => this.run(transcriptId, signal, 'whole');

  /**
   * Scale-out's first stage: decode, find speech, recognise, extract speaker features; the result
   * goes to Redis and the transcript to the intelligence queue, still `processing`.
   */
  readonly handleRecognition: JobHandler = (transcriptId, signal) => this.run(transcriptId, signal, 'recognition');

  /** Scale-out's second stage: formatting, speakers, redaction and analyses, then the result. */
  readonly handleAnalysis: JobHandler = (transcriptId, signal, delivery) => this.analyse(transcriptId, signal, delivery?.attempt ?? 1);

  /**
   * Restart recovery, once before the queue runs: jobs a dead process left behind. Upload-based
   * ones fail asking for a re-upload (their audio was only in that process's memory); url-based
   * ones are queued again and fetched anew.
   */
  async recover(): Promise<{ requeued: number; failed: number }> {
    const { store, queue, logger } = this.options;
    const { queued, failed } = await store.claimInterrupted();
    for (const job of failed) {
      this.jobLogger(job.id).warn(`transcript ${job.id}: ${job.error ?? 'failed after repeated interruptions'}`);
      await this.notify(job, 'error');
    }
    let requeued = 0;
    let lost = 0;
    for (const job of queued) {
      if (job.audioKind === 'upload') {
        if (await store.failTranscript(job.id, REUPLOAD_AFTER_RESTART)) {
          lost++;
          await this.notify(job, 'error');
        }
      } else {
        await queue.enqueue(job.id, job.projectId);
        requeued++;
      }
    }
    if (requeued + lost + failed.length > 0) {
      logger.info(`recovered unfinished transcripts: ${requeued} re-queued (audio_url), ${lost} failed (uploads lost), ${failed.length} failed (interrupted too often)`);
    }
    return { requeued, failed: lost + failed.length };
  }

  /**
   * Scale-out start (`earshot worker`): submits every unfinished transcript to the queue. Job ids
   * are transcript ids, so the queue ignores those it already holds; this re-creates only jobs the
   * queue lost (a Redis that restarted empty) or that an api process failed to submit.
   */
  async resubmitUnfinished(): Promise<number> {
    const unfinished = await this.options.store.listUnfinished();
    const stages = this.options.stages;
    for (const job of unfinished) {
      // Recognised already: only its intelligence stage is left.
      if (stages && job.status === 'processing' && (await stages.handoffs.has(job.id))) await stages.analysis.enqueue(job.id, job.projectId);
      else await this.options.queue.enqueue(job.id, job.projectId);
    }
    return unfinished.length;
  }

  private async run(id: string, signal: AbortSignal, part: 'whole' | 'recognition'): Promise<void> {
    const { store, vault } = this.options;
    const logger = this.jobLogger(id);
    const report = this.options.onJobEvent ?? (() => {});
    const job = await store.getJob(id);
    if (!job || job.deletedAt) return;
    const uploadId = job.audioKind === 'upload' && job.audioUrl ? uploadIdOf(job.audioUrl) : null;
    if (!(await this.claim(job, logger))) return;
    let handedBack = false;
    const limits = this.options.limits;
    const deadline = limits ? new JobDeadline(limits) : undefined;
    const jobRun: JobRun = { signal: deadline ? AbortSignal.any([signal, deadline.signal]) : signal, deadline };
    try {
      report({ type: 'processing', transcriptId: id });
      const started = Date.now();
      try {
        if (part === 'recognition') await this.recogniseAndHandOn(job, uploadId, jobRun, logger, started);
        else await this.complete(job, await this.schedule(job, () => this.transcribe(job, uploadId, jobRun, logger)), started, logger);
      } catch (err) {
        if (!signal.aborted && deadline?.signal.aborted) {
          await this.fail(job, deadline.signal.reason, logger);
          return;
        }
        if (signal.aborted) {
          // Shutting down. With a shared vault the queue hands the job to another worker, which
          // takes it over (store.resumeProcessing). Otherwise a url job stays `processing` and is
          // fetched again on the next start (store.claimInterrupted); an upload's bytes die with
          // this process, so say so now.
          handedBack = vault.shared;
          if (!vault.shared && uploadId !== null && (await store.failTranscript(id, REUPLOAD_AFTER_SHUTDOWN))) {
            report({ type: 'error', transcriptId: id });
            await this.notify(job, 'error');
          }
          return;
        }
        if (redisLost(err)) {
          // Not the job's fault: the queue delivers it again once Redis is back.
          handedBack = true;
          throw err;
        }
        await this.fail(job, err, logger);
      }
    } finally {
      deadline?.stop();
      jobRun.held?.release();
      if (uploadId !== null && !handedBack) await this.options.leases.release(uploadId, id);
    }
  }

  /**
   * Recognition for the intelligence stage to pick up. A worker that took over a job whose result
   * is already in Redis (its first worker stopped between storing it and handing it on) only
   * hands it on; the analysis queue ignores a transcript it already holds.
   */
  private async recogniseAndHandOn(job: TranscriptJob, uploadId: string | null, run: JobRun, logger: WorkerLogger, started: number): Promise<void> {
    const { handoffs, analysis } = this.requireStages();
    if (await handoffs.has(job.id)) {
      logger.info(`transcript ${job.id}: already recognised by a worker that stopped before handing it on`);
    } else {
      const recognised = await this.schedule(job, () => this.recognise(job, uploadId, run));
      await handoffs.put(job.projectId, job.id, { ...recognised, startedAt: started });
      this.options.onJobEvent?.({ type: 'recognised', transcriptId: job.id, audioSeconds: recognised.transcript.durationMs / 1000 });
    }
    await analysis.enqueue(job.id, job.projectId);
  }

  /**
   * The intelligence stage of a recognised transcript. Delivered again after its worker stopped,
   * it counts as another start of the transcript (MAX_STARTS covers both stages).
   */
  private async analyse(id: string, signal: AbortSignal, attempt: number): Promise<void> {
    const { store } = this.options;
    const { handoffs } = this.requireStages();
    const logger = this.jobLogger(id);
    const job = await store.getJob(id);
    if (!job || job.deletedAt || job.status === 'queued') {
      if (!job || job.deletedAt) await handoffs.drop(id);
      return;
    }
    if (job.status !== 'processing') {
      // Finished, but its worker stopped before scheduling the webhook or removing the hand-off.
      await this.notify(job, job.status);
      await handoffs.drop(id);
      return;
    }
    if (attempt > 1 && !(await store.resumeProcessing(id, MAX_STARTS))) {
      if (await store.failTranscript(id, INTERRUPTED_TOO_OFTEN)) {
        this.options.onJobEvent?.({ type: 'error', transcriptId: id });
        await this.notify(job, 'error');
      }
      await handoffs.drop(id);
      return;
    }
    this.options.onJobEvent?.({ type: 'analysing', transcriptId: id });
    let finished = true;
    try {
      const handoff = await handoffs.get(job.projectId, id);
      if (!handoff) throw new EarshotError('invalid_request', RECOGNITION_GONE);
      const result = await runFeatureStages(handoff, (await this.featureStages(job, signal, logger)).stages, { signal, onEvent: this.stageEvents(job) });
      await this.complete(job, result, handoff.startedAt, logger);
    } catch (err) {
      // Shutting down or Redis lost: the queue delivers the job again, and it needs the hand-off.
      if (signal.aborted || redisLost(err)) finished = false;
      else await this.fail(job, err, logger);
      if (redisLost(err)) throw err;
    } finally {
      if (finished) await handoffs.drop(id);
    }
  }

  /** Conditional on `processing`: of two workers that both ran a job, one write wins, and only that one sends the webhook. */
  private async complete(job: TranscriptJob, result: FeatureResult, started: number, logger: WorkerLogger): Promise<void> {
    const { transcript, intelligence, redactedAudio, unredacted, speakers } = result;
    if (redactedAudio) await this.options.redactedAudio?.put(job.projectId, job.id, redactedAudio);
    if (await this.options.store.completeTranscript(job.id, { result: toStoredResult(transcript, intelligence, unredacted, speakers), audioDuration: transcript.durationMs / 1000 })) {
      logger.info(`transcript ${job.id} completed in ${Date.now() - started} ms (${(transcript.durationMs / 1000).toFixed(1)} s of audio)`);
      this.options.onJobEvent?.({ type: 'completed', transcriptId: job.id, audioSeconds: transcript.durationMs / 1000, processingSeconds: (Date.now() - started) / 1000 });
      await this.notify(job, 'completed');
    }
  }

  private async fail(job: TranscriptJob, err: unknown, logger: WorkerLogger): Promise<void> {
    const message = failureMessage(err);
    if (!isEarshotError(err) || err.status >= 500) logger.error(`transcript ${job.id} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    else logger.info(`transcript ${job.id} failed: ${message}`);
    if (await this.options.store.failTranscript(job.id, message)) {
      this.options.onJobEvent?.({ type: 'error', transcriptId: job.id });
      await this.notify(job, 'error');
    }
  }

  private schedule<T>(job: TranscriptJob, work: () => Promise<T>): Promise<T> {
    return this.options.schedule ? this.options.schedule({ tenant: job.projectId, job: job.id }, work) : work();
  }

  private requireStages(): NonNullable<TranscriptWorkerOptions['stages']> {
    if (!this.options.stages) throw new Error('TranscriptWorker: stage hand-off is not configured (options.stages)');
    return this.options.stages;
  }

  /**
   * Marks the job processing for this process. A job already processing was claimed by a worker
   * that died or shut down mid-job (the queue redelivered it): taken over, unless it was started
   * MAX_STARTS times already, then it fails.
   */
  private async claim(job: TranscriptJob, logger: WorkerLogger): Promise<boolean> {
    const { store } = this.options;
    if (job.status === 'queued') return store.markProcessing(job.id);
    if (!this.options.takeOver) return false;
    if (job.status === 'completed' || job.status === 'error') {
      // Redelivered although finished: its worker died between the final write and scheduling the
      // webhook. Scheduled now; the webhook queue ignores it if it was scheduled after all.
      await this.notify(job, job.status);
      return false;
    }
    if (job.status !== 'processing') return false;
    if (await store.resumeProcessing(job.id, MAX_STARTS)) {
      logger.info(`transcript ${job.id}: taking over from a worker that stopped mid-job (start ${job.attempts + 1})`);
      return true;
    }
    if (job.attempts >= MAX_STARTS && (await store.failTranscript(job.id, INTERRUPTED_TOO_OFTEN))) await this.notify(job, 'error');
    return false;
  }

  private async transcribe(job: TranscriptJob, uploadId: string | null, run: JobRun, logger: WorkerLogger): Promise<FeatureResult> {
    const options: TranscriptOptions = job.options ?? {};
    const { signal } = run;
    if (options.redact_pii_audio === true && !this.options.redactedAudio) throw new EarshotError('unsupported_option', REDACTED_AUDIO_NOWHERE);
    const engine = await this.engineFor(job);
    const audio = await this.audioOf(job, uploadId, run);
    const { taps, stages } = await this.featureStages(job, signal, logger);
    const onEvent = this.stageEvents(job);
    if (wantsChannels(options as FeatureOptions)) {
      const recognised = await recogniseChannels(audio, engine, { ...this.runOptions(options, run), onEvent });
      return runFeatureStages(recognised, stages, { signal, onEvent });
    }
    const { extras } = await transcribeAudio(audio, engine, { ...this.runOptions(options, run), taps, stages, onEvent });
    return extras[FEATURES_OUTPUT] as FeatureResult;
  }

  /** The pipeline's options for one run: the request's, its signal, the audio limit, and progress for the deadline. */
  private runOptions(options: TranscriptOptions, run: JobRun): TranscribeOptions {
    const deadline = run.deadline;
    return {
      ...pipelineOptions(options, run.signal),
      ...(this.options.limits ? { maxAudioSeconds: this.options.limits.maxAudioSeconds } : {}),
      ...(deadline ? { onProgress: (p: { processedMs: number }) => deadline.progress(p.processedMs) } : {}),
    };
  }

  /** Recognition only, with the audio taps the feature stages will read (speaker features). */
  private async recognise(job: TranscriptJob, uploadId: string | null, run: JobRun): Promise<Recognised> {
    const options: TranscriptOptions = job.options ?? {};
    const engine = await this.engineFor(job);
    const audio = await this.audioOf(job, uploadId, run);
    const onEvent = this.stageEvents(job);
    if (wantsChannels(options as FeatureOptions)) return recogniseChannels(audio, engine, { ...this.runOptions(options, run), onEvent });
    const { taps } = featureStages(options as FeatureOptions);
    const { transcript, taps: kept } = await transcribeAudio(audio, engine, { ...this.runOptions(options, run), taps, onEvent });
    return { transcript, taps: kept };
  }

  /**
   * The job's engine; with `speech_models`, the first in their order that loads here (a whisper
   * model not downloaded on this worker, say, falls back to the next).
   */
  private async engineFor(job: TranscriptJob): Promise<SpeechEngine> {
    const listed = job.options?.speech_models;
    const names = Array.isArray(listed) ? resolveEngines(listed as string[]) : [job.speechModel ?? DEFAULT_ENGINE];
    let lastError: unknown;
    for (const name of names) {
      try {
        return await this.options.engines.get(name);
      } catch (err) {
        if (!isEarshotError(err) || err.code !== 'engine_not_ready') throw err;
        lastError = err;
      }
    }
    throw lastError;
  }

  private async audioOf(job: TranscriptJob, uploadId: string | null, run: JobRun): Promise<Buffer> {
    if (job.audioKind === 'upload') {
      const bytes = uploadId === null ? undefined : await this.options.vault.get(job.projectId, uploadId);
      if (!bytes) throw new EarshotError('invalid_request', UPLOAD_GONE);
      return bytes;
    }
    if (!job.audioUrl) throw new EarshotError('invalid_request', 'The transcript has no audio_url.');
    const { budget, ...remote } = this.options.remote;
    // A queued job waits for room rather than failing: the budget frees as other jobs end.
    if (budget) run.held = budget.reserve();
    return fetchRemoteAudio(job.audioUrl, { ...remote, signal: run.signal, held: run.held });
  }

  private async featureStages(job: TranscriptJob, signal: AbortSignal, logger: WorkerLogger): Promise<ReturnType<typeof featureStages>> {
    return featureStages((job.options ?? {}) as FeatureOptions, {
      knownVoices: await this.knownVoices(job),
      llm: this.options.llm,
      signal,
      onFallback: (f) => logger.warn(`transcript ${job.id}: the LLM could not write the ${f.feature} (${f.reason}); used the offline method`),
    });
  }

  /** The enrolled voices the request names; one deleted since the request was made is left out. */
  private async knownVoices(job: TranscriptJob): Promise<KnownVoice[]> {
    const ids = job.options?.known_voices;
    if (!Array.isArray(ids) || ids.length === 0) return [];
    const voices = await this.options.store.voicesWithPrints(job.projectId, ids as string[]);
    return voices.map((v) => ({ id: v.id, name: v.name, voiceprint: v.voiceprint as Voiceprint }));
  }

  private stageEvents(job: TranscriptJob): ((event: PipelineEvent) => void) | undefined {
    const onJobEvent = this.options.onJobEvent;
    return onJobEvent && ((event: PipelineEvent) => onJobEvent({ type: 'stage', transcriptId: job.id, event }));
  }

  private async notify(job: TranscriptJob, status: 'completed' | 'error'): Promise<void> {
    if (!job.webhookUrl || !this.options.webhooks) return;
    try {
      await this.options.webhooks.send(job.id, status, {
        url: job.webhookUrl,
        authHeaderName: job.webhookAuthHeaderName,
        authHeaderValue: job.webhookAuthHeaderValue,
      });
    } catch (err) {
      this.jobLogger(job.id).error(`transcript ${job.id}: could not schedule its webhook: ${(err as Error).message}`);
    }
  }

  /** Every line about a job carries transcript_id, so one transcript can be followed across processes. */
  private jobLogger(transcriptId: string): WorkerLogger {
    return this.options.logger.child?.({ transcript_id: transcriptId }) ?? this.options.logger;
  }
}

/** The request options that steer the pipeline itself. */
export function pipelineOptions(options: TranscriptOptions, signal?: AbortSignal): TranscribeOptions {
  const range: AudioRange = {};
  if (typeof options.audio_start_from === 'number') range.startMs = options.audio_start_from;
  if (typeof options.audio_end_at === 'number') range.endMs = options.audio_end_at;
  const vocabulary = vocabularyFromRequest({
    word_boost: options.word_boost as string[] | undefined,
    boost_param: options.boost_param as string | undefined,
    keyterms_prompt: options.keyterms_prompt as string[] | undefined,
    keyterms_prompt_options: options.keyterms_prompt_options as { keyterms_match_strength?: string } | undefined,
  });
  const prompt = typeof options.prompt === 'string' ? options.prompt : undefined;
  const temperature = typeof options.temperature === 'number' ? options.temperature : undefined;
  return { signal, vocabulary, prompt, temperature, ...(range.startMs !== undefined || range.endMs !== undefined ? { range } : {}) };
}

function redisLost(err: unknown): boolean {
  return isEarshotError(err) && err.code === 'queue_unavailable';
}

/** What the client reads in `error`: the coded error's own message, which says what to do. */
function failureMessage(err: unknown): string {
  if (isEarshotError(err)) return err.message;
  return `Transcription failed unexpectedly: ${err instanceof Error ? err.message : String(err)}`;
}
