import type { SpeechSegment } from '../audio/vad/segmenter.js';
import { EarshotError } from '../errors.js';
import { analyzeTranscript, type AnalyzeOptions, type IntelligenceResult } from '../intelligence/analyze.js';
import type { LlmConfig } from '../intelligence/llm/config.js';
import type { LlmFallback } from '../intelligence/llm/fallback.js';
import { punctuate } from '../intelligence/punctuation/punctuate.js';
import { bleepPiece } from '../intelligence/redaction/bleep.js';
import { encodePieces } from '../intelligence/redaction/encode.js';
import type { PiiPolicy, SubstitutionPolicy } from '../intelligence/redaction/policies.js';
import { redactPii, type PiiSpan } from '../intelligence/redaction/redact-transcript.js';
import { filterTranscriptProfanity } from '../intelligence/safety/profanity.js';
import { diarize } from '../intelligence/speakers/diarize.js';
import { applySpeakerMapping, identifySpeakersFromSpeech, type SpeakerIdentificationRequest, type SpeakerMapping } from '../intelligence/speakers/identification/identify.js';
import { checkDetectedLanguage } from '../intelligence/language/check.js';
import { detectLanguage, type DetectedLanguage } from '../intelligence/language/detect.js';
import { withoutAudioTags } from '../transcript/audio-tags.js';
import { SpeakerFeatureExtractor, type SpeakerFeatures } from '../intelligence/speakers/feature-extractor.js';
import { identifySpeakers, speakerVoiceprints, type KnownVoice, type SpeakerIdentity, type SpeakerVoiceprint } from '../intelligence/speakers/known-voices.js';
import type { Transcript, Utterance, Word } from '../transcript/model.js';
import { toUtterances } from '../transcript/utterances.js';
import { applyCustomSpelling, type CustomSpelling } from '../transcript/custom-spelling.js';
import { withoutFillers } from '../transcript/disfluencies.js';
import { PipelineGraph, type PipelineEvent } from './graph.js';
import type { AudioTap, CoreValues, ExtraStage } from './transcribe.js';

/** The AssemblyAI request options that add stages after recognition (names as in the API). */
export interface FeatureOptions extends AnalyzeOptions {
  punctuate?: boolean | null;
  format_text?: boolean | null;
  speaker_labels?: boolean | null;
  speakers_expected?: number | null;
  speaker_options?: { min_speakers_expected?: number | null; max_speakers_expected?: number | null } | null;
  custom_spelling?: CustomSpelling[] | null;
  redact_pii?: boolean | null;
  redact_pii_policies?: PiiPolicy[] | null;
  redact_pii_sub?: SubstitutionPolicy | null;
  redact_pii_audio?: boolean | null;
  multichannel?: boolean | null;
  dual_channel?: boolean | null;
  speech_threshold?: number | null;
  disfluencies?: boolean | null;
  redact_pii_return_unredacted?: boolean | null;
  /** AssemblyAI's name for the redacted copy's format: "mp3" (default) or "wav". */
  redact_pii_audio_quality?: string | null;
  /** Enrolled voice ids to name speakers after (issue 14 item 4); the voices come in FeatureContext. */
  known_voices?: string[] | null;
  /** "all": bracketed audio tags ("[MUSIC]") taken out of the words. */
  remove_audio_tags?: string | null;
  language_detection?: boolean | null;
  language_confidence_threshold?: number | null;
  language_detection_options?: { expected_languages?: string[] | null } | null;
  speech_understanding?: { request?: { speaker_identification?: SpeakerIdentificationRequest | null } | null } | null;
}

/** Whether the request asks for each channel apart (channels.ts). */
export function wantsChannels(options: FeatureOptions): boolean {
  return options.multichannel === true || options.dual_channel === true;
}

export interface FeatureContext {
  /** The enrolled voices `known_voices` names, loaded by the worker. */
  knownVoices?: KnownVoice[];
  llm?: LlmConfig;
  onFallback?: (fallback: LlmFallback) => void;
  signal?: AbortSignal;
}

/** What the feature stages add to a job's result. */
export interface FeatureResult {
  /** The transcript after formatting, speakers, spelling, profanity filter and redaction. */
  transcript: Transcript;
  utterances: Utterance[] | null;
  intelligence: IntelligenceResult;
  /** The audio with PII bleeped (`redact_pii_audio`), MP3 or WAV, to be served from memory. */
  redactedAudio?: Buffer;
  /** The transcript before redaction, when `redact_pii_return_unredacted` asks for it too. */
  unredacted?: Transcript;
  /** With speaker_labels: speakers named after enrolled voices, and every speaker's voiceprint. */
  speakers?: NamedSpeakers;
}

