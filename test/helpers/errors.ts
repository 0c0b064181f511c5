import assert from 'node:assert/strict';
import { isEarshotError, type ErrorCode } from '../../src/errors.js';

/** Asserts the promise rejects with an EarshotError of this code (and message, when given). */
export async function expectCode(promise: Promise<unknown>, code: ErrorCode, message?: RegExp): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(isEarshotError(err), `expected EarshotError ${code}, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    if (message) assert.match(err.message, message);
    return true;
  });
}
