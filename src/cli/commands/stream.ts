/**
 * `earshot stream <file|URL>`: sends audio to a real-time server (issue 5 item 5) as a live
 * stream, in 50 ms chunks at real-time pace (`--realtime`) or as fast as the server takes them
 * (each chunk waits for the previous one to reach the socket, so the server's back-pressure paces
 * it). On a terminal the open turn's partial text is redrawn in place and each final turn is
 * printed as a line; piped, only the final turns are written.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import WebSocket from 'ws';
import { decodeAudio } from '../../audio/decode.js';
import { loadAudioSource } from '../../audio/source.js';
import { ENGINE_SAMPLE_RATE } from '../../engines/engine.js';
import { EarshotError, type ErrorCode } from '../../errors.js';
import { CLOSE_CODES, CLOSE_NORMAL } from '../../realtime/close-codes.js';
import type { ServerMessage, TurnMessage } from '../../realtime/protocol.js';

export const DEFAULT_STREAM_URL = 'wss://127.0.0.1:8080/v3/ws';
const CHUNK_MS = 50;
const CHUNK_SAMPLES = (ENGINE_SAMPLE_RATE * CHUNK_MS) / 1000;

export interface StreamFlags {
  url: string;
  key?: string;
  realtime?: boolean;
  formatTurns: boolean;
  /** A CA certificate (PEM) to trust, for a server with a self-signed certificate. */
  ca?: string;
}

export interface StreamOutput {
  /** The open turn so far (TTY only). */
  partial(text: string): void;
  final(text: string): void;
}

export interface StreamSummary {
  sessionId: string;
  turns: number;
  audioSeconds: number;
  sessionSeconds: number;
}

export function registerStreamCommand(program: Command): void {
  program
    .command('stream')
    .description('stream a file or URL to a real-time server (/v3/ws) as live audio and print the turns')
    .argument('<source>', 'file path or http(s) URL')
    .option('--url <url>', 'the server\'s streaming endpoint (EARSHOT_STREAM_URL)', process.env.EARSHOT_STREAM_URL ?? DEFAULT_STREAM_URL)
    .option('--key <key>', 'API key (EARSHOT_API_KEY)', process.env.EARSHOT_API_KEY)
    .option('--realtime', 'send at real-time pace, as a microphone would (default: as fast as the server takes it)')
    .option('--no-format-turns', 'print the raw words of each turn, without punctuation and casing')
    .option('--ca <file>', 'trust this CA certificate (PEM), e.g. a self-signed server\'s (or set NODE_EXTRA_CA_CERTS)')
    .action(async (source: string, flags: StreamFlags) => {
      const summary = await streamSource(source, flags, terminalOutput(process.stdout));
      process.stderr.write(`${summary.turns} turn(s), ${summary.audioSeconds.toFixed(1)} s of audio in ${summary.sessionSeconds.toFixed(1)} s (session ${summary.sessionId})\n`);
    });
}

/** Partials redrawn in place on a TTY, finals as lines; only finals when piped. */
export function terminalOutput(out: NodeJS.WriteStream): StreamOutput {
  const tty = out.isTTY === true;
  const clear = tty ? '\r\x1b[K' : '';
  return {
    partial(text) {
      if (!tty) return;
      const width = Math.max(20, (out.columns ?? 80) - 1);
      // Only the tail fits on one line; the line is redrawn, never scrolled.
      out.write(`${clear}${text.length > width ? `…${text.slice(-(width - 1))}` : text}`);
    },
    final(text) {
      out.write(`${clear}${text}\n`);
    },
  };
}

/** Streams one source through the server; resolves on `Termination`, throws on any other close. */
export async function streamSource(source: string, flags: StreamFlags, output: StreamOutput): Promise<StreamSummary> {
  if (!flags.key) throw new EarshotError('unauthorized', 'No API key: pass --key or set EARSHOT_API_KEY.');
  const url = new URL(flags.url);
  if (url.protocol !== 'wss:' && url.protocol !== 'ws:') throw new EarshotError('invalid_request', `--url must be a ws:// or wss:// URL, got ${flags.url}.`);
  url.searchParams.set('sample_rate', String(ENGINE_SAMPLE_RATE));
  url.searchParams.set('encoding', 'pcm_s16le');
  if (flags.formatTurns) url.searchParams.set('format_turns', 'true');
  const audio = await loadAudioSource(source, { maxBytes: 2 * 1024 ** 3, timeoutMs: 600_000, allowPrivateNetworks: true });

  const ws = new WebSocket(url, { headers: { authorization: flags.key }, ca: flags.ca ? await readFile(flags.ca) : undefined });
  let sessionId = '';
  let turns = 0;
  const done = new Promise<StreamSummary>((resolve, reject) => {
    let termination: StreamSummary | undefined;
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as ServerMessage;
      if (message.type === 'Begin') sessionId = message.id;
      else if (message.type === 'Turn') {
        if (message.end_of_turn && message.turn_is_formatted === flags.formatTurns) turns++;
        show(message, flags.formatTurns, output);
      } else if (message.type === 'Termination') {
        termination = { sessionId, turns, audioSeconds: message.audio_duration_seconds, sessionSeconds: message.session_duration_seconds };
      } else if (message.type === 'Warning') process.stderr.write(`earshot: server warning: ${message.warning}\n`);
    });
    ws.on('error', (err) => reject(new EarshotError('remote_fetch_failed', `Cannot stream to ${flags.url}: ${err.message}`, { cause: err })));
    ws.on('close', (code, reason) => {
      if (code === CLOSE_NORMAL && termination) resolve(termination);
      else reject(closedError(code, String(reason)));
    });
  });
  done.catch(() => {});
  await Promise.race([new Promise((resolve) => ws.once('open', resolve)), done]);

  const started = performance.now();
  let sentMs = 0;
  for await (const chunk of decodeAudio(audio, { chunkSamples: CHUNK_SAMPLES })) {
    if (ws.readyState !== WebSocket.OPEN) break;
    if (flags.realtime) {
      const wait = started + sentMs - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
    await new Promise<void>((resolve, reject) => ws.send(chunk, (err) => (err ? reject(err) : resolve())));
    sentMs += (chunk.length * 1000) / ENGINE_SAMPLE_RATE;
  }
  if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'Terminate' }));
  return done;
}

function show(turn: TurnMessage, formatted: boolean, output: StreamOutput): void {
  if (!turn.end_of_turn) {
    output.partial(turn.words.map((w) => w.text).join(' '));
  } else if (turn.turn_is_formatted === formatted) {
    output.final(turn.speaker_label ? `${turn.speaker_label}: ${turn.transcript}` : turn.transcript);
  }
}

/** A server close as the coded error it stands for (close-codes.ts), with the server's reason. */
function closedError(code: number, reason: string): EarshotError {
  const row = CLOSE_CODES.find((r) => r.code === code);
  const errorCode: ErrorCode = row?.errors[0] ?? 'internal';
  return new EarshotError(errorCode, `The server closed the stream (${code}${row ? ` ${row.name}` : ''})${reason ? `: ${reason}` : '.'}`);
}
