/**
 * Truncation checks ffmpeg does not make. A WAV cut short decodes without a word of complaint
 * (ffmpeg trusts the file size over the header), and an Ogg file cut short looks like a shorter
 * complete one, so both are judged here from the first and last bytes of the input.
 */

const HEAD_BYTES = 64 * 1024;
// An Ogg page is at most 65,307 bytes, so this always holds the start of the last page.
const TAIL_BYTES = 66 * 1024;

export interface ContainerFindings {
  /** Container named by the file's magic bytes, when it has unambiguous ones. */
  kind?: string;
  /** The header declares more data than the input holds. */
  truncated: boolean;
  /** Duration the header declares, when the container has such a field. */
  declaredMs?: number;
  /** Bytes are Ogg and the last page lacks the end-of-stream flag. */
  oggUnterminated: boolean;
}

/** Keeps the first and last bytes of an input of any length in bounded memory. */
export class InputSniffer {
  total = 0;
  private headParts: Uint8Array[] = [];
  private headLength = 0;
  private tailParts: Uint8Array[] = [];
  private tailLength = 0;

  push(chunk: Uint8Array): void {
    this.total += chunk.byteLength;
    if (this.headLength < HEAD_BYTES) {
      const part = chunk.subarray(0, HEAD_BYTES - this.headLength);
      // Copies, because a stream's producer may reuse its buffer after handing it over.
      this.headParts.push(part.slice());
      this.headLength += part.byteLength;
    }
    const tailPart = chunk.byteLength > TAIL_BYTES ? chunk.subarray(chunk.byteLength - TAIL_BYTES) : chunk;
    this.tailParts.push(tailPart.slice());
    this.tailLength += tailPart.byteLength;
    while (this.tailParts.length > 1 && this.tailLength - this.tailParts[0].byteLength >= TAIL_BYTES) {
      this.tailLength -= this.tailParts.shift()!.byteLength;
    }
  }

  head(): Buffer {
    return Buffer.concat(this.headParts);
  }

  tail(): Buffer {
    return Buffer.concat(this.tailParts);
  }

  inspect(): ContainerFindings {
    return inspectContainer(this.head(), this.tail(), this.total);
  }
}

/** Inspects a whole in-memory input without copying it. */
export function inspectBytes(bytes: Uint8Array): ContainerFindings {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return inspectContainer(view.subarray(0, HEAD_BYTES), view.subarray(Math.max(0, view.length - TAIL_BYTES)), view.length);
}

export function inspectContainer(head: Buffer, tail: Buffer, total: number): ContainerFindings {
  const findings: ContainerFindings = { kind: magicKind(head), truncated: false, oggUnterminated: false };
  const wav = wavDataExtent(head);
  if (wav) {
    findings.declaredMs = Math.round((wav.dataBytes / wav.byteRate) * 1000);
    findings.truncated = wav.dataOffset + wav.dataBytes > total;
  }
  if (findings.kind === 'Ogg') {
    const lastPage = tail.lastIndexOf('OggS', undefined, 'latin1');
    // Byte 5 of a page header holds its flags; 0x04 marks the last page of a logical stream.
    findings.oggUnterminated = lastPage >= 0 && lastPage + 5 < tail.length && (tail[lastPage + 5] & 0x04) === 0;
  }
  return findings;
}

/**
 * Recognises containers by signature, so that bytes ffmpeg cannot even open are reported as a
 * damaged file of that kind rather than as "not audio". Only signatures that random data or
 * text practically never starts with.
 */
function magicKind(head: Buffer): string | undefined {
  const at = (offset: number, text: string) => head.toString('latin1', offset, offset + text.length) === text;
  if (at(0, 'RIFF') && at(8, 'WAVE')) return 'WAV';
  if (at(0, 'OggS')) return 'Ogg';
  if (at(0, 'fLaC')) return 'FLAC';
  if (at(4, 'ftyp')) return 'MP4/M4A';
  if (head.length >= 4 && head.readUInt32BE(0) === 0x1a45dfa3) return 'WebM/Matroska';
  if (at(0, 'ID3')) return 'MP3';
  return undefined;
}

interface WavExtent {
  dataOffset: number;
  dataBytes: number;
  byteRate: number;
}

/**
 * Where a RIFF/WAVE file says its samples are. Writers that stream to a pipe cannot know the
 * length and put 0 or a huge placeholder (ffmpeg 0xFFFFFFFF, espeak-ng 0x7FFFF000), so those
 * sizes mean "unknown", never "truncated".
 */
function wavDataExtent(head: Buffer): WavExtent | null {
  if (head.length < 12 || head.toString('latin1', 0, 4) !== 'RIFF' || head.toString('latin1', 8, 12) !== 'WAVE') {
    return null;
  }
  let byteRate = 0;
  let offset = 12;
  while (offset + 8 <= head.length) {
    const id = head.toString('latin1', offset, offset + 4);
    const size = head.readUInt32LE(offset + 4);
    if (id === 'fmt ' && offset + 16 <= head.length) byteRate = head.readUInt32LE(offset + 16);
    if (id === 'data') {
      if (byteRate === 0 || size === 0 || size >= 0x7fff0000) return null;
      return { dataOffset: offset + 8, dataBytes: size, byteRate };
    }
    // RIFF chunks are padded to an even length.
    offset += 8 + size + (size & 1);
  }
  return null;
}
