/**
 * Runs the official `assemblyai` SDK's StreamingTranscriber against a test server, in its own
 * process so the test certificate can be trusted the way a user would trust it
 * (NODE_EXTRA_CA_CERTS, read at process start). Input: one JSON argument; output: one JSON event
 * per line on stdout, each stamped with `t` (ms since the first audio) and `sentMs` (audio sent
 * by then), so the parent can measure latency and cadence.
 *
 *   node --import tsx sdk-client.ts '{"baseUrl":"https://…","apiKey":"…","pcmPath":"…",…}'
 */
import { readFileSync } from 'node:fs';
import { AssemblyAI, type StreamingTranscriberParams } from 'assemblyai';

export interface SdkClientInput {
  /** https://127.0.0.1:port (the API and the WebSocket share it). */
  baseUrl: string;
  apiKey: string;
  /** Get a temporary token with the key, and stream with the token instead. */
  useToken?: boolean;
  /** Raw 16 kHz s16le mono. */
  pcmPath: string;
  chunkMs: number;
  realtime: boolean;
  params?: Partial<StreamingTranscriberParams>;
}

const input = JSON.parse(process.argv[2]) as SdkClientInput;
const pcm = readFileSync(input.pcmPath);
let t0 = performance.now();
let sentMs = 0;
const emit = (event: Record<string, unknown>) => process.stdout.write(`${JSON.stringify({ ...event, t: Math.round(performance.now() - t0), sentMs })}\n`);

const client = new AssemblyAI({ apiKey: input.apiKey, baseUrl: input.baseUrl, streamingBaseUrl: input.baseUrl });
const auth = input.useToken ? { token: await client.streaming.createTemporaryToken({ expires_in_seconds: 60 }) } : {};
if (input.useToken) emit({ event: 'token' });
const transcriber = client.streaming.transcriber({
  websocketBaseUrl: `${input.baseUrl.replace(/^https/, 'wss')}/v3/ws`,
  sampleRate: 16000,
  ...auth,
  ...input.params,
});
transcriber.on('open', (begin) => emit({ event: 'open', begin }));
transcriber.on('turn', (turn) => emit({ event: 'turn', turn }));
transcriber.on('error', (error) => emit({ event: 'error', message: error.message }));
transcriber.on('close', (code, reason) => emit({ event: 'close', code, reason }));

try {
  await transcriber.connect();
  t0 = performance.now();
  const step = (16000 * 2 * input.chunkMs) / 1000;
  for (let offset = 0, n = 0; offset < pcm.length; offset += step, n++) {
    if (input.realtime) {
      const wait = t0 + n * input.chunkMs - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    const chunk = pcm.subarray(offset, offset + step);
    transcriber.sendAudio(chunk.buffer.slice(chunk.byteOffset, chunk.byteOffset + chunk.byteLength));
    sentMs += (chunk.length / 2 / 16000) * 1000;
  }
  emit({ event: 'sent' });
  // close(): Terminate, then wait for Termination (the SDK's own contract).
  await transcriber.close();
  emit({ event: 'closed' });
} catch (error) {
  emit({ event: 'failed', message: (error as Error).message, code: (error as { code?: number }).code });
}
process.exit(0);
