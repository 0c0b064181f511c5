/**
 * `earshot eval --diarization` (issue 17): runs each real-voice conversation through the
 * pipeline's own VAD, speaker features and diarization, and scores DER (speech time labelled
 * wrong after the best mapping of labels to speakers) and the number of speakers found.
 */
import { segmentSpeech } from '../../audio/vad/segmenter.js';
import { diarize, type DiarizeOptions } from '../../intelligence/speakers/diarize.js';
import { SpeakerFeatureExtractor } from '../../intelligence/speakers/feature-extractor.js';
import { OnlineSpeakerTracker } from '../../intelligence/speakers/online-tracker.js';
import { EarshotError } from '../../errors.js';
import { availableVoices, buildConversation, CONVERSATIONS, POCKETSPHINX_TESTDATA, pseudoWords, RATE, type BuildOptions, type Conversation, type ConversationSpec } from './conversations.js';
import { diarizationErrorRate } from './der.js';

export interface ConversationScore {
  id: string;
  durationMs: number;
  turns: number;
  speakers: number;
  speakersFound: number;
  /** DER of the word labels (fraction). */
  wordDer: number;
  /** DER of the timeline from the windows alone. */
  timelineDer: number;
  /** Turn changes with no pause long enough to end a VAD segment, and how many of them the word labels change at. */
  changesInside: number;
  changesFound: number;
  /** Real-time labels (OnlineSpeakerTracker), one decision per reference turn: speakers opened and DER. */
  streaming: { speakersFound: number; der: number };
}

export interface DiarizationEvalResult {
  format: 'earshot-eval-diarization/1';
  conversations: ConversationScore[];
  /** Speech-weighted DER over all conversations, words. */
  wordDer: number;
  countRight: number;
  /** Conversations left out because a voice's recordings are not on this machine. */
  skipped: string[];
}

export async function scoreConversation(conversation: Conversation, options: DiarizeOptions = {}): Promise<ConversationScore> {
  const extractor = new SpeakerFeatureExtractor();
  const chunks = function* () {
    for (let i = 0; i < conversation.pcm.length; i += RATE) yield conversation.pcm.subarray(i, i + RATE);
  };
  const segments: { start: number; end: number }[] = [];
  for await (const s of segmentSpeech(chunks())) {
    segments.push({ start: s.start, end: s.end });
    await extractor.addSegment(s);
  }
  const truthful = pseudoWords(conversation.reference);
  const words = truthful.map(({ truth: _truth, ...w }) => w);
  const result = diarize(words, extractor.features(), options);
  // A change inside a segment: the last word of one turn and the first of the next share a segment.
  let changesInside = 0;
  let changesFound = 0;
  for (let i = 1; i < words.length; i++) {
    if (truthful[i].truth === truthful[i - 1].truth) continue;
    if (!segments.some((s) => s.start <= words[i - 1].end && s.end >= words[i].start)) continue;
    changesInside++;
    if (result.words[i].speaker !== result.words[i - 1].speaker) changesFound++;
  }
  const wordDer = diarizationErrorRate(conversation.reference, result.words.map((w) => ({ speaker: w.speaker ?? '?', start: w.start, end: w.end }))).der;
  const timelineDer = diarizationErrorRate(conversation.reference, result.turns).der;
  return {
    id: conversation.id,
    durationMs: Math.round((conversation.pcm.length * 1000) / RATE),
    turns: conversation.reference.length,
    speakers: conversation.speakers,
    speakersFound: result.speakerCount,
    wordDer,
    timelineDer,
    changesInside,
    changesFound,
    streaming: streamingScore(conversation),
  };
}

/** The session's turns fed to the real-time tracker as /v3/ws would, each turn's PCM once it ends. */
function streamingScore(conversation: Conversation): ConversationScore['streaming'] {
  const tracker = new OnlineSpeakerTracker();
  const hypothesis = conversation.reference.map((turn) => {
    const pcm = conversation.pcm.subarray(Math.round((turn.start * RATE) / 1000), Math.round((turn.end * RATE) / 1000));
    return { ...turn, speaker: tracker.assign(pcm)?.speaker ?? '?' };
  });
  return { speakersFound: tracker.speakerCount, der: diarizationErrorRate(conversation.reference, hypothesis).der };
}

export async function evaluateDiarization(specs: readonly ConversationSpec[] = CONVERSATIONS, options: DiarizeOptions = {}, dataDir?: string, build: BuildOptions = {}): Promise<DiarizationEvalResult> {
  // An installed package has no test/fixtures (no JFK) and a machine may lack pocketsphinx-testdata:
  // the conversations whose voices are all present still run.
  const present = new Set(availableVoices(dataDir));
  const runnable = specs.filter((spec) => spec.voices.every((v) => present.has(v)));
  const skipped = specs.filter((spec) => !runnable.includes(spec)).map((spec) => spec.id);
  if (runnable.length === 0) {
    throw new EarshotError('invalid_request', `No real-voice conversation can be built here: it needs Debian's pocketsphinx-testdata (apt-get install pocketsphinx-testdata) under ${dataDir ?? POCKETSPHINX_TESTDATA}.`);
  }
  const conversations: ConversationScore[] = [];
  for (const spec of runnable) conversations.push(await scoreConversation(buildConversation(spec, dataDir, build), options));
  const speech = (c: ConversationScore) => c.durationMs;
  const total = conversations.reduce((n, c) => n + speech(c), 0);
  return {
    format: 'earshot-eval-diarization/1',
    conversations,
    wordDer: total === 0 ? 0 : conversations.reduce((n, c) => n + c.wordDer * speech(c), 0) / total,
    countRight: conversations.filter((c) => c.speakers === c.speakersFound).length,
    skipped,
  };
}

export function formatDiarization(r: DiarizationEvalResult): string {
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  const rows = [
    ['CONVERSATION', 'SECONDS', 'TURNS', 'SPEAKERS', 'FOUND', 'COUNT', 'DER WORDS', 'DER TIMELINE', 'CHANGES IN SEGMENT', 'STREAMING FOUND', 'STREAMING DER'],
    ...r.conversations.map((c) => [c.id, (c.durationMs / 1000).toFixed(1), String(c.turns), String(c.speakers), String(c.speakersFound), c.speakers === c.speakersFound ? 'right' : 'wrong', pct(c.wordDer), pct(c.timelineDer), `${c.changesFound}/${c.changesInside}`, String(c.streaming.speakersFound), pct(c.streaming.der)]),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  const lines = rows.map((row) => row.map((cell, j) => (j === 0 ? cell.padEnd(widths[j]) : cell.padStart(widths[j]))).join('  '));
  lines.push(`overall: DER ${pct(r.wordDer)} of speech time on words; speaker count right in ${r.countRight} of ${r.conversations.length}`);
  if (r.skipped.length > 0) lines.push(`skipped (recordings not on this machine): ${r.skipped.join(', ')}`);
  lines.push(`streaming (one label per turn): speaker count right in ${r.conversations.filter((c) => c.streaming.speakersFound === c.speakers).length} of ${r.conversations.length}`);
  return lines.join('\n');
}
