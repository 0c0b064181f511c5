/**
 * Reads what ffmpeg prints on stderr at the default `info` level: the input dump (container,
 * duration, first audio stream) and the problems it reports while demuxing and decoding. ffmpeg
 * keeps going past most damage and still exits 0, so these lines are the only record of it.
 */

export interface StreamFacts {
  /** ffmpeg's demuxer name, e.g. "wav", "mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm". */
  format?: string;
  /** From the input's `Duration:` line; absent when ffmpeg prints `N/A`. */
  durationMs?: number;
  /** ffmpeg guessed the duration from the bitrate (it says so), so it may be far off. */
  durationEstimated: boolean;
  /** Codec of the first audio stream, e.g. "aac", "opus", "pcm_s16le". */
  codec?: string;
  sampleRate?: number;
  /** Channel layout as ffmpeg names it: "mono", "stereo", "5.1", … */
  channels?: string;
}

const MAX_KEPT_ISSUES = 20;

// Wording of the ffmpeg 5.x messages these flags come from; kept loose so minor rewordings in
// other ffmpeg versions still match.
const ISSUE = /error|invalid|corrupt|missing|prematurely|partial file|exceeds|mismatch|do not match|failed|truncat|overread|not found/i;
// "invalid concatenated file": an mp3 read from a pipe, whose length ffmpeg cannot compare with
// its Xing header. "maximum wav data size": the placeholder length of a WAV written to a pipe.
// The audio itself is fine in both cases.
const BENIGN =
  /^Guessed Channel Layout|Last message repeated|invalid concatenated file detected|Ignoring maximum wav data size/;

export class FfmpegLog implements StreamFacts {
  format?: string;
  durationMs?: number;
  durationEstimated = false;
  codec?: string;
  sampleRate?: number;
  channels?: string;

  /** ffmpeg recognised the container (it printed `Input #0`). */
  inputOpened = false;
  /** The input dump is complete: ffmpeg moved on to mapping streams. */
  headerDone = false;
  /** Streams of any kind listed in the input dump. */
  streamCount = 0;
  /** The container has no audio stream to map (a silent video, an image). */
  noAudioTrack = false;
  /** A demuxer recognised the bytes but is not on our whitelist (png_pipe, hls, tty, …). */
  rejectedFormat?: string;
  /** An MP4/MOV without its `moov` index: truncated, or read from a pipe with the index last. */
  moovMissing = false;
  /** Problems ffmpeg reported, first few kept verbatim (without the `[demuxer @ 0x…]` prefix). */
  readonly issues: string[] = [];
  issueCount = 0;
  /** The last lines, for error messages when nothing more specific matched. */
  readonly lastLines: string[] = [];

  private partial = '';
  private inInputSection = false;

  push(text: string): void {
    const lines = (this.partial + text).split(/\r?\n|\r/);
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.line(line);
  }

  end(): void {
    if (this.partial !== '') this.line(this.partial);
    this.partial = '';
    this.finishHeader();
  }

  private line(raw: string): void {
    // ffmpeg prefixes some messages with the input's name, which here is only our plumbing.
    const line = raw.trimEnd().replace(/^(file:\/dev\/fd\/\d+|pipe:\d+): /, '');
    if (line === '') return;
    this.lastLines.push(line);
    if (this.lastLines.length > 5) this.lastLines.shift();

    const input = /^Input #0, (.+?), from /.exec(line);
    if (input) {
      this.inputOpened = true;
      this.inInputSection = true;
      this.format = input[1];
      return;
    }
    if (/^(Stream mapping:|Output #0|Press \[q\])/.test(line)) {
      this.inInputSection = false;
      this.finishHeader();
      return;
    }
    if (this.inInputSection && /^\s/.test(line)) {
      this.headerLine(line);
      return;
    }

    const body = line.replace(/^\[[^\]]* @ 0x[0-9a-f]+\]\s*/, '');
    const whitelist = /^\[([^\]\s]+) @ 0x[0-9a-f]+\] Format not on whitelist/.exec(line);
    if (whitelist) this.rejectedFormat = whitelist[1];
    if (/Estimating duration from bitrate/.test(body)) this.durationEstimated = true;
    if (/matches no streams/.test(body)) this.noAudioTrack = true;
    if (/moov atom not found/.test(body)) this.moovMissing = true;
    if (ISSUE.test(body) && !BENIGN.test(body)) {
      this.issueCount++;
      if (this.issues.length < MAX_KEPT_ISSUES && !this.issues.includes(body)) this.issues.push(body);
    }
  }

  private headerLine(line: string): void {
    const duration = /^\s+Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)/.exec(line);
    if (duration && this.durationMs === undefined) {
      const [, h, m, s] = duration;
      this.durationMs = Math.round(((Number(h) * 60 + Number(m)) * 60 + Number(s)) * 1000);
      return;
    }
    if (/^\s+Stream #0:\d+/.test(line)) this.streamCount++;
    const audio = /^\s+Stream #0:\d+.*?: Audio: ([^\s,]+)[^,]*, (\d+) Hz, ([^,]+)/.exec(line);
    if (audio && this.codec === undefined) {
      this.codec = audio[1];
      this.sampleRate = Number(audio[2]);
      this.channels = audio[3];
    }
  }

  private finishHeader(): void {
    // Only an input with audio to decode is worth announcing; a silent video ends in an error.
    if (this.headerDone || this.codec === undefined) return;
    this.headerDone = true;
  }

  facts(): StreamFacts {
    return {
      format: this.format,
      durationMs: this.durationMs,
      durationEstimated: this.durationEstimated,
      codec: this.codec,
      sampleRate: this.sampleRate,
      channels: this.channels,
    };
  }
}
