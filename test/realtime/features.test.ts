/**
 * Streaming features over the plain protocol (issue 5): 8 kHz μ-law telephony audio, speaker
 * labels on final turns, ForceEndpoint, UpdateConfiguration, a client sending far faster than
 * real time (back-pressure, no error), and `--store-streams` (off: nothing is stored).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { wordErrorRate } from '../../src/eval/wer.js';
import type { TurnMessage, WarningMessage } from '../../src/realtime/protocol.js';
import { buildConversation, type Line } from '../intelligence/helpers/voices.js';
import { clipSequence, concat, silence } from './helpers/audio.js';
import { startStreamServer, type StreamTestServer } from './helpers/stream-server.js';

const run = promisify(execFile);
const finals = (turns: TurnMessage[]) => turns.filter((t) => t.end_of_turn && !t.turn_is_formatted);
const text = (turns: TurnMessage[]) => finals(turns).map((t) => t.transcript).join(' ');

describe('streaming features', () => {
  let s: StreamTestServer;
  before(async () => {
    s = await startStreamServer();
  });
  after(() => s.close());

  test('pcm_mulaw, and sample rates other than 16 kHz, transcribe like 16 kHz PCM', async () => {
    const { clips } = await clipSequence(['0880'], 0);
    const convert = async (args: string[], silenceBytes: Buffer) => {
      const { stdout } = await run('ffmpeg', ['-v', 'error', '-i', clips[0].path, '-ac', '1', ...args, 'pipe:1'], { encoding: 'buffer', maxBuffer: 1 << 24 });
      return Buffer.concat([stdout, silenceBytes]);
    };
    const cases: Array<[Record<string, string>, Buffer, number]> = [
      [{ sample_rate: '16000' }, await convert(['-ar', '16000', '-f', 's16le'], Buffer.alloc(48000)), 32000],
      // 0xff is μ-law silence.
      [{ sample_rate: '16000', encoding: 'pcm_mulaw' }, await convert(['-ar', '16000', '-f', 'mulaw'], Buffer.alloc(24000, 0xff)), 16000],
      [{ sample_rate: '48000' }, await convert(['-ar', '48000', '-f', 's16le'], Buffer.alloc(144000)), 96000],
      [{ sample_rate: '44100', encoding: 'pcm_mulaw' }, await convert(['-ar', '44100', '-f', 'mulaw'], Buffer.alloc(66150, 0xff)), 44100],
    ];
    const texts: string[] = [];
    for (const [query, audio, bytesPerSecond] of cases) {
      const stream = s.connect(query);
      await stream.begun;
      // 50 ms frames of whatever size that is in this encoding and rate.
      const frame = bytesPerSecond / 20;
      for (let i = 0; i < audio.length; i += frame) stream.ws.send(audio.subarray(i, i + frame));
      stream.ws.send(JSON.stringify({ type: 'Terminate' }));
      assert.equal((await stream.closed).code, 1000);
      texts.push(text(stream.turns()));
      const termination = stream.messages.find((m) => m.type === 'Termination');
      assert.ok(termination?.type === 'Termination' && Math.abs(termination.audio_duration_seconds - audio.length / bytesPerSecond) < 0.01, JSON.stringify(termination));
    }
    for (const [i, t] of texts.entries()) {
      assert.ok(wordErrorRate(clips[0].reference, t).wer <= 0.5, `${JSON.stringify(cases[i][0])}: ${t}`);
      assert.ok(wordErrorRate(texts[0], t).wer <= 0.3, `${JSON.stringify(cases[i][0])}: "${t}" vs 16 kHz PCM "${texts[0]}"`);
    }
  });

  test('speaker_labels=true labels final turns by voice', async () => {
    const lines: Line[] = [
      { speaker: 'A', voice: 'en-us+m3', text: 'welcome back to the show, today we are talking about speech recognition on small computers', gapMs: 300 },
      { speaker: 'B', voice: 'en-us+f4', text: 'thanks for having me, it is a topic I have worked on for many years', gapMs: 1600 },
      { speaker: 'A', voice: 'en-us+m3', text: 'and where do you think the field is going next from here', gapMs: 1600 },
    ];
    const { pcm } = await buildConversation(lines);
    const stream = s.connect({ sample_rate: '16000', speaker_labels: 'true' });
    await stream.begun;
    await stream.send(concat([pcm, silence(1500)]));
    stream.ws.send(JSON.stringify({ type: 'Terminate' }));
    assert.equal((await stream.closed).code, 1000);
    const labelled = finals(stream.turns());
    assert.deepEqual(labelled.map((t) => t.speaker_label), ['A', 'B', 'A'], JSON.stringify(labelled.map((t) => [t.speaker_label, t.transcript])));
    assert.ok(labelled.every((t) => t.words.every((w) => w.speaker === t.speaker_label)));
    assert.ok(stream.turns().filter((t) => !t.end_of_turn).every((t) => t.speaker_label === undefined), 'labels on finals only');
  });

  test('ForceEndpoint ends the turn at once; UpdateConfiguration applies turn settings and warns about the rest', async () => {
    const { pcm } = await clipSequence(['0890'], 0); // 5.3 s, no trailing silence
    // Silences long enough that only ForceEndpoint can end the turn.
    const stream = s.connect({ sample_rate: '16000', min_turn_silence: '5000', max_turn_silence: '10000' });
    await stream.begun;
    await stream.send(pcm);
    stream.ws.send(JSON.stringify({ type: 'ForceEndpoint' }));
    stream.ws.send(JSON.stringify({ type: 'UpdateConfiguration', format_turns: true, max_turn_silence: 1000, min_turn_silence: 300, keyterms_prompt: ['Dashwood'] }));
    await stream.send(concat([pcm.subarray(0, 3 * 16000), silence(1500)]));
    stream.ws.send(JSON.stringify({ type: 'Terminate' }));
    assert.equal((await stream.closed).code, 1000);
    const turns = stream.turns();
    const raw = finals(turns);
    assert.equal(raw.length, 2, JSON.stringify(raw.map((t) => t.transcript)));
    assert.match(raw[0].transcript, /rather selfish/);
    assert.ok(!turns.some((t) => t.turn_order === 0 && t.turn_is_formatted), 'format_turns was off for the first turn');
    assert.ok(turns.some((t) => t.turn_order === 1 && t.turn_is_formatted), 'and on for the second');
    const warning = stream.messages.find((m): m is WarningMessage => m.type === 'Warning');
    assert.match(warning?.warning ?? '', /keyterms_prompt/);
  });

  test('a client sending far faster than real time is slowed, not dropped, and gets every turn', async () => {
    const { pcm, clips } = await clipSequence(['0870', '0880', '0890', '0920', '0930'], 1500); // ~33 s
    const stream = s.connect({ sample_rate: '16000' });
    await stream.begun;
    const started = Date.now();
    await stream.send(pcm, { chunkMs: 250 });
    const sendMs = Date.now() - started;
    stream.ws.send(JSON.stringify({ type: 'Terminate' }));
    const { code, reason } = await stream.closed;
    assert.equal(code, 1000, reason);
    assert.ok(finals(stream.turns()).length >= clips.length, `${finals(stream.turns()).length} final turns`);
    const termination = stream.messages.find((m) => m.type === 'Termination');
    assert.ok(termination?.type === 'Termination' && termination.audio_duration_seconds > 32);
    assert.ok(sendMs < 33_000, `sent ${pcm.length / 16000} s of audio in ${sendMs} ms`);
  });

  test('keyterms_prompt reaches the engine as its vocabulary', async () => {
    const { pcm } = await clipSequence(['0870'], 1500); // "and mister john dashwood had then leisure …"
    const stream = s.connect({ sample_rate: '16000', keyterms_prompt: JSON.stringify(['Dashwood']) });
    await stream.begun;
    await stream.send(pcm);
    stream.ws.send(JSON.stringify({ type: 'Terminate' }));
    assert.equal((await stream.closed).code, 1000);
    assert.match(text(stream.turns()), /dashwood/i);
  });

  test('streams are not stored by default', async () => {
    const list = await s.get('/v2/transcript');
    assert.equal(list.status, 200);
    assert.equal(list.json.transcripts.length, 0);
  });
});

describe('--store-streams', () => {
  let s: StreamTestServer;
  before(async () => {
    s = await startStreamServer({ storeStreams: true });
  });
  after(() => s.close());

  test('keeps each session\'s final turns as a completed transcript of the key\'s project', async () => {
    const { pcm } = await clipSequence(['0880'], 1500);
    const stream = s.connect({ sample_rate: '16000', format_turns: 'true' });
    await stream.begun;
    await stream.send(pcm);
    stream.ws.send(JSON.stringify({ type: 'Terminate' }));
    assert.equal((await stream.closed).code, 1000);
    const formatted = stream.turns().filter((t) => t.end_of_turn && t.turn_is_formatted).map((t) => t.transcript).join(' ');
    let listed: any[] = [];
    for (let i = 0; i < 50 && listed.length === 0; i++) {
      listed = (await s.get('/v2/transcript')).json.transcripts;
      if (listed.length === 0) await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(listed.length, 1);
    const stored = await s.get(`/v2/transcript/${listed[0].id}`);
    assert.equal(stored.json.status, 'completed');
    assert.equal(stored.json.text, formatted);
    assert.equal((await s.get('/v2/transcript', s.keyB)).json.transcripts.length, 0, 'other projects do not see it');
  });
});
