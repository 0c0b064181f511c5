/**
 * The official `assemblyai` SDK's StreamingTranscriber against Earshot over wss (issue 5: "the
 * SDK connects with only its URL changed"). The SDK runs in a child process that trusts the
 * test's self-signed certificate through NODE_EXTRA_CA_CERTS, and streams LibriVox clips in 50 ms
 * chunks at real-time pace: Begin arrives, partial turns come before each final one, the final
 * turns cover the speech, and the streamed text is close to the async transcript of the same
 * audio (the word error rate between the two is printed).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { EngineCache } from '../../src/engines/registry.js';
import { wordErrorRate } from '../../src/eval/wer.js';
import { transcribeAudio } from '../../src/pipeline/transcribe.js';
import type { TurnMessage } from '../../src/realtime/protocol.js';
import { clipSequence, RATE, wavOf, type PlacedClip } from './helpers/audio.js';
import type { SdkClientInput } from './helpers/sdk-client.js';
import { startStreamServer, type StreamTestServer } from './helpers/stream-server.js';

const run = promisify(execFile);
const CLIENT = new URL('./helpers/sdk-client.ts', import.meta.url).pathname;
const GAP_MS = 1500;

interface SdkEvent {
  event: string;
  t: number;
  sentMs: number;
  turn?: TurnMessage;
  begin?: { id: string; expires_at: number };
  code?: number;
  message?: string;
}

async function runSdk(s: StreamTestServer, pcm: Int16Array, options: Partial<SdkClientInput>): Promise<SdkEvent[]> {
  const pcmPath = join(s.cert.dir, `audio-${Math.random().toString(36).slice(2)}.pcm`);
  await writeFile(pcmPath, Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength));
  const input: SdkClientInput = { baseUrl: s.url, apiKey: s.keyA, pcmPath, chunkMs: 50, realtime: true, ...options };
  const { stdout } = await run(process.execPath, ['--import', 'tsx', CLIENT, JSON.stringify(input)], {
    env: { ...process.env, NODE_EXTRA_CA_CERTS: s.cert.certPath },
    maxBuffer: 64 << 20,
    timeout: 120_000,
  });
  return stdout.trim().split('\n').map((line) => JSON.parse(line) as SdkEvent);
}

describe('streaming with the assemblyai SDK over wss', () => {
  let s: StreamTestServer;
  let pcm: Int16Array;
  let clips: PlacedClip[];

  before(async () => {
    s = await startStreamServer();
    ({ pcm, clips } = await clipSequence(['0880', '0890', '0930'], GAP_MS));
  });
  after(() => s.close());

  test('LibriVox clips at real-time pace: Begin, partials before finals, formatted finals, close to the async transcript', async (t) => {
    const events = await runSdk(s, pcm, { params: { formatTurns: true } });
    const open = events.find((e) => e.event === 'open');
    assert.ok(open?.begin, `no Begin: ${JSON.stringify(events.slice(0, 3))}`);
    assert.match(open.begin.id, /^[0-9a-f-]{36}$/);
    assert.ok(open.begin.expires_at > Date.now() / 1000);
    assert.ok(!events.some((e) => e.event === 'failed' || e.event === 'error'), JSON.stringify(events.filter((e) => e.event === 'failed' || e.event === 'error')));

    const turns = events.filter((e) => e.event === 'turn').map((e) => ({ ...e.turn!, t: e.t, sentMs: e.sentMs }));
    const finals = turns.filter((m) => m.end_of_turn && !m.turn_is_formatted);
    assert.ok(finals.length >= clips.length, `one final turn per clip at least, got ${finals.length}`);
    for (const final of finals) {
      const index = turns.indexOf(final);
      assert.ok(turns.slice(0, index).some((m) => m.turn_order === final.turn_order && !m.end_of_turn), `turn ${final.turn_order} had no partial before its final`);
      assert.ok(final.words.every((w) => w.word_is_final && w.end >= w.start));
      assert.equal(final.transcript, final.words.map((w) => w.text).join(' '));
      const formatted = turns[index + 1];
      assert.ok(formatted?.end_of_turn && formatted.turn_is_formatted && formatted.turn_order === final.turn_order, 'the formatted final follows the raw one');
      assert.match(formatted.transcript, /^[A-Z].*[.?!]$/);
    }
    assert.deepEqual(finals.map((f) => f.turn_order), finals.map((_, i) => i), 'turn_order counts the turns');

    // Final turns cover the speech: each clip's span holds final words for most of its reference.
    for (const clip of clips) {
      const words = finals.flatMap((f) => f.words).filter((w) => w.start >= clip.startMs - 100 && w.end <= clip.endMs + 100);
      const reference = clip.reference.split(' ').length;
      assert.ok(words.length >= 0.6 * reference, `clip ${clip.id}: ${words.length} final words for ${reference} reference words`);
    }

    // The same audio through the async pipeline.
    const engines = new EngineCache();
    const { transcript } = await transcribeAudio(wavOf(pcm), await engines.get());
    await engines.close();
    const asyncText = transcript.words.map((w) => w.text).join(' ');
    const streamedText = finals.map((f) => f.transcript).join(' ');
    const reference = clips.map((c) => c.reference).join(' ');
    const vsAsync = wordErrorRate(asyncText, streamedText).wer;
    const streamWer = wordErrorRate(reference, streamedText).wer;
    const asyncWer = wordErrorRate(reference, asyncText).wer;

    const partialGaps: number[] = [];
    for (let i = 1; i < turns.length; i++) {
      const [a, b] = [turns[i - 1], turns[i]];
      if (!a.end_of_turn && !b.end_of_turn && a.turn_order === b.turn_order) partialGaps.push(b.t - a.t);
    }
    const latencies = finals.map((f) => f.t - f.words.at(-1)!.end);
    t.diagnostic(`streamed: ${streamedText}`);
    t.diagnostic(`async:    ${asyncText}`);
    t.diagnostic(`WER streamed vs async ${(vsAsync * 100).toFixed(1)}%; vs reference: streamed ${(streamWer * 100).toFixed(1)}%, async ${(asyncWer * 100).toFixed(1)}%`);
    t.diagnostic(`end of speech → final (wall ms): ${latencies.join(', ')}; partial gaps median ${median(partialGaps)} ms, max ${Math.max(...partialGaps)} ms`);
    // Both sides are pocketsphinx, cut differently (turns vs VAD segments): they differ where the
    // engine is unsure. What matters is that streaming is not worse against the reference.
    assert.ok(vsAsync <= 0.5, `streamed text too far from the async transcript: WER ${vsAsync}`);
    assert.ok(streamWer <= asyncWer + 0.15, `streaming WER ${streamWer} vs async ${asyncWer}`);
    assert.ok(median(partialGaps) <= 300, `partials every ${median(partialGaps)} ms`);

    const closed = events.find((e) => e.event === 'closed');
    const sent = events.find((e) => e.event === 'sent');
    assert.ok(closed && sent && closed.t - sent.t < 4000, 'close() returned on Termination, not on its 5 s timeout');
  });

  test('a temporary token from client.streaming.createTemporaryToken() opens a session; a bad sample rate fails connect() with 4000', async () => {
    const short = pcm.subarray(0, 4.5 * RATE);
    const events = await runSdk(s, short, { useToken: true, realtime: false, params: { formatTurns: false } });
    assert.ok(events.some((e) => e.event === 'token'));
    assert.ok(events.some((e) => e.event === 'open'), JSON.stringify(events));
    const finals = events.filter((e) => e.turn?.end_of_turn);
    assert.ok(finals.length >= 1 && finals.every((e) => !e.turn!.turn_is_formatted), 'raw finals only without format_turns');
    assert.match(finals.map((e) => e.turn!.transcript).join(' '), /young man/);

    const refused = await runSdk(s, short, { realtime: false, params: { sampleRate: 96000 } });
    const failed = refused.find((e) => e.event === 'failed');
    assert.equal(failed?.code, 4000, JSON.stringify(refused));
    assert.match(failed!.message!, /sample_rate/);
  });
});

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}
