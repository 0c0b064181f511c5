/**
 * Writes tiny ONNX models by hand (protobuf wire format, onnx.proto field numbers) so the ONNX
 * speaker-embedder plumbing runs for real without shipping a network: a "waveform" model whose
 * embedding is [mean, max, L2] of the window, an "fbank" model averaging its 80 bands over time,
 * and a model with an integer input that the embedder must refuse.
 */

const varint = (n: number): number[] => {
  const out: number[] = [];
  let v = BigInt(n);
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return out;
};
const key = (field: number, wire: number) => varint((field << 3) | wire);
const int = (field: number, n: number) => [...key(field, 0), ...varint(n)];
const bytes = (field: number, b: number[]) => [...key(field, 2), ...varint(b.length), ...b];
const str = (field: number, s: string) => bytes(field, [...Buffer.from(s, 'utf8')]);

const FLOAT = 1;
const INT64 = 7;
const ATTR_INT = 2;
const ATTR_INTS = 7;

type Dim = number | string;
const valueInfo = (name: string, elemType: number, dims: Dim[]) =>
  [
    ...str(1, name),
    ...bytes(2, bytes(1, [...int(1, elemType), ...bytes(2, dims.flatMap((d) => bytes(1, typeof d === 'number' ? int(1, d) : str(2, d))))])),
  ];
const attrInt = (name: string, v: number) => [...str(1, name), ...int(3, v), ...int(20, ATTR_INT)];
const attrInts = (name: string, v: number[]) => [...str(1, name), ...v.flatMap((x) => int(8, x)), ...int(20, ATTR_INTS)];
const node = (op: string, inputs: string[], outputs: string[], attributes: number[][] = []) => [
  ...inputs.flatMap((i) => str(1, i)),
  ...outputs.flatMap((o) => str(2, o)),
  ...str(4, op),
  ...attributes.flatMap((a) => bytes(5, a)),
];

function model(nodes: number[][], inputs: number[][], outputs: number[][]): Buffer {
  const graph = [...nodes.flatMap((n) => bytes(1, n)), ...str(2, 'tiny'), ...inputs.flatMap((i) => bytes(11, i)), ...outputs.flatMap((o) => bytes(12, o))];
  return Buffer.from([...int(1, 8), ...str(2, 'earshot-test'), ...bytes(7, graph), ...bytes(8, [...str(1, ''), ...int(2, 17)])]);
}

/** input "audio" float [1, n] → "embedding" float [1, 3] = [mean, max, L2 norm]. */
export function waveformModel(): Buffer {
  return model(
    [
      node('ReduceMean', ['audio'], ['mean']),
      node('ReduceMax', ['audio'], ['max']),
      node('ReduceL2', ['audio'], ['l2']),
      node('Concat', ['mean', 'max', 'l2'], ['embedding'], [attrInt('axis', 1)]),
    ],
    [valueInfo('audio', FLOAT, [1, 'samples'])],
    [valueInfo('embedding', FLOAT, [1, 3])],
  );
}

/** input "feats" float [1, frames, 80] → "embedding" float [1, 80], the mean over frames. */
export function fbankModel(): Buffer {
  return model(
    [node('ReduceMean', ['feats'], ['embedding'], [attrInts('axes', [1]), attrInt('keepdims', 0)])],
    [valueInfo('feats', FLOAT, [1, 'frames', 80])],
    [valueInfo('embedding', FLOAT, [1, 80])],
  );
}

/** input int64 — not a speaker-embedding contract. */
export function integerInputModel(): Buffer {
  return model([node('Identity', ['ids'], ['out'])], [valueInfo('ids', INT64, [1, 'n'])], [valueInfo('out', INT64, [1, 'n'])]);
}
