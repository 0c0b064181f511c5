/**
 * Where a real-time session's CPU goes (issue 16 item 1), for bench/streaming.ts. One session's
 * audio runs through the real StreamTranscriber (the same recognizer, VAD and turn detector as
 * /v3/ws), its client audio first resampled from 48 kHz, its messages serialised and sent over a
 * real local WebSocket. Each part is metered with process.cpuUsage() around its own calls, and
 * the metered asynchronous calls (native decoding on koffi's worker threads, Silero on
 * onnxruntime's) are run one at a time, so a delta belongs to one part even though the work runs
 * on other threads. CPU time, unlike wall time, does not depend on what else loads the machine.
 */
import { once } from 'node:events';
import { WebSocket, WebSocketServer } from 'ws';
import { createVadStream, type VadStream } from '../src/audio/vad/vad-stream.js';
import { Decoder } from '../src/engines/pocketsphinx/decoder.js';
import { EngineCache } from '../src/engines/registry.js';
import { serialiseServerMessage, type TurnMessage, type TurnSettings } from '../src/realtime/protocol.js';
import { Resampler } from '../src/realtime/resampler.js';
import { StreamTranscriber } from '../src/realtime/transcriber.js';

export const PARTS = ['decode (first pass)', 'utterance end (second pass)', 'lattice, posteriors, word times', 'partial hypotheses', 'VAD (Silero)', 'resampling 48→16 kHz', 'JSON', 'WebSocket send'] as const;
export type Part = (typeof PARTS)[number];

/** CPU µs of a synchronous call. */
function cpuOf(fn: () => void): number {
  const before = process.cpuUsage();
  fn();
  const used = process.cpuUsage(before);
  return used.user + used.system;
}

class Meter {
  readonly totals = new Map<Part, number>(PARTS.map((p) => [p, 0]));
  /** Metered async calls run one after another, so each CPU delta has one owner. */
  private lock: Promise<unknown> = Promise.resolve();
  /** CPU of the partial hypotheses computed since the last partial went out. */
  pendingPartial = 0;

  add(part: Part, micros: number): void {
    this.totals.set(part, this.totals.get(part)! + micros);
  }

  sync<T>(part: Part, fn: () => T): T {
    let out!: T;
    const micros = cpuOf(() => (out = fn()));
    this.add(part, micros);
    if (part === 'partial hypotheses') this.pendingPartial += micros;
    return out;
  }

  async(part: Part, fn: () => Promise<unknown>): Promise<unknown> {
    const run = this.lock.then(async () => {
      const before = process.cpuUsage();
      try {
        return await fn();
      } finally {
        const used = process.cpuUsage(before);
        this.add(part, used.user + used.system);
      }
    });
    this.lock = run.catch(() => {});
    return run;
  }
}

let active: Meter | undefined;

/** Routes the decoder's native calls through the active meter; a no-op when none is active. */
function instrumentDecoder(): void {
  const proto = Decoder.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
  const wrap = (name: string, part: Part, kind: 'sync' | 'async') => {
    const original = proto[name];
    proto[name] = function (this: unknown, ...args: unknown[]) {
      if (!active) return original.apply(this, args);
      return kind === 'sync' ? active.sync(part, () => original.apply(this, args)) : active.async(part, () => original.apply(this, args) as Promise<unknown>);
    };
  };
  wrap('process', 'decode (first pass)', 'async');
  wrap('endUtterance', 'utterance end (second pass)', 'async');
  wrap('finalSegments', 'lattice, posteriors, word times', 'async');
  wrap('segments', 'partial hypotheses', 'sync');
  wrap('hypothesis', 'partial hypotheses', 'sync');
}
instrumentDecoder();

function meteredVad(vad: VadStream, meter: Meter): VadStream {
  return {
    push: (pcm) => meter.async('VAD (Silero)', () => vad.push(pcm)) as Promise<number[]>,
    flush: () => meter.async('VAD (Silero)', () => vad.flush()) as Promise<number[]>,
    get frames() {
      return vad.frames;
    },
    reset: () => vad.reset(),
  };
}

