import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { test } from 'node:test';
import { isEarshotError } from '../../src/errors.js';
import { envelopeKeyId, FieldCipher, type FieldRef } from '../../src/store/encryption/field-cipher.js';
import { Keyring } from '../../src/store/encryption/keyring.js';

const ref: FieldRef = { table: 'transcripts', column: 'result', rowId: 'row-1' };
const b64 = (bytes: Buffer) => bytes.toString('base64');

test('EARSHOT_ENCRYPTION_KEYS parses id:base64 pairs, first is current', () => {
  const k1 = randomBytes(32);
  const k2 = randomBytes(32);
  const ring = Keyring.parse(` new:${b64(k2)} , old:${b64(k1)} `);
  assert.equal(ring.currentId, 'new');
  assert.deepEqual(ring.ids, ['new', 'old']);
  assert.deepEqual(ring.key('old'), k1);
});

test('malformed keyrings are configuration errors that say what is wrong', () => {
  const good = b64(randomBytes(32));
  const cases: [string, RegExp][] = [
    ['', /empty/],
    ['nocolon', /id:base64key/],
    [`bad id:${good}`, /key id "bad id" is invalid/],
    ['short:' + b64(randomBytes(16)), /16 bytes; AES-256 needs 32/],
    ['notb64:***', /not base64/],
    [`a:${good},a:${good}`, /appears twice/],
  ];
  for (const [spec, message] of cases) {
    assert.throws(() => Keyring.parse(spec), (e) => isEarshotError(e, 'config_invalid') && message.test((e as Error).message), spec);
  }
});

test('sealed values round-trip, use a fresh 96-bit nonce each time and carry the key id', () => {
  const cipher = new FieldCipher(new Keyring([{ id: 'k-2024', key: randomBytes(32) }]));
  const one = cipher.sealText('hello world', ref);
  const two = cipher.sealText('hello world', ref);
  assert.equal(cipher.openText(one, ref), 'hello world');
  assert.notDeepEqual(one, two, 'same plaintext, different ciphertext');
  assert.equal(envelopeKeyId(one), 'k-2024');
  // version + id length + id + nonce + body + tag
  assert.equal(one.length, 2 + 'k-2024'.length + 12 + 'hello world'.length + 16);
  assert.ok(!one.includes(Buffer.from('hello')));
  assert.deepEqual(cipher.openJson(cipher.sealJson({ a: [1, 'ü'] }, ref), ref), { a: [1, 'ü'] });
});

test('any flipped byte, truncation or move to another row or column fails authentication', () => {
  const cipher = new FieldCipher(new Keyring([{ id: 'k1', key: randomBytes(32) }]));
  const sealed = cipher.sealText('the transcript text', ref);
  for (let i = 0; i < sealed.length; i++) {
    const tampered = Buffer.from(sealed);
    tampered[i] ^= 0x01;
    assert.throws(
      () => cipher.open(tampered, ref),
      (e) => isEarshotError(e, 'decryption_failed') || isEarshotError(e, 'encryption_key_missing'),
      `byte ${i}`,
    );
  }
  assert.throws(() => cipher.open(sealed.subarray(0, sealed.length - 1), ref), (e) => isEarshotError(e, 'decryption_failed'));
  assert.throws(() => cipher.open(sealed.subarray(0, 10), ref), (e) => isEarshotError(e, 'decryption_failed'));
  assert.throws(() => cipher.open(sealed, { ...ref, rowId: 'row-2' }), (e) => isEarshotError(e, 'decryption_failed') && /row row-2/.test((e as Error).message));
  assert.throws(() => cipher.open(sealed, { ...ref, column: 'options' }), (e) => isEarshotError(e, 'decryption_failed'));
  assert.throws(() => cipher.open(sealed, { ...ref, table: 'other' }), (e) => isEarshotError(e, 'decryption_failed'));
});

test('a value sealed with a key no longer in the ring names that key', () => {
  const old = { id: 'old-key', key: randomBytes(32) };
  const sealed = new FieldCipher(new Keyring([old])).sealText('x', ref);
  const other = new FieldCipher(new Keyring([{ id: 'new-key', key: randomBytes(32) }]));
  assert.throws(
    () => other.open(sealed, ref),
    (e) => isEarshotError(e, 'encryption_key_missing') && /"old-key"/.test((e as Error).message) && /new-key/.test((e as Error).message),
  );
  // The same id with different bytes is a wrong key: authentication, not a silent garbage read.
  const impostor = new FieldCipher(new Keyring([{ id: 'old-key', key: randomBytes(32) }]));
  assert.throws(() => impostor.open(sealed, ref), (e) => isEarshotError(e, 'decryption_failed'));
});

test('rotating the ring keeps old keys readable; dropping one makes its values unreadable', () => {
  const k1 = { id: 'k1', key: randomBytes(32) };
  const v1 = new FieldCipher(new Keyring([k1])).sealText('v1', ref);
  const ring = new Keyring([k1]).withCurrent({ id: 'k2', key: randomBytes(32) });
  assert.equal(ring.currentId, 'k2');
  const cipher = new FieldCipher(ring);
  assert.equal(cipher.openText(v1, ref), 'v1');
  assert.equal(envelopeKeyId(cipher.sealText('v2', ref)), 'k2');
  assert.throws(() => new FieldCipher(ring.without('k1')).open(v1, ref), (e) => isEarshotError(e, 'encryption_key_missing'));
});

test('a keyring never prints its key bytes', () => {
  const key = randomBytes(32);
  const ring = new Keyring([{ id: 'k1', key }]);
  for (const text of [inspect(ring), JSON.stringify(ring), String(inspect({ nested: ring }))]) {
    assert.ok(text.includes('k1'));
    assert.ok(!text.includes(key.toString('base64')) && !text.includes(key.toString('hex')), text);
  }
});
