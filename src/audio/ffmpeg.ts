import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { ENGINE_SAMPLE_RATE } from '../engines/engine.js';
import { EarshotError } from '../errors.js';

export const FFMPEG_INSTALL_COMMAND = 'sudo apt-get install ffmpeg';

/**
 * Demuxers ffmpeg may pick for an upload. Without this list a crafted file can be probed as an
 * HLS playlist or concat script and make ffmpeg open other local files or URLs (the well-known
 * ffmpeg SSRF / local-file-read trick); with it, anything else fails as "not on whitelist".
 * A name matches any alias of a multi-name demuxer ("mov" covers mp4/m4a/3gp, "matroska" webm).
 */
export const AUDIO_DEMUXERS = [
  'wav', 'w64', 'aiff', 'caf', 'au', 'sox', 'voc', 'ircam',
  'mp3', 'aac', 'loas', 'ac3', 'eac3', 'dts', 'truehd', 'mlp',
  'flac', 'ogg', 'wv', 'ape', 'tta', 'tak', 'shn', 'mpc', 'mpc8', 'dsf', 'oma', 'xwma',
  'amr', 'amrnb', 'amrwb', 'gsm', 'dss', 'sbc',
  'mov', 'matroska', 'asf', 'avi', 'flv', 'mpeg', 'mpegts', 'mxf', 'nut', 'rm',
].join(',');

/** Where ffmpeg reads the input: an inherited seekable descriptor, or its stdin pipe. */
export type FfmpegSource = { kind: 'fd'; fd: number } | { kind: 'stdin' };

// The descriptor number the child sees; spawn's stdio array places entry 3 there.
const CHILD_INPUT_FD = 3;

/** `channel`: keep only that channel (0-based) instead of mixing them all down. */
export function decodeArgs(source: FfmpegSource, channel?: number): string[] {
  // `file:/dev/fd/3` rather than `pipe:3`: ffmpeg treats pipe: as unseekable, while opening the
  // /dev/fd path gives it its own seekable view of the in-memory file.
  const input = source.kind === 'fd' ? `file:/dev/fd/${CHILD_INPUT_FD}` : 'pipe:0';
  return [
    '-hide_banner',
    '-nostdin',
    '-nostats',
    '-protocol_whitelist', source.kind === 'fd' ? 'file' : 'pipe',
    '-format_whitelist', AUDIO_DEMUXERS,
    '-i', input,
    // The first audio stream only, so a video's picture is never decoded.
    '-map', '0:a:0',
    '-vn', '-sn', '-dn',
    ...(channel === undefined ? [] : ['-af', `pan=mono|c0=c${channel}`]),
    '-ac', '1',
    '-ar', String(ENGINE_SAMPLE_RATE),
    // Little-endian samples land in Int16Array as-is on every platform Node supports (x64, arm64).
    '-f', 's16le',
    '-acodec', 'pcm_s16le',
    'pipe:1',
  ];
}

export function spawnFfmpeg(source: FfmpegSource, ffmpegPath: string, channel?: number): ChildProcess {
  const stdio: StdioOptions =
    source.kind === 'fd' ? ['ignore', 'pipe', 'pipe', source.fd] : ['pipe', 'pipe', 'pipe'];
  return spawn(ffmpegPath, decodeArgs(source, channel), { stdio, windowsHide: true });
}

/** Maps a failure to start ffmpeg to a coded error; ENOENT means it is not installed. */
export function spawnError(err: NodeJS.ErrnoException, ffmpegPath: string): EarshotError {
  if (err.code === 'ENOENT') {
    return new EarshotError(
      'ffmpeg_missing',
      `ffmpeg was not found (looked for "${ffmpegPath}" on PATH); install it with \`${FFMPEG_INSTALL_COMMAND}\` or run scripts/setup.sh.`,
      { cause: err },
    );
  }
  return new EarshotError('internal', `Could not start ffmpeg ("${ffmpegPath}"): ${err.message}.`, { cause: err });
}

/**
 * Kills ffmpeg if it still runs and waits until it is reaped, so no zombie is left behind.
 * SIGKILL because nothing ffmpeg would flush on SIGTERM is wanted once the caller stopped reading.
 */
export async function stopFfmpeg(child: ChildProcess, closed: Promise<unknown>): Promise<void> {
  if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
    child.kill('SIGKILL');
  }
  child.stdin?.destroy();
  child.stdout?.destroy();
  child.stderr?.destroy();
  await closed;
}
