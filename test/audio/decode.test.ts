import { SHARED_AUDIO_DIR } from '../helpers/librivox.js';
import { expectCode } from '../helpers/errors.js';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, fstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { decodeAudio, decodeAudioToPcm, type AudioInfo, type DecodeOptions } from '../../src/audio/decode.js';
import { createMemfd } from '../../src/audio/memfd.js';

const JFK_WAV = `${SHARED_AUDIO_DIR}jfk.wav`;
const JFK_MP3 = `${SHARED_AUDIO_DIR}jfk.mp3`;
// jfk.wav is 11.00 s of 16 kHz mono.
const JFK_SAMPLES = 176_000;

/** Runs ffmpeg on test material and returns what it writes to stdout. */
function ffmpegOut(args: string[], stdinData?: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', ...args, 'pipe:1'], {
      stdio: [stdinData ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    let err = '';
    child.stdout!.on('data', (d: Buffer) => out.push(d));
    child.stderr!.on('data', (d: Buffer) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(Buffer.concat(out)) : reject(new Error(`ffmpeg ${args.join(' ')}: ${err}`))));
    if (stdinData) child.stdin!.end(stdinData);
  });
}

/**
 * MP4 writers seek back to finish the file, so they cannot write to a pipe; an in-memory file
 * stands in for the output file (and gives MP4s with the moov index at the end, as on disk).
 */