/** Who the diarized speakers are: names from known voices, and voiceprints to enrol later. */
export interface NamedSpeakers {
  identities: SpeakerIdentity[];
  voiceprints: SpeakerVoiceprint[];
}

export const FEATURES_OUTPUT = 'features';

/**
 * Turns request options into the taps and stages that follow recognition, in this order of
 * dependence (independent branches run side by side in the graph):
 *   transcript → speakers (with the speaker-feature tap) ┐
 *   transcript → formatted (punctuation, casing, spelling, profanity) ┴→ labelled → redacted
 *   redacted → intelligence (summary, chapters, topics, …) ; redacted → redacted audio (tap)
 *   redacted → identified (speaker names or roles) ; transcript → language (language_detection)
 * Analyses read the redacted text, so no result can quote PII that the transcript hides.
 */
export function featureStages(options: FeatureOptions, context: FeatureContext = {}): { taps: AudioTap[]; stages: ExtraStage[] } {
  const taps: AudioTap[] = [];
  const stages: ExtraStage[] = [];

  // With channels apart, each channel is its speaker ("1A", "2A"): labelled when merged.
  const channels = wantsChannels(options);
  const speakers = options.speaker_labels === true && !channels;
  if (speakers) {
    const extractor = new SpeakerFeatureExtractor();
    taps.push({ name: 'speakerFeatures', add: (s) => extractor.addSegment(s), finish: () => extractor.features() });
    stages.push({
      name: 'speakers',
      inputs: ['transcript', 'taps'],
      run: (v) => {
        const features = v.taps!.speakerFeatures as SpeakerFeatures;
        const diarized = diarize(v.transcript!.words, features, {
          speakersExpected: options.speakers_expected ?? undefined,
          minSpeakers: options.speaker_options?.min_speakers_expected ?? undefined,
          maxSpeakers: options.speaker_options?.max_speakers_expected ?? undefined,
        });
        return nameSpeakers(diarized, speakerVoiceprints(features, diarized.turns), context.knownVoices ?? []);
      },
    });
  }

  const threshold = options.speech_threshold;
  if (typeof threshold === 'number') {
    stages.push({
      name: 'speechThreshold',
      inputs: ['transcript'],
      run: (v) => {
        const fraction = speechFraction(v.transcript!);
        if (fraction < threshold) {
          throw new EarshotError(
            'audio_too_little_speech',
            `Only ${Math.round(fraction * 100)}% of the audio is speech, less than the speech_threshold of ${Math.round(threshold * 100)}% the request set; no transcript was kept. Lower speech_threshold or leave it unset to transcribe it anyway.`,
          );
        }
        return fraction;
      },
    });
  }

  if (options.language_detection === true) {
    stages.push({ name: 'language', inputs: ['transcript'], run: (v) => checkDetectedLanguage(detectLanguage(v.transcript!), options) });
  }

  const audioCopy = options.redact_pii === true && options.redact_pii_audio === true ? new SpeechAudioTap() : undefined;
  if (audioCopy) taps.push(audioCopy);

  stages.push({
    name: 'formatted',
    inputs: ['transcript'],
    run: (v) => {
      let t = v.transcript!;
      if (options.remove_audio_tags === 'all') t = withoutAudioTags(t);
      // AssemblyAI leaves out "um", "uh" and the like unless asked to keep them.
      if (options.disfluencies !== true) t = withoutFillers(t);
      // AssemblyAI punctuates and formats unless told not to.
      if (options.punctuate !== false || options.format_text !== false) {
        t = punctuate(t, { formatText: options.format_text !== false, casing: options.format_text !== false });
      }
      if (options.custom_spelling?.length) t = applyCustomSpelling(t, options.custom_spelling);
      if (options.filter_profanity) t = filterTranscriptProfanity(t);
      return t;
    },
  });

  stages.push({
    name: 'labelled',
    inputs: speakers ? ['formatted', 'speakers'] : ['formatted'],
    run: (v) => {
      const formatted = v.formatted as Transcript;
      if (!speakers) return formatted;
      return withSpeakers(formatted, v.speakers as Diarized);
    },
  });

  stages.push({
    name: 'redacted',
    inputs: ['labelled'],
    run: (v) => {
      const t = v.labelled as Transcript;
      if (options.redact_pii !== true) return { transcript: t, spans: [] as PiiSpan[] };
      const { transcript, spans } = redactPii(t, {
        policies: options.redact_pii_policies ?? [],
        substitution: options.redact_pii_sub ?? 'hash',
      });
      return { transcript, spans };
    },
  });

  stages.push({
    name: 'intelligence',
    inputs: ['redacted'],
    run: (v) =>
      analyzeTranscript((v.redacted as { transcript: Transcript }).transcript, options, {
        llm: context.llm,
        onFallback: context.onFallback,
        signal: context.signal,
      }),
  });

  // Names are read from the redacted text, so a name that redaction hid never returns as a speaker label.
  const identification = options.speech_understanding?.request?.speaker_identification ?? undefined;
  if (identification) {
    stages.push({
      name: 'identified',
      inputs: ['redacted'],
      run: async (v) => {
        const generated = await identifySpeakersFromSpeech((v.redacted as { transcript: Transcript }).transcript, identification, { llm: context.llm, signal: context.signal });
        if (generated.fallback) context.onFallback?.(generated.fallback);
        return generated.value;
      },
    });
  }

  if (audioCopy) {
    stages.push({
      name: 'redactedAudio',
      inputs: ['redacted', 'taps'],
      run: async (v) => {
        const spans = (v.redacted as { spans: PiiSpan[] }).spans;
        const { pieces, samples } = v.taps![audioCopy.name] as SpeechAudio;
        return encodePieces(redactedTimeline(pieces, samples, spans), samples, options.redact_pii_audio_quality === 'wav' ? 'wav' : 'mp3');
      },
    });
  }

  stages.push({
    name: FEATURES_OUTPUT,
    inputs: [
      'labelled',
      'redacted',
      'intelligence',
      ...(audioCopy ? ['redactedAudio'] : []),
      ...(speakers ? ['speakers'] : []),
      ...(options.language_detection === true ? ['language'] : []),
      ...(identification ? ['identified'] : []),
    ],
    run: (v): FeatureResult => {
      const mapping = v.identified as SpeakerMapping | undefined;
      const finish = (t: Transcript): Transcript => withLanguage(mapping ? applySpeakerMapping(t, mapping) : t, v.language as DetectedLanguage | undefined);
      const transcript = finish((v.redacted as { transcript: Transcript }).transcript);
      const unredacted = options.redact_pii === true && options.redact_pii_return_unredacted === true ? finish(v.labelled as Transcript) : undefined;
      const intelligence = v.intelligence as IntelligenceResult;
      return {
        transcript,
        utterances: speakers ? (transcript.utterances ?? []) : channels ? toUtterances(transcript.words) : null,
        intelligence: mapping && identification ? { ...intelligence, speech_understanding: understandingResult(identification, mapping, transcript) } : intelligence,
        redactedAudio: v.redactedAudio as Buffer | undefined,
        ...(unredacted ? { unredacted } : {}),
        ...(speakers ? { speakers: (v.speakers as Diarized).named } : {}),
      };
    },
  });
  return { taps, stages };
}

