/**
 * `earshot stream <file|URL>` (issue 5 item 5): a file goes to the server as a live stream, as
 * fast as the server takes it or at real-time pace; partials are redrawn in place on a terminal,
 * final turns are printed as lines, and a refusal is the server's close reason.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Command } from 'commander';
import { isEarshotError } from '../../src/errors.js';
import { registerStreamCommand, streamSource, terminalOutput, type StreamOutput } from '../../src/cli/commands/stream.js';
import { librivoxClips } from '../helpers/librivox.js';
import { startStreamServer, type StreamTestServer } from './helpers/stream-server.js';

const clip = librivoxClips().find((c) => c.id.endsWith('0880'))!; // "he was not an ill disposed young man"

function recorder(): StreamOutput & { partials: string[]; finals: string[] } {
  const partials: string[] = [];
  const finals: string[] = [];
  return { partials, finals, partial: (t) => partials.push(t), final: (t) => finals.push(t) };
}

describe('earshot stream', () => {
  let s: StreamTestServer;
  before(async () => {
    s = await startStreamServer();
  });
  after(() => s.close());

  test('streams a file as fast as the server takes it and prints formatted final turns', async () => {
    const out = recorder();
    const summary = await streamSource(clip.path, { url: s.wsUrl, key: s.keyA, formatTurns: true, ca: s.cert.certPath }, out);
    assert.ok(summary.audioSeconds > 2.9 && summary.audioSeconds < 3.1, JSON.stringify(summary));
    assert.equal(summary.turns, out.finals.length);
    assert.match(out.finals.join(' '), /^He was not .*young man\.$/);
    assert.ok(out.partials.length > 0, 'partials were shown');
  });

  test('--realtime paces the audio; --no-format-turns prints raw words', async () => {
    const out = recorder();
    const started = Date.now();
    await streamSource(clip.path, { url: s.wsUrl, key: s.keyA, formatTurns: false, realtime: true, ca: s.cert.certPath }, out);
    assert.ok(Date.now() - started >= 2900, 'took the length of the audio');
    assert.match(out.finals.join(' '), /^he was not .*young man$/);
  });

  test('a terminal gets partials redrawn in place and finals as lines; a pipe only the finals', () => {
    const written: string[] = [];
    const tty = Object.assign({ isTTY: true, columns: 30, write: (t: string) => written.push(t) }) as unknown as NodeJS.WriteStream;
    const output = terminalOutput(tty);
    output.partial('he was');
    output.partial('he was not an ill disposed young man who');
    output.final('He was not an ill-disposed young man.');
    assert.deepEqual(written, ['\r\x1b[Khe was', '\r\x1b[K…n ill disposed young man who', '\r\x1b[KHe was not an ill-disposed young man.\n']);
    const piped: string[] = [];
    const pipe = terminalOutput({ isTTY: false, write: (t: string) => piped.push(t) } as unknown as NodeJS.WriteStream);
    pipe.partial('he was');
    pipe.final('He was.');
    assert.deepEqual(piped, ['He was.\n']);
  });

  test('a refused stream fails with the server\'s reason; the command is registered with its flags', async () => {
    await assert.rejects(
      streamSource(clip.path, { url: s.wsUrl, key: 'wrong', formatTurns: true, ca: s.cert.certPath }, recorder()),
      (err: unknown) => isEarshotError(err, 'unauthorized') && /4001 AuthFailed.*Not Authorized/.test(err.message),
    );
    const program = new Command();
    registerStreamCommand(program);
    const command = program.commands.find((c) => c.name() === 'stream')!;
    assert.deepEqual(command.options.map((o) => o.long), ['--url', '--key', '--realtime', '--no-format-turns', '--ca']);
  });
});
