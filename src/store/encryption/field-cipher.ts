import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { EarshotError } from '../../errors.js';
import type { Keyring } from './keyring.js';

/**
 * Envelope: [version=1][key id length][key id][96-bit nonce][ciphertext][128-bit GCM tag].
 * The key id lives inside the envelope so each value says which key opens it, and a row whose
 * columns were written at different times stays readable across a rotation.
 */
const VERSION = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** Where a value lives; bound into the GCM associated data so ciphertexts can't be moved around. */
export interface FieldRef {
  table: string;
  column: string;
  rowId: string;
}

export class FieldCipher {
  constructor(readonly keyring: Keyring) {}

  get currentKeyId(): string {
    return this.keyring.currentId;
  }

  seal(plaintext: Buffer, ref: FieldRef): Buffer {
    const keyId = this.keyring.currentId;
    const header = encodeHeader(keyId);
    // A random nonce per value: with 96 bits, collisions stay negligible well past 2^32 values per key.
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keyring.key(keyId), nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(associatedData(header, ref));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([header, nonce, body, cipher.getAuthTag()]);
  }

  open(envelope: Uint8Array, ref: FieldRef): Buffer {
    const buf = Buffer.from(envelope.buffer, envelope.byteOffset, envelope.byteLength);
    const { keyId, headerLength } = decodeHeader(buf, ref);
    const key = this.keyring.key(keyId);
    if (buf.length < headerLength + NONCE_BYTES + TAG_BYTES) throw tampered(ref, 'it is truncated');
    const nonce = buf.subarray(headerLength, headerLength + NONCE_BYTES);
    const body = buf.subarray(headerLength + NONCE_BYTES, buf.length - TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(associatedData(buf.subarray(0, headerLength), ref));
    decipher.setAuthTag(buf.subarray(buf.length - TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(body), decipher.final()]);
    } catch (cause) {
      throw tampered(ref, 'authentication failed', cause);
    }
  }

  sealText(text: string, ref: FieldRef): Buffer {
    return this.seal(Buffer.from(text, 'utf8'), ref);
  }

  openText(envelope: Uint8Array, ref: FieldRef): string {
    return this.open(envelope, ref).toString('utf8');
  }

  sealJson(value: unknown, ref: FieldRef): Buffer {
    return this.sealText(JSON.stringify(value), ref);
  }

  openJson<T>(envelope: Uint8Array, ref: FieldRef): T {
    return JSON.parse(this.openText(envelope, ref)) as T;
  }
}

/** The key id a stored value was sealed with, without decrypting it. */
export function envelopeKeyId(envelope: Uint8Array): string {
  return decodeHeader(Buffer.from(envelope), { table: '?', column: '?', rowId: '?' }).keyId;
}

function encodeHeader(keyId: string): Buffer {
  const id = Buffer.from(keyId, 'ascii');
  return Buffer.concat([Buffer.from([VERSION, id.length]), id]);
}

function decodeHeader(buf: Buffer, ref: FieldRef): { keyId: string; headerLength: number } {
  if (buf.length < 2 || buf[0] !== VERSION) throw tampered(ref, 'its envelope version is unknown');
  const headerLength = 2 + buf[1];
  if (buf[1] === 0 || buf.length < headerLength) throw tampered(ref, 'its key id is malformed');
  return { keyId: buf.toString('ascii', 2, headerLength), headerLength };
}

// The header is authenticated too, so flipping the key id can't be used to probe other keys.
function associatedData(header: Buffer, ref: FieldRef): Buffer {
  return Buffer.concat([header, Buffer.from(`earshot-field\0${ref.table}\0${ref.column}\0${ref.rowId}`, 'utf8')]);
}

function tampered(ref: FieldRef, why: string, cause?: unknown): EarshotError {
  return new EarshotError(
    'decryption_failed',
    `encrypted ${ref.table}.${ref.column} of row ${ref.rowId} cannot be read: ${why} ` +
      '(the value was altered, copied from another row or column, or is corrupt)',
    { cause },
  );
}