type Diarized = ReturnType<typeof diarize> & { named: NamedSpeakers };

/**
 * Speakers that match an enrolled voice take its name, in words, utterances and turns; the
 * others keep their letter. Voiceprints are kept under the label the transcript shows, so
 * POST /v2/voices can enrol "A" or an already named speaker alike.
 */
function nameSpeakers(diarized: ReturnType<typeof diarize>, voiceprints: SpeakerVoiceprint[], known: readonly KnownVoice[]): Diarized {
  const identities = identifySpeakers(voiceprints, known);
  const names = new Map(identities.map((i) => [i.label, i.speaker]));
  const rename = (label: string) => names.get(label) ?? label;
  const words = diarized.words.map((w) => ({ ...w, speaker: w.speaker == null ? null : rename(w.speaker) }));
  return {
    ...diarized,
    words,
    utterances: names.size > 0 ? toUtterances(words) : diarized.utterances,
    turns: diarized.turns.map((t) => ({ ...t, speaker: rename(t.speaker) })),
    named: { identities, voiceprints: voiceprints.map((p) => ({ ...p, speaker: rename(p.speaker) })) },
  };
}

/**
 * AssemblyAI's `speech_understanding` in the result: the request as given and the identification's
 * mapping, which lists every speaker (one that could not be placed maps to its own label).
 */
function understandingResult(request: SpeakerIdentificationRequest, mapping: SpeakerMapping, transcript: Transcript): NonNullable<IntelligenceResult['speech_understanding']> {
  const full: SpeakerMapping = {};
  for (const w of transcript.words) if (w.speaker) full[originalLabel(w.speaker, mapping)] ??= w.speaker;
  return { request: { request: { speaker_identification: request } }, response: { speaker_identification: { status: 'success', mapping: full } } };
}

function originalLabel(label: string, mapping: SpeakerMapping): string {
  return Object.entries(mapping).find(([, value]) => value === label)?.[0] ?? label;
}

function withLanguage(transcript: Transcript, detected: DetectedLanguage | undefined): Transcript {
  return detected ? { ...transcript, language: detected.code, languageConfidence: detected.confidence } : transcript;
}

/**
 * Speakers come from the raw words' times; formatting may merge or respell words, so each
 * formatted word takes the speaker of the raw word it overlaps most.
 */