async function ffmpegSeekableOut(args: string[]): Promise<Buffer> {
  const fd = await createMemfd(new Uint8Array(0), 'earshot-test-output');
  assert.ok(fd !== null, 'memfd_create must work on this machine');
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', ...args, 'file:/dev/fd/3'], {
        stdio: ['ignore', 'ignore', 'pipe', fd],
      });
      let err = '';
      child.stderr!.on('data', (d: Buffer) => (err += d));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg ${args.join(' ')}: ${err}`))));
    });
    const bytes = Buffer.alloc(fstatSync(fd).size);
    readSync(fd, bytes, 0, bytes.length, 0);
    return bytes;
  } finally {
    closeSync(fd);
  }
}

function topLevelAtoms(mp4: Buffer): string[] {
  const atoms: string[] = [];
  for (let offset = 0; offset + 8 <= mp4.length; ) {
    const size = mp4.readUInt32BE(offset);
    atoms.push(mp4.toString('latin1', offset + 4, offset + 8));
    if (size < 8) break;
    offset += size;
  }
  return atoms;
}

function rms(pcm: Int16Array): number {
  let sum = 0;
  for (const s of pcm) sum += s * s;
  return Math.sqrt(sum / pcm.length);
}

/** The samples of a 16-bit PCM WAV, read straight from its chunks (independent of ffmpeg). */
function wavSamples(wav: Buffer): Int16Array {
  for (let offset = 12; offset + 8 <= wav.length; ) {
    const size = wav.readUInt32LE(offset + 4);
    if (wav.toString('latin1', offset, offset + 4) === 'data') {
      const data = wav.subarray(offset + 8, offset + 8 + size);
      return new Int16Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.length));
    }
    offset += 8 + size + (size & 1);
  }
  throw new Error('no data chunk');
}

/** ffmpeg processes whose parent is this test process: running ones and unreaped zombies alike. */
function ffmpegChildren(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    const end = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, end);
    const ppid = Number(stat.slice(end + 2).split(' ')[1]);
    if (ppid === process.pid && comm === 'ffmpeg') pids.push(Number(entry));
  }
  return pids;
}

function chunked(bytes: Buffer, size = 8192): AsyncIterable<Uint8Array> {
  return (async function* () {
    for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
  })();
}

/** A WAV stream that never ends (header with the "unknown length" size a live writer uses). */
function endlessWav(pcm: Buffer, state: { closed?: () => void }): AsyncIterable<Uint8Array> {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(0xffffffff, 4);
  header.write('WAVEfmt ', 8, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(16000, 24);
  header.writeUInt32LE(32000, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(0xffffffff, 40);
  return (async function* () {
    try {
      yield header;
      for (;;) yield pcm;
    } finally {
      state.closed?.();
    }
  })();
}


async function decodeWithInfo(input: Buffer | AsyncIterable<Uint8Array>, options: DecodeOptions = {}) {
  const infos: AudioInfo[] = [];
  const pcm = await decodeAudioToPcm(input, { ...options, onInfo: (info) => infos.push(info) });
  return { pcm, infos, warnings: infos.flatMap((i) => i.warnings ?? []) };
}

const fx: Record<string, Buffer> = {};
const jfk = () => ['-i', JFK_WAV];

before(async () => {
  // Sequential: the machine has two cores shared with others.
  fx.wav = readFileSync(JFK_WAV);
  fx.mp3 = readFileSync(JFK_MP3);
  // Written as to a file: FLAC and WebM writers seek back to record the length in the header.
  fx.flac = await ffmpegSeekableOut([...jfk(), '-c:a', 'flac', '-f', 'flac']);
  fx.flacFromPipe = await ffmpegOut([...jfk(), '-c:a', 'flac', '-f', 'flac']);
  fx.vorbis = await ffmpegOut([...jfk(), '-c:a', 'libvorbis', '-f', 'ogg']);
  fx.opus = await ffmpegOut([...jfk(), '-c:a', 'libopus', '-f', 'ogg']);
  fx.webm = await ffmpegSeekableOut([...jfk(), '-c:a', 'libopus', '-f', 'webm']);
  fx.m4aMoovAtEnd = await ffmpegSeekableOut([...jfk(), '-c:a', 'aac', '-f', 'ipod']);
  fx.m4aFastStart = await ffmpegSeekableOut([...jfk(), '-c:a', 'aac', '-movflags', '+faststart', '-f', 'ipod']);
  const picture = ['-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=10'];
  const h264 = ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'];
  fx.videoMp4 = await ffmpegSeekableOut([...picture, ...jfk(), '-map', '0:v', '-map', '1:a', ...h264, '-c:a', 'aac', '-shortest', '-f', 'mp4']);
  fx.silentVideo = await ffmpegOut([...picture, ...h264, '-t', '2', '-f', 'matroska']);
  fx.png = await ffmpegOut(['-f', 'lavfi', '-i', 'testsrc=size=64x64', '-frames:v', '1', '-c:v', 'png', '-f', 'image2pipe']);
  fx.zeroSamplesWav = await ffmpegOut(['-f', 'lavfi', '-i', 'anullsrc=r=16000:cl=mono', '-t', '0', '-f', 'wav']);
  fx.pcm = await ffmpegOut([...jfk(), '-f', 's16le']);
});

describe('decodeAudio: formats', () => {
  test('the MP4 fixtures have the layouts the tests rely on', () => {
    assert.deepEqual(topLevelAtoms(fx.m4aMoovAtEnd).filter((a) => a === 'moov' || a === 'mdat'), ['mdat', 'moov']);
    assert.deepEqual(topLevelAtoms(fx.m4aFastStart).filter((a) => a === 'moov' || a === 'mdat'), ['moov', 'mdat']);
    assert.deepEqual(topLevelAtoms(fx.videoMp4).filter((a) => a === 'moov' || a === 'mdat'), ['mdat', 'moov']);
  });

  test('WAV decodes to exactly the samples in its data chunk', async () => {
    const { pcm, infos, warnings } = await decodeWithInfo(fx.wav);
    assert.deepEqual(pcm, wavSamples(fx.wav));
    assert.equal(infos[0].format, 'wav');
    assert.equal(infos[0].durationMs, 11_000);
    assert.deepEqual(warnings, []);
  });

  const cases: Array<[string, () => Buffer, string, boolean]> = [
    // name, fixture, ffmpeg's codec name, whether a plain pipe can carry it too
    ['mp3', () => fx.mp3, 'mp3', true],
    ['flac', () => fx.flac, 'flac', true],
    ['ogg/vorbis', () => fx.vorbis, 'vorbis', true],
    ['ogg/opus', () => fx.opus, 'opus', true],
    ['webm/opus', () => fx.webm, 'opus', true],
    ['m4a/aac with moov at the end', () => fx.m4aMoovAtEnd, 'aac', false],
    ['m4a/aac with moov first', () => fx.m4aFastStart, 'aac', true],
    ['mp4 video (h264 + aac, moov at the end)', () => fx.videoMp4, 'aac', false],
  ];
  for (const [name, fixture, codec, pipeable] of cases) {
    test(`${name} decodes to ~11 s of speech from a Buffer`, async () => {
      const { pcm, infos, warnings } = await decodeWithInfo(fixture());
      // Codec priming and frame padding account for a few hundred samples either way.
      assert.ok(Math.abs(pcm.length - JFK_SAMPLES) < JFK_SAMPLES * 0.01, `got ${pcm.length} samples`);
      assert.ok(rms(pcm) > 500, `speech should not be silent (rms ${rms(pcm).toFixed(0)})`);
      assert.equal(infos[0].codec, codec);
      assert.ok(Math.abs((infos[0].durationMs ?? 0) - 11_000) <= 500, `duration ${infos[0].durationMs}`);
      assert.deepEqual(warnings, []);
    });
    if (pipeable) {
      test(`${name} decodes from a stream`, async () => {
        const { pcm, warnings } = await decodeWithInfo(chunked(fixture()));
        assert.ok(Math.abs(pcm.length - JFK_SAMPLES) < JFK_SAMPLES * 0.01, `got ${pcm.length} samples`);
        assert.ok(rms(pcm) > 500);
        assert.deepEqual(warnings, []);
      });
    }
  }

  test('an m4a with its moov index at the end cannot come through a pipe, and says how to fix it', async () => {
    await expectCode(decodeAudioToPcm(chunked(fx.m4aMoovAtEnd)), 'audio_corrupt', /faststart/);
  });

  test('chunks have the requested length, the last one the remainder', async () => {
    const lengths: number[] = [];
    for await (const chunk of decodeAudio(fx.wav, { chunkSamples: 3000 })) lengths.push(chunk.length);
    assert.equal(lengths.reduce((a, b) => a + b, 0), JFK_SAMPLES);
    assert.ok(lengths.slice(0, -1).every((n) => n === 3000));
    assert.equal(lengths.at(-1), JFK_SAMPLES % 3000);
  });

  test('two decodes at once do not mix up their inputs', async () => {
    const [a, b] = await Promise.all([decodeAudioToPcm(fx.m4aMoovAtEnd), decodeAudioToPcm(chunked(fx.wav))]);
    assert.ok(Math.abs(a.length - JFK_SAMPLES) < 500);
    assert.deepEqual(b, wavSamples(fx.wav));
  });
});

describe('decodeAudio: bad input', () => {
  const half = (b: Buffer) => b.subarray(0, Math.floor(b.length / 2));

  test('zero bytes are audio_empty, as a Buffer and as a stream', async () => {
    await expectCode(decodeAudioToPcm(Buffer.alloc(0)), 'audio_empty');
    await expectCode(decodeAudioToPcm(chunked(Buffer.alloc(0))), 'audio_empty');
  });

  test('a file that decodes to zero samples is audio_empty', async () => {
    await expectCode(decodeAudioToPcm(fx.zeroSamplesWav), 'audio_empty', /no audio samples/);
  });

  test('text, random bytes and a PNG are audio_unsupported', async () => {
    const text = Buffer.from('This is a transcript, not a recording.\n'.repeat(100));
    let seed = 42;
    const random = Buffer.alloc(100_000, 0).map(() => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24);
    await expectCode(decodeAudioToPcm(text), 'audio_unsupported');
    await expectCode(decodeAudioToPcm(chunked(text)), 'audio_unsupported');
    await expectCode(decodeAudioToPcm(random), 'audio_unsupported');
    await expectCode(decodeAudioToPcm(fx.png), 'audio_unsupported', /png/);
  });

  test('playlists and concat scripts that would make ffmpeg read server files are audio_unsupported', async () => {
    // Without the demuxer whitelist ffmpeg follows these to the local file and decodes it.
    const playlist = Buffer.from(`#EXTM3U\n#EXT-X-TARGETDURATION:12\n#EXTINF:12,\n${JFK_MP3}\n#EXT-X-ENDLIST\n`);
    const concat = Buffer.from(`ffconcat version 1.0\nfile ${JFK_MP3}\n`);
    await expectCode(decodeAudioToPcm(playlist), 'audio_unsupported', /hls/);
    await expectCode(decodeAudioToPcm(chunked(playlist)), 'audio_unsupported', /hls/);
    await expectCode(decodeAudioToPcm(concat), 'audio_unsupported', /concat/);
  });

  test('a video without an audio track is audio_unsupported naming the missing track', async () => {
    await expectCode(decodeAudioToPcm(fx.silentVideo), 'audio_unsupported', /no audio track/);
  });

  const truncated: Array<[string, () => Buffer]> = [
    ['wav', () => fx.wav],
    ['mp3', () => fx.mp3],
    ['flac', () => fx.flac],
    ['webm', () => fx.webm],
    ['m4a (moov first)', () => fx.m4aFastStart],
    ['m4a (moov at the end)', () => fx.m4aMoovAtEnd],
    ['mp4 video', () => fx.videoMp4],
  ];
  for (const [name, fixture] of truncated) {
    test(`${name} cut in half is audio_corrupt`, async () => {
      await expectCode(decodeAudioToPcm(half(fixture())), 'audio_corrupt', /truncated/);
    });
  }

  test('wav cut at an even byte (which ffmpeg does not notice) is audio_corrupt from a stream too', async () => {
    await expectCode(decodeAudioToPcm(chunked(fx.wav.subarray(0, 200_000))), 'audio_corrupt', /declares 11\.0 s/);
  });

  test('a header alone is audio_corrupt, not "unsupported"', async () => {
    await expectCode(decodeAudioToPcm(fx.wav.subarray(0, 44)), 'audio_corrupt');
    await expectCode(decodeAudioToPcm(fx.flac.subarray(0, 100)), 'audio_corrupt');
    await expectCode(decodeAudioToPcm(fx.m4aFastStart.subarray(0, 100)), 'audio_corrupt');
  });

  for (const [name, fixture] of [['ogg/vorbis', () => fx.vorbis], ['ogg/opus', () => fx.opus]] as const) {
    test(`${name} cut in half decodes its first half with a truncation warning`, async () => {
      const { pcm, warnings } = await decodeWithInfo(half(fixture()));
      assert.ok(pcm.length > JFK_SAMPLES * 0.3 && pcm.length < JFK_SAMPLES * 0.7, `got ${pcm.length}`);
      assert.equal(warnings.length, 1);
      assert.match(warnings[0], /end-of-stream/);
    });
  }

  test('a FLAC written to a pipe (no length in its header) cut in half decodes partly, with a warning', async () => {
    const { pcm, warnings } = await decodeWithInfo(half(fx.flacFromPipe));
    assert.ok(pcm.length > JFK_SAMPLES * 0.3 && pcm.length < JFK_SAMPLES * 0.7, `got ${pcm.length}`);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /problem/);
  });

  test('allowTruncated turns a truncation error into a warning with the partial audio', async () => {
    const { pcm, warnings } = await decodeWithInfo(half(fx.flac), { allowTruncated: true });
    assert.ok(pcm.length > JFK_SAMPLES * 0.3 && pcm.length < JFK_SAMPLES * 0.7, `got ${pcm.length}`);
    assert.match(warnings.join('\n'), /declares 11\.0 s/);
  });

  test('damage in the middle decodes the rest and warns', async () => {
    const damaged = Buffer.from(fx.mp3);
    const middle = Math.floor(damaged.length / 2);
    damaged.fill(0x55, middle, middle + 2000);
    const { pcm, warnings } = await decodeWithInfo(damaged);
    assert.ok(pcm.length > JFK_SAMPLES * 0.9, `got ${pcm.length}`);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /problem/);
  });

  test('ffmpeg missing from PATH is ffmpeg_missing with the install command', async () => {
    const saved = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      await expectCode(decodeAudioToPcm(fx.wav), 'ffmpeg_missing', /apt-get install ffmpeg/);
      await expectCode(decodeAudioToPcm(chunked(fx.wav)), 'ffmpeg_missing');
    } finally {
      process.env.PATH = saved;
    }
  });

  test('an input stream that fails makes the decode fail with its error', async () => {
    const failing = (async function* () {
      yield fx.wav.subarray(0, 50_000);
      throw new Error('upload connection reset');
    })();
    await assert.rejects(decodeAudioToPcm(failing), /upload connection reset/);
    assert.deepEqual(ffmpegChildren(), []);
  });
});

