import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/**
 * A decoding bomb: `hours` of silence in a few kilobytes. FLAC stores a silent block as one
 * constant per frame, and at 200 Hz with 32768-sample frames a day of audio is about 130 frames
 * (~15 kB); decoded to 16 kHz mono it is 2.7 GB of PCM.
 */
export async function decodingBomb(hours: number): Promise<Buffer> {
  const { stdout } = await promisify(execFile)(
    'ffmpeg',
    ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'anullsrc=r=200:cl=mono', '-t', String(hours * 3600), '-c:a', 'flac', '-frame_size', '32768', '-f', 'flac', 'pipe:1'],
    { encoding: 'buffer', maxBuffer: 16 * 1024 * 1024 },
  );
  return stdout;
}

/**
 * A WAV file whose header declares `declaredSeconds` of 16 kHz mono audio around the samples it
 * really holds: ffmpeg reports the declared length as the duration, then decodes what is there.
 */
export function lyingWav(pcm: Int16Array, declaredSeconds: number): Buffer {
  const declared = declaredSeconds * 16000 * 2;
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(Math.min(0xffffffff, 36 + declared), 4);
  header.write('WAVEfmt ', 8, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(16000, 24);
  header.writeUInt32LE(32000, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(Math.min(0xffffffff, declared), 40);
  return Buffer.concat([header, Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength)]);
}