function withSpeakers(formatted: Transcript, diarized: Diarized): Transcript {
  const labelled = diarized.words;
  const label = (w: Word): Word => {
    let best: string | null = null;
    let bestOverlap = -Infinity;
    // Words are in time order: start from the first raw word that ends after this one starts.
    for (let k = firstEndingAfter(labelled, w.start); k < labelled.length && labelled[k].start < w.end; k++) {
      const overlap = Math.min(w.end, labelled[k].end) - Math.max(w.start, labelled[k].start);
      if (overlap > bestOverlap) {
        bestOverlap = overlap;
        best = labelled[k].speaker ?? null;
      }
    }
    return { ...w, speaker: best ?? labelled[Math.min(labelled.length - 1, firstEndingAfter(labelled, w.start))]?.speaker ?? null };
  };
  const segments = formatted.segments.map((s) => ({ ...s, words: s.words.map(label) }));
  const words = formatted.words.map(label);
  return { ...formatted, words, segments, utterances: toUtterances(words) };
}

function firstEndingAfter(words: readonly Word[], time: number): number {
  let lo = 0;
  let hi = words.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (words[mid].end <= time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Keeps the speech segments' audio for the redacted copy (16 kHz s16: about 115 MB an hour, held
 * only while the job runs). Each segment owns its samples, so the taps can travel between
 * scaled-out workers (recognition-handoff.ts) without dragging a larger buffer along.
 */
class SpeechAudioTap implements AudioTap<SpeechAudio> {
  readonly name = 'audioTimeline';
  private readonly pieces: SpeechSegment[] = [];

  add(segment: SpeechSegment): void {
    const owned = segment.pcm.byteLength === segment.pcm.buffer.byteLength ? segment.pcm : segment.pcm.slice();
    this.pieces.push({ ...segment, pcm: owned });
  }

  finish(info: { decodedSamples: number }): SpeechAudio {
    return { pieces: this.pieces, samples: info.decodedSamples };
  }
}

/** The speech segments' audio, and the length of the audio they came from in decoded samples. */
interface SpeechAudio {
  pieces: SpeechSegment[];
  samples: number;
}

/** Ten seconds: the redacted copy is built and encoded this much at a time. */
const TIMELINE_PIECE = 10 * 16000;

/**
 * The speech back on the file's timeline, bleeped, a piece at a time; the gaps VAD found silent
 * stay silent. Its length is the decoded samples', never a container's declared duration, and no
 * array of the whole length is ever made.
 */
function* redactedTimeline(pieces: readonly SpeechSegment[], samples: number, spans: readonly PiiSpan[]): Generator<Int16Array> {
  const sorted = [...pieces].sort((a, b) => a.start - b.start);
  let first = 0;
  for (let offset = 0; offset < samples; offset += TIMELINE_PIECE) {
    const out = new Int16Array(Math.min(TIMELINE_PIECE, samples - offset));
    const end = offset + out.length;
    while (first < sorted.length && sorted[first].start * 16 + sorted[first].pcm.length <= offset) first++;
    for (let k = first; k < sorted.length && sorted[k].start * 16 < end; k++) {
      const from = sorted[k].start * 16;
      const skip = Math.max(0, offset - from);
      const take = sorted[k].pcm.subarray(skip, skip + (end - Math.max(from, offset)));
      out.set(take, Math.max(from, offset) - offset);
    }
    bleepPiece(out, offset, samples, spans);
    yield out;
  }
}

/** The share of the audio in which speech was found and recognised (segments with words). */
export function speechFraction(transcript: Transcript): number {
  if (transcript.durationMs <= 0) return 0;
  const speechMs = transcript.segments.reduce((sum, s) => sum + (s.words.length > 0 ? s.end - s.start : 0), 0);
  return Math.min(1, speechMs / transcript.durationMs);
}

/** What recognition hands to the feature stages: the raw transcript and what the audio taps kept. */
export interface Recognised {
  transcript: Transcript;
  taps: Record<string, unknown>;
}

/**
 * Runs the feature stages on their own, after recognition ran elsewhere (`earshot worker --stages
 * intelligence`): the same graph as in one pipeline, started from the transcript and the taps.
 * Stages that need the audio itself (the redacted-audio copy) cannot run this way.
 */
export async function runFeatureStages(
  recognised: Recognised,
  stages: ExtraStage[],
  options: { signal?: AbortSignal; onEvent?: (event: PipelineEvent) => void } = {},
): Promise<FeatureResult> {
  const graph = new PipelineGraph<CoreValues & Record<string, unknown>>(stages, ['transcript', 'taps']);
  const { values } = await graph.run({ transcript: recognised.transcript, taps: recognised.taps }, options);
  return values[FEATURES_OUTPUT] as FeatureResult;
}
