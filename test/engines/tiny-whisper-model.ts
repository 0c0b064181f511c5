import { writeFile } from 'node:fs/promises';

/**
 * Writes a structurally valid whisper.cpp ggml model with one encoder and one decoder layer of
 * width 16 and seeded random weights (~2.3 MB), built from the layout whisper.cpp's loader reads
 * (`whisper_model_load`: magic, hyper-parameters, mel filters, vocabulary, named tensors).
 *
 * It loads and decodes through the real binding, so the engine's plumbing (loading, PCM hand-off,
 * timestamps, queueing, streaming) runs for real; its words are noise, so tests assert shape and
 * timing bounds, never text. The vocabulary is English-only sized (51864 tokens) so whisper.cpp
 * places its special and timestamp tokens where it does for `.en` models.
 */
export async function writeTinyWhisperModel(path: string): Promise<void> {
  const state = 16;
  const hp = {
    n_vocab: 51864,
    n_audio_ctx: 1500,
    n_audio_state: state,
    n_audio_head: 2,
    n_audio_layer: 1,
    n_text_ctx: 448,
    n_text_state: state,
    n_text_head: 2,
    n_text_layer: 1,
    n_mels: 80,
    ftype: 1, // f16 matrices: the conv kernels of older ggml builds accept only f16 weights
  };
  const parts: Buffer[] = [];
  const int32 = (v: number) => {
    const b = Buffer.alloc(4);
    b.writeInt32LE(v);
    parts.push(b);
  };
  let seed = 12345;
  const random = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff - 0.5;
  };

  int32(0x67676d6c);
  for (const value of Object.values(hp)) int32(value);

  int32(hp.n_mels);
  int32(201);
  parts.push(Buffer.from(new Float32Array(hp.n_mels * 201).fill(0.01).buffer));

  const words = ['the', 'a', 'speech', 'model', 'hello', 'world', 'earshot', 'test', 'audio', 'word'];
  const textTokens = 50256; // ids from here on are whisper's special and timestamp tokens
  int32(textTokens);
  for (let i = 0; i < textTokens; i++) {
    const token = i < 256 ? Buffer.from([i]) : Buffer.from(` ${words[i % words.length]}`);
    int32(token.length);
    parts.push(token);
  }

  const tensor = (name: string, shape: number[], fill?: number) => {
    const half = fill === undefined && shape.length > 1 && name.endsWith('.weight') && !name.includes('positional');
    const count = shape.reduce((a, b) => a * b, 1);
    int32(shape.length);
    int32(Buffer.byteLength(name));
    int32(half ? 1 : 0);
    for (const d of shape) int32(d);
    parts.push(Buffer.from(name));
    if (half) {
      const data = new Uint16Array(count);
      for (let i = 0; i < count; i++) data[i] = toHalf(random() * 0.5);
      parts.push(Buffer.from(data.buffer));
    } else {
      const data = new Float32Array(count);
      for (let i = 0; i < count; i++) data[i] = fill ?? random() * 0.5;
      parts.push(Buffer.from(data.buffer));
    }
  };
  const block = (prefix: string, attentions: string[]) => {
    tensor(`${prefix}.mlp_ln.weight`, [state], 1);
    tensor(`${prefix}.mlp_ln.bias`, [state], 0);
    tensor(`${prefix}.mlp.0.weight`, [state, 4 * state]);
    tensor(`${prefix}.mlp.0.bias`, [4 * state]);
    tensor(`${prefix}.mlp.2.weight`, [4 * state, state]);
    tensor(`${prefix}.mlp.2.bias`, [state]);
    for (const a of attentions) {
      tensor(`${prefix}.${a}_ln.weight`, [state], 1);
      tensor(`${prefix}.${a}_ln.bias`, [state], 0);
      tensor(`${prefix}.${a}.query.weight`, [state, state]);
      tensor(`${prefix}.${a}.query.bias`, [state]);
      tensor(`${prefix}.${a}.key.weight`, [state, state]);
      tensor(`${prefix}.${a}.value.weight`, [state, state]);
      tensor(`${prefix}.${a}.value.bias`, [state]);
      tensor(`${prefix}.${a}.out.weight`, [state, state]);
      tensor(`${prefix}.${a}.out.bias`, [state]);
    }
  };

  tensor('encoder.positional_embedding', [state, hp.n_audio_ctx]);
  tensor('encoder.conv1.weight', [3, hp.n_mels, state]);
  tensor('encoder.conv1.bias', [1, state]);
  tensor('encoder.conv2.weight', [3, state, state]);
  tensor('encoder.conv2.bias', [1, state]);
  tensor('encoder.ln_post.weight', [state], 1);
  tensor('encoder.ln_post.bias', [state], 0);
  block('encoder.blocks.0', ['attn']);
  tensor('decoder.positional_embedding', [state, hp.n_text_ctx]);
  tensor('decoder.token_embedding.weight', [state, hp.n_vocab]);
  tensor('decoder.ln.weight', [state], 1);
  tensor('decoder.ln.bias', [state], 0);
  block('decoder.blocks.0', ['attn', 'cross_attn']);

  await writeFile(path, Buffer.concat(parts));
}

/** IEEE 754 binary16 by truncation: precision is irrelevant for random test weights. */
function toHalf(value: number): number {
  const bits = new Uint32Array(new Float32Array([value]).buffer)[0];
  const sign = (bits >>> 16) & 0x8000;
  const exponent = ((bits >>> 23) & 0xff) - 127 + 15;
  const mantissa = (bits >>> 13) & 0x3ff;
  if (exponent <= 0) return sign;
  if (exponent >= 31) return sign | 0x7c00;
  return sign | (exponent << 10) | mantissa;
}
