import { ENGINE_SAMPLE_RATE } from '../engines/engine.js';
import { EarshotError } from '../errors.js';
import type { ContainerFindings } from './container-check.js';
import type { FfmpegLog } from './ffmpeg-log.js';

export interface DecodeOutcome {
  exitCode: number | null;
  log: FfmpegLog;
  samples: number;
  container: ContainerFindings;
  /** Read through a pipe, so ffmpeg could not seek. */
  piped: boolean;
  allowTruncated: boolean;
}

export interface Verdict {
  error?: EarshotError;
  warnings: string[];
}

const ACCEPTED = 'send wav, mp3, flac, ogg (vorbis/opus), m4a/aac, webm or a video file with sound';

/**
 * Decides, once ffmpeg has finished, whether what it produced is the audio the file holds.
 * A shortfall against the duration the container declares only counts as truncation when ffmpeg
 * or the header check also reported damage: a video whose audio track ends early is short
 * without being broken, and gets a warning instead.
 */
export function judgeDecode(outcome: DecodeOutcome): Verdict {
  const { log, samples, container } = outcome;
  const format = formatLabel(log.format);
  const firstIssue = (log.issues[0] ?? log.lastLines.at(-1) ?? 'no details').replace(/[.\s]+$/, '');

  if (log.rejectedFormat !== undefined) {
    return fail('audio_unsupported', `The input is ${log.rejectedFormat} data, not audio or video; ${ACCEPTED}.`);
  }
  if (log.noAudioTrack && log.streamCount === 0) {
    // Real files without sound still list their video; listing nothing means the index broke off.
    return fail('audio_corrupt', `The ${format} file lists no streams at all: it is truncated or corrupt; send the complete file.`);
  }
  if (log.noAudioTrack) {
    return fail('audio_unsupported', `The ${format} input has no audio track, so there is nothing to transcribe; ${ACCEPTED}.`);
  }
  if (log.moovMissing) {
    return fail(
      'audio_corrupt',
      `The ${log.format === undefined ? 'MP4/M4A' : format} file has no moov index: it is truncated or was never finalised (an interrupted upload or recording); send the complete file.`,
    );
  }
  if (outcome.exitCode !== 0 && !log.inputOpened && container.kind !== undefined) {
    return fail('audio_corrupt', `The input starts with the ${container.kind} signature but ffmpeg cannot read it (${firstIssue}): it is truncated or corrupt; send the complete file.`);
  }
  if (outcome.exitCode !== 0 && !log.inputOpened) {
    return fail('audio_unsupported', `ffmpeg did not recognise the input as audio or video (${firstIssue}); ${ACCEPTED}.`);
  }
  if (outcome.exitCode !== 0) {
    return fail('audio_corrupt', `The ${format} audio is corrupt: ffmpeg stopped with exit code ${outcome.exitCode} (${firstIssue}); send an undamaged file.`);
  }
  if (samples === 0) {
    if (outcome.piped && log.format?.startsWith('mov')) {
      return fail(
        'audio_corrupt',
        `The ${format} audio could not be read from a stream: its moov index is at the end of the file or missing. Send it as a whole file instead of a stream, or remux it with \`ffmpeg -i in.m4a -c copy -movflags +faststart out.m4a\`.`,
      );
    }
    if (container.truncated) {
      return fail('audio_corrupt', `The ${format} file is truncated: its header declares ${seconds(container.declaredMs ?? 0)} of audio but the data is missing; send the complete file.`);
    }
    if (log.issueCount > 0) {
      return fail('audio_corrupt', `The ${format} audio is corrupt: ffmpeg decoded no samples (${firstIssue}).`);
    }
    return fail('audio_empty', `The ${format} input decoded to no audio samples; send a recording that contains sound.`);
  }

  const warnings: string[] = [];
  const decodedMs = Math.round((samples / ENGINE_SAMPLE_RATE) * 1000);
  const declaredMs = container.declaredMs ?? (log.durationEstimated ? undefined : log.durationMs);
  const shortfall = declaredMs === undefined ? 0 : declaredMs - decodedMs;
  const damaged = container.truncated || log.issueCount > 0;
  if (declaredMs !== undefined && shortfall > Math.max(1000, declaredMs * 0.1)) {
    const lengths = `its header declares ${seconds(declaredMs)} but only ${seconds(decodedMs)} could be decoded`;
    const evidence = container.truncated ? 'the data ends before the header says it does' : `ffmpeg: ${firstIssue}`;
    if (damaged && !outcome.allowTruncated) {
      return fail('audio_corrupt', `The ${format} file is truncated or damaged: ${lengths} (${evidence}); send the complete file.`);
    }
    warnings.push(
      damaged
        ? `The ${format} file is truncated or damaged: ${lengths} (${evidence}); the transcript covers the decodable part only.`
        : `Only ${seconds(decodedMs)} of audio decoded while the ${format} container declares ${seconds(declaredMs)}; the audio track may end early.`,
    );
  } else if (container.truncated) {
    warnings.push(`The ${format} data ends slightly before its header says it does; the last moments may be missing.`);
  } else if (log.issueCount > 0) {
    warnings.push(
      `ffmpeg reported ${log.issueCount} problem(s) decoding the ${format} audio (first: ${firstIssue}); parts of the audio may be missing.`,
    );
  }
  if (container.oggUnterminated) {
    warnings.push('The Ogg stream ends without an end-of-stream page, so it may be truncated; the transcript covers what was decoded.');
  }
  return { warnings };
}

function fail(code: ConstructorParameters<typeof EarshotError>[0], message: string): Verdict {
  return { error: new EarshotError(code, message), warnings: [] };
}

// ffmpeg names some demuxers by every alias; people know these by one name.
const LABELS: Record<string, string> = {
  'mov,mp4,m4a,3gp,3g2,mj2': 'MP4/M4A',
  'matroska,webm': 'WebM/Matroska',
};

export function formatLabel(format: string | undefined): string {
  if (format === undefined) return 'input';
  return LABELS[format] ?? format.toUpperCase();
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