describe('decodeAudio: stopping', () => {
  test('breaking out of the loop kills ffmpeg and closes the input stream', async () => {
    let inputClosed!: () => void;
    const closed = new Promise<void>((resolve) => (inputClosed = resolve));
    let chunks = 0;
    for await (const chunk of decodeAudio(endlessWav(fx.pcm, { closed: inputClosed }), { chunkSamples: 1600 })) {
      assert.equal(chunk.length, 1600);
      // The input never ends, so ffmpeg is certainly still running here.
      assert.equal(ffmpegChildren().length, 1);
      if (++chunks === 3) break;
    }
    assert.deepEqual(ffmpegChildren(), []);
    await closed;
  });

  test('breaking out of a Buffer decode kills ffmpeg too', async () => {
    for await (const chunk of decodeAudio(fx.m4aMoovAtEnd, { chunkSamples: 1600 })) {
      assert.ok(chunk.length > 0);
      // 11 s of PCM is more than the pipe and stream buffers hold, so ffmpeg waits for us.
      assert.equal(ffmpegChildren().length, 1);
      break;
    }
    assert.deepEqual(ffmpegChildren(), []);
  });

  test('aborting the signal kills ffmpeg and throws the abort reason', async () => {
    const controller = new AbortController();
    const chunks = decodeAudio(endlessWav(fx.pcm, {}), { chunkSamples: 1600, signal: controller.signal });
    await assert.rejects(
      (async () => {
        for await (const _chunk of chunks) controller.abort();
      })(),
      { name: 'AbortError' },
    );
    assert.deepEqual(ffmpegChildren(), []);
  });

  test('an already aborted signal starts nothing', async () => {
    await assert.rejects(decodeAudioToPcm(fx.wav, { signal: AbortSignal.abort() }), { name: 'AbortError' });
    assert.deepEqual(ffmpegChildren(), []);
  });
});