export interface Profile {
  audioSeconds: number;
  /** CPU ms per second of audio, by part. */
  perPart: Map<Part, number>;
  /** All of the process's CPU over the run, ms per second of audio. */
  total: number;
  /** Partials: turn age (ms of audio since the turn opened), CPU µs for its words and for its JSON. */
  partials: { ageMs: number; hypothesisMicros: number; jsonMicros: number }[];
  finals: number;
}

/**
 * Streams `pcm` (16 kHz) through one transcriber as a 48 kHz client would send it, in `chunkMs`
 * chunks, as fast as it is processed.
 */
export async function profileSession(pcm: Int16Array, settings: TurnSettings, chunkMs = 50): Promise<Profile> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await once(wss, 'listening');
  const address = wss.address() as { port: number };
  const accepted = once(wss, 'connection') as Promise<[WebSocket]>;
  const client = new WebSocket(`ws://127.0.0.1:${address.port}`);
  client.on('message', () => {});
  await once(client, 'open');
  const [server] = await accepted;

  const client48k = new Resampler(16000, 48000).push(pcm);
  const engines = new EngineCache();
  const engine = await engines.get();
  const recognizer = await engine.createRecognizer();
  const meter = new Meter();
  const partials: Profile['partials'] = [];
  let turnOpenedAt: number | undefined;
  let finals = 0;
  const transcriber: StreamTranscriber = new StreamTranscriber({
    recognizer,
    vad: meteredVad(await createVadStream(), meter),
    sentenceEnds: await engine.sentenceEnds?.(),
    settings,
    format: (words) => [...words],
    onTurnBoundary: (event) => {
      if (event.type === 'started') turnOpenedAt = event.atMs;
    },
    emit: (turn: TurnMessage) => {
      let json = '';
      const jsonMicros = cpuOf(() => (json = serialiseServerMessage(turn)));
      if (active) active.add('JSON', jsonMicros);
      meter.sync('WebSocket send', () => server.send(json));
      if (turn.end_of_turn) finals++;
      else partials.push({ ageMs: transcriber.processedMs - (turnOpenedAt ?? 0), hypothesisMicros: meter.pendingPartial, jsonMicros });
      meter.pendingPartial = 0;
    },
  });
  // Warm the decoder, VAD and JIT on a second of audio before metering.
  await transcriber.process(pcm.subarray(0, 16000));
  await transcriber.finish();

  active = meter;
  const resampler = new Resampler(48000, 16000);
  const step = (48000 * chunkMs) / 1000;
  const start = process.cpuUsage();
  try {
    for (let i = 0; i < client48k.length; i += step) {
      const chunk = meter.sync('resampling 48→16 kHz', () => resampler.push(client48k.subarray(i, i + step)));
      await transcriber.process(chunk);
    }
    await transcriber.finish();
  } finally {
    active = undefined;
  }
  const used = process.cpuUsage(start);
  recognizer.close();
  await engines.close();
  client.close();
  wss.close();

  const audioSeconds = pcm.length / 16000;
  const perPart = new Map([...meter.totals].map(([part, micros]) => [part, micros / 1000 / audioSeconds]));
  return { audioSeconds, perPart, total: (used.user + used.system) / 1000 / audioSeconds, partials, finals };
}

/**
 * Median CPU µs of the partials whose turn age falls in [fromMs, toMs): in all, and for their words.
 * The median, since a partial that a garbage collection or a once-a-second re-segmentation lands
 * on is not the typical cost.
 */
export function partialCost(profile: Profile, fromMs: number, toMs: number): { micros: number; hypothesisMicros: number; count: number } {
  const inRange = profile.partials.filter((p) => p.ageMs >= fromMs && p.ageMs < toMs);
  const median = (f: (p: Profile['partials'][number]) => number) => {
    const sorted = inRange.map(f).sort((a, b) => a - b);
    return sorted.length === 0 ? NaN : sorted[Math.floor(sorted.length / 2)];
  };
  return { micros: median((p) => p.hypothesisMicros + p.jsonMicros), hypothesisMicros: median((p) => p.hypothesisMicros), count: inRange.length };
}
