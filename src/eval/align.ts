/**
 * Levenshtein alignment of a reference and a hypothesis sequence (words or characters), with
 * unit costs for substitution, deletion and insertion.
 */

export type AlignOpType = 'hit' | 'substitution' | 'deletion' | 'insertion';

export interface AlignOp {
  type: AlignOpType;
  /** null for an insertion. */
  ref: string | null;
  /** null for a deletion. */
  hyp: string | null;
}

export interface AlignCounts {
  hits: number;
  substitutions: number;
  deletions: number;
  insertions: number;
}

export interface Alignment extends AlignCounts {
  /** Absent when not asked for, or when the inputs were too long to keep the whole table. */
  ops?: AlignOp[];
}

export interface AlignOptions {
  /** Return the list of operations (default true). */
  ops?: boolean;
  /**
   * Largest table, in cells (one byte each), kept to recover the operations; beyond it only the
   * counts are returned, in two rows of memory. Whole-episode character alignments get there.
   */
  maxCells?: number;
}

const DIAGONAL = 0;
const UP = 1; // deletion: a reference item with no partner
const LEFT = 2; // insertion: a hypothesis item with no partner

/**
 * Aligns two sequences at minimum edit cost. Among equally cheap alignments, a match or
 * substitution is preferred over a deletion, and a deletion over an insertion, the same rule
 * whether or not the operations are kept, so the counts never depend on `ops`.
 */
export function align(ref: readonly string[], hyp: readonly string[], options: AlignOptions = {}): Alignment {
  const n = ref.length;
  const m = hyp.length;
  const keep = (options.ops ?? true) && (n + 1) * (m + 1) <= (options.maxCells ?? 20_000_000);
  const moves = keep ? new Uint8Array((n + 1) * (m + 1)) : undefined;

  // Each row holds the cost and the S/D/I counts of the chosen path to every cell.
  let prev = newRow(m);
  let curr = newRow(m);
  for (let j = 1; j <= m; j++) {
    prev.cost[j] = j;
    prev.ins[j] = j;
    if (moves) moves[j] = LEFT;
  }
  for (let i = 1; i <= n; i++) {
    curr.cost[0] = i;
    curr.sub[0] = 0;
    curr.del[0] = i;
    curr.ins[0] = 0;
    if (moves) moves[i * (m + 1)] = UP;
    for (let j = 1; j <= m; j++) {
      const same = ref[i - 1] === hyp[j - 1];
      const diagonal = prev.cost[j - 1] + (same ? 0 : 1);
      const up = prev.cost[j] + 1;
      const left = curr.cost[j - 1] + 1;
      let move = DIAGONAL;
      let cost = diagonal;
      if (up < cost) {
        move = UP;
        cost = up;
      }
      if (left < cost) {
        move = LEFT;
        cost = left;
      }
      curr.cost[j] = cost;
      if (move === DIAGONAL) copyCounts(curr, j, prev, j - 1, same ? 0 : 1, 0, 0);
      else if (move === UP) copyCounts(curr, j, prev, j, 0, 1, 0);
      else copyCounts(curr, j, curr, j - 1, 0, 0, 1);
      if (moves) moves[i * (m + 1) + j] = move;
    }
    [prev, curr] = [curr, prev];
  }

  const substitutions = prev.sub[m];
  const deletions = prev.del[m];
  const insertions = prev.ins[m];
  const result: Alignment = { hits: n - substitutions - deletions, substitutions, deletions, insertions };
  if (moves) result.ops = backtrace(ref, hyp, moves);
  return result;
}

interface Row {
  cost: Uint32Array;
  sub: Uint32Array;
  del: Uint32Array;
  ins: Uint32Array;
}

function newRow(m: number): Row {
  return { cost: new Uint32Array(m + 1), sub: new Uint32Array(m + 1), del: new Uint32Array(m + 1), ins: new Uint32Array(m + 1) };
}

function copyCounts(to: Row, j: number, from: Row, k: number, sub: number, del: number, ins: number): void {
  to.sub[j] = from.sub[k] + sub;
  to.del[j] = from.del[k] + del;
  to.ins[j] = from.ins[k] + ins;
}

function backtrace(ref: readonly string[], hyp: readonly string[], moves: Uint8Array): AlignOp[] {
  const width = hyp.length + 1;
  const ops: AlignOp[] = [];
  let i = ref.length;
  let j = hyp.length;
  while (i > 0 || j > 0) {
    const move = moves[i * width + j];
    if (move === DIAGONAL) {
      ops.push({ type: ref[i - 1] === hyp[j - 1] ? 'hit' : 'substitution', ref: ref[i - 1], hyp: hyp[j - 1] });
      i--;
      j--;
    } else if (move === UP) {
      ops.push({ type: 'deletion', ref: ref[i - 1], hyp: null });
      i--;
    } else {
      ops.push({ type: 'insertion', ref: null, hyp: hyp[j - 1] });
      j--;
    }
  }
  return ops.reverse();
}
