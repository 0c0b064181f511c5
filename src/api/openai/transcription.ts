/**
 * One OpenAI-style transcription, start to end, on the request: the audio is decoded, cut at
 * pauses and recognised as it streams (src/pipeline/transcribe.ts), then punctuated; with
 * `stream=true` each finished segment goes out as a `transcript.text.delta` while later ones are
 * still being decoded.
 */
import type { FastifyReply } from 'fastify';
import type { SpeechEngine } from '../../engines/engine.js';
import { EarshotError } from '../../errors.js';
import { punctuateTurn } from '../../intelligence/punctuation/punctuate.js';
import { FEATURES_OUTPUT, featureStages, type FeatureResult } from '../../pipeline/features.js';
import { transcribeAudio } from '../../pipeline/transcribe.js';
import type { Transcript, Word } from '../../transcript/model.js';
import { joinWords } from '../../transcript/text.js';
import type { TranscriptionForm } from './form.js';
import { wordLogprobs, type Logprob } from './render.js';
import { SseWriter } from './sse.js';

/** Recognition, then punctuation and casing as AssemblyAI's defaults do (`punctuate`, `format_text`). */
export async function transcribeForm(form: TranscriptionForm, engine: SpeechEngine, signal: AbortSignal, maxAudioSeconds?: number): Promise<Transcript> {
  const { taps, stages } = featureStages({ punctuate: true, format_text: true });
  const { extras } = await transcribeAudio(form.file, engine, { signal, prompt: form.prompt, vad: form.vad, maxAudioSeconds, taps, stages });
  return (extras[FEATURES_OUTPUT] as FeatureResult).transcript;
}

export interface StreamOutcome {
  /** Whether the client saw any event (after which errors travel inside the stream). */
  started: boolean;
  text: string;
  /** What ended the stream early, for the log (the client got it as an error event). */
  error?: unknown;
}

/**
 * `stream=true`: a delta per finished segment, punctuated on its own (a segment ends at a pause,
 * so it ends a sentence), then `transcript.text.done` whose text is the deltas joined, exactly.
 * A failure before the first event is thrown (an ordinary JSON error); after it, it ends the
 * stream as an error event, which the SDK throws as `APIError`.
 */
export async function streamTranscription(
  form: TranscriptionForm,
  engine: SpeechEngine,
  signal: AbortSignal,
  reply: FastifyReply,
  headers: Record<string, string>,
  maxAudioSeconds?: number,
): Promise<StreamOutcome> {
  const sse = new SseWriter(reply, headers);
  const deltas: string[] = [];
  const logprobs: Logprob[] = [];
  const onSegment = (segment: { words: Word[] }) => {
    const words = punctuateTurn(segment.words, { formatText: true });
    const text = joinWords(words);
    if (text === '') return;
    const delta = deltas.length > 0 ? ` ${text}` : text;
    const event: Record<string, unknown> = { type: 'transcript.text.delta', delta };
    if (form.logprobs) {
      const pieces = wordLogprobs(words, deltas.length > 0);
      event.logprobs = pieces;
      logprobs.push(...pieces);
    }
    deltas.push(delta);
    sse.send(event);
  };
  try {
    await transcribeAudio(form.file, engine, { signal, prompt: form.prompt, vad: form.vad, maxAudioSeconds, onSegment });
  } catch (err) {
    // Aborted by the server (shutting down) the reason says why; by the client, nobody listens.
    const cause: unknown = signal.aborted ? signal.reason : err;
    if (!sse.hasStarted) throw cause;
    if (cause instanceof EarshotError) sse.fail(cause);
    else if (signal.aborted) sse.end();
    else sse.fail(err);
    return { started: true, text: deltas.join(''), error: err };
  }
  const text = deltas.join('');
  sse.send({ type: 'transcript.text.done', text, ...(form.logprobs ? { logprobs } : {}) });
  sse.end();
  return { started: true, text };
}
