import type { Reservation } from '../audio/byte-budget.js';

/**
 * Reads an audio body that has already reserved its declared size (`held`), growing the
 * reservation as bytes arrive beyond it (`memory_budget_full` when the budget cannot give them).
 * With a declared length the bytes land in one buffer of that size, so the file is held once,
 * not as a list of chunks plus the copy that joins them.
 */
export async function receiveAudio(stream: AsyncIterable<Buffer>, held: Reservation, declaredBytes?: number): Promise<Buffer> {
  const whole = declaredBytes !== undefined && declaredBytes > 0 ? Buffer.allocUnsafe(declaredBytes) : undefined;
  let chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of stream) {
    if (whole && received + chunk.length <= whole.length) {
      chunk.copy(whole, received);
    } else {
      held.ensure(received + chunk.length);
      if (whole && chunks.length === 0) chunks = [whole.subarray(0, received)];
      chunks.push(chunk);
    }
    received += chunk.length;
  }
  if (chunks.length > 0) return Buffer.concat(chunks, received);
  return whole ? whole.subarray(0, received) : Buffer.alloc(0);
}

/** A request's `content-length` as a number, when it sent a valid one. */
export function declaredLength(header: string | string[] | undefined): number | undefined {
  return typeof header === 'string' && /^\d+$/.test(header) ? Number(header) : undefined;
}