describe('decodeAudio: privacy', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  test('no file is created in the temp dir or cwd, and ffmpeg holds no file but the in-memory one', async () => {
    // Private, empty directories stand in for the temp dir and cwd, so that files other
    // processes on this machine create cannot disturb the comparison; ffmpeg inherits both.
    const scratchTmp = mkdtempSync(join(tmpdir(), 'earshot-decode-tmp-'));
    const scratchCwd = mkdtempSync(join(tmpdir(), 'earshot-decode-cwd-'));
    dirs.push(scratchTmp, scratchCwd);
    const savedTmp = process.env.TMPDIR;
    const savedCwd = process.cwd();
    process.env.TMPDIR = scratchTmp;
    process.chdir(scratchCwd);
    const openFiles: string[] = [];
    try {
      assert.equal(tmpdir(), scratchTmp);
      for (const input of [fx.m4aMoovAtEnd, chunked(fx.mp3)]) {
        let looked = false;
        for await (const _chunk of decodeAudio(input, { chunkSamples: 1600 })) {
          if (looked) continue;
          looked = true;
          const [pid] = ffmpegChildren();
          assert.ok(pid !== undefined, 'ffmpeg should be running while it has output left');
          for (const fd of readdirSync(`/proc/${pid}/fd`)) openFiles.push(readlinkSync(`/proc/${pid}/fd/${fd}`));
        }
      }
    } finally {
      process.chdir(savedCwd);
      if (savedTmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = savedTmp;
    }
    assert.deepEqual(readdirSync(scratchTmp, { recursive: true }), []);
    assert.deepEqual(readdirSync(scratchCwd, { recursive: true }), []);
    assert.ok(openFiles.some((f) => f.startsWith('/memfd:')), 'the Buffer input should be an in-memory file');
    for (const file of openFiles) {
      assert.match(file, /^(pipe:|socket:|anon_inode:|\/dev\/null$|\/memfd:)/, `ffmpeg has ${file} open`);
    }
  });
});
