/**
 * The transcript model every stage and output format shares. Times are milliseconds from the
 * start of the audio, as in AssemblyAI's `words[]`.
 */
export interface Word {
  /**
   * The word as recognised. Punctuation and casing, once a stage adds them, live inside the text
   * ("Hello,"), so renderers and sentence splitting read them from here.
   */
  text: string;
  start: number;
  end: number;
  /** 0..1 */
  confidence: number;
  /** Speaker label ("A", "B", …) once diarization ran; "1A", "2A", … per channel (multichannel). */
  speaker?: string | null;
  /** The audio channel the word was heard on, "1", "2", … (multichannel transcription only). */
  channel?: string | null;
}

/** A stretch of speech found by voice activity detection, with the words recognised in it. */
export interface Segment {
  start: number;
  end: number;
  words: Word[];
  /** The language the engine identified in this segment, when it identifies languages (multilingual whisper). */
  language?: string;
}

/** A run of consecutive words by one speaker (AssemblyAI's `utterances[]`). */
export interface Utterance {
  speaker: string;
  /** Set when the words carry a channel (multichannel transcription). */
  channel?: string;
  start: number;
  end: number;
  confidence: number;
  text: string;
  words: Word[];
}

export interface Transcript {
  /** Every word in time order: the segments' words, concatenated. */
  words: Word[];
  segments: Segment[];
  durationMs: number;
  /** Language code ("en", "en_us", …). */
  language: string;
  /** 0..1, set when language detection ran (`language_detection`; src/intelligence/language). */
  languageConfidence?: number | null;
  /** The model that produced the words (AssemblyAI's `speech_model_used`). */
  model: string;
  /** Set once diarization ran. */
  utterances?: Utterance[];
  /** How many channels were transcribed apart (multichannel transcription only). */
  audioChannels?: number;
}

export interface TranscriptInit {
  segments: Segment[];
  /** Defaults to the end of the last segment or word. */
  durationMs?: number;
  language?: string;
  model?: string;
  utterances?: Utterance[];
}

/** Builds a transcript whose `words` agree with its segments, so the two can never drift apart. */
export function createTranscript(init: TranscriptInit): Transcript {
  const words = init.segments.flatMap((s) => s.words);
  let lastEnd = 0;
  for (const item of [...init.segments, ...words]) lastEnd = Math.max(lastEnd, item.end);
  const transcript: Transcript = {
    words,
    segments: init.segments,
    durationMs: init.durationMs ?? lastEnd,
    language: init.language ?? 'en',
    model: init.model ?? 'unknown',
  };
  if (init.utterances) transcript.utterances = init.utterances;
  return transcript;
}

/** Mean word confidence; 0 for no words, which callers that need "unknown" check for first. */
export function meanConfidence(words: readonly Word[]): number {
  if (words.length === 0) return 0;
  let sum = 0;
  for (const w of words) sum += w.confidence;
  return sum / words.length;
}

/**
 * Groups words into segments wherever the silence between two words reaches `pauseMs`. Sources
 * without voice-activity segments (an imported AssemblyAI JSON, say) get segments this way.
 */
export function splitAtPauses(words: readonly Word[], pauseMs: number): Segment[] {
  const segments: Segment[] = [];
  let current: Word[] = [];
  for (const word of words) {
    const previous = current[current.length - 1];
    if (previous && word.start - previous.end >= pauseMs) {
      segments.push(segmentOf(current));
      current = [];
    }
    current.push(word);
  }
  if (current.length > 0) segments.push(segmentOf(current));
  return segments;
}

function segmentOf(words: Word[]): Segment {
  return { start: words[0].start, end: words[words.length - 1].end, words };
}

/**
 * Indexes i such that word i and word i+1 lie in different segments. Uses the segments' word
 * counts when they add up to `words` (the normal case), else each word's midpoint in time.
 */
/** Each word's segment index: by counts when the segments' words add up, else by time. */
export function wordSegmentIndexes(transcript: Pick<Transcript, 'words' | 'segments'>): number[] {
  const { words, segments } = transcript;
  if (segments.reduce((n, s) => n + s.words.length, 0) === words.length) {
    return segments.flatMap((s, i) => s.words.map(() => i));
  }
  let current = 0;
  return words.map((w) => {
    const mid = (w.start + w.end) / 2;
    const found = segments.findIndex((s) => mid >= s.start && mid <= s.end);
    if (found !== -1) current = found;
    return current;
  });
}

export function segmentBreaks(transcript: Pick<Transcript, 'words' | 'segments'>): Set<number> {
  const { words, segments } = transcript;
  const breaks = new Set<number>();
  const total = segments.reduce((n, s) => n + s.words.length, 0);
  if (total === words.length) {
    let index = -1;
    for (const segment of segments.slice(0, -1)) {
      index += segment.words.length;
      if (index >= 0) breaks.add(index);
    }
    return breaks;
  }
  let previous = -1;
  words.forEach((word, i) => {
    const mid = (word.start + word.end) / 2;
    const found = segments.findIndex((s) => mid >= s.start && mid <= s.end);
    if (found !== -1) {
      if (previous !== -1 && found !== previous && i > 0) breaks.add(i - 1);
      previous = found;
    }
  });
  return breaks;
}
