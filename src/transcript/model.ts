/**
 * The transcript model every stage and output format shares. Times are milliseconds from the
 * start of the audio, as in AssemblyAI's `words[]`.
 */
export interface Word {
  text: string;
  start: number;
  end: number;
  /** 0..1 */
  confidence: number;
  /** Speaker label ("A", "B", …) once diarization ran. */
  speaker?: string | null;
}

/** A stretch of speech found by voice activity detection, with the words recognised in it. */
export interface Segment {
  start: number;
  end: number;
  words: Word[];
}
