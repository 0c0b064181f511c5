/**
 * One benchmark measurement, run by run.ts in a fresh Node process so its peak RSS is the engine's
 * and the pipeline's alone (nothing else the parent loaded, no earlier run's heap). Reads its job
 * as JSON from argv[2], writes one `EARSHOT_BENCH_RESULT {…}` or `EARSHOT_BENCH_ERROR {…}` line.
 */
import { loadAudioSource } from '../audio/source.js';
import { engineFactory } from '../engines/registry.js';
import { isEarshotError } from '../errors.js';
import { transcribeAudio } from '../pipeline/transcribe.js';
import { ERROR_PREFIX, RESULT_PREFIX, type ChildJob, type ChildResult } from './protocol.js';

async function run(job: ChildJob): Promise<ChildResult> {
  // Audio is read before the clock starts: the benchmark is of transcription, not of the disk.
  const audio: Buffer[] = [];
  for (const file of job.files) {
    audio.push(await loadAudioSource(file, { maxBytes: 2 * 1024 ** 3, timeoutMs: 600_000, allowPrivateNetworks: true }));
  }
  const loadStarted = performance.now();
  const engine = await engineFactory(job.engine).create({ model: job.model });
  const loadMs = performance.now() - loadStarted;
  let durationMs = 0;
  let words = 0;
  const started = performance.now();
  for (const bytes of audio) {
    const { transcript } = await transcribeAudio(bytes, engine);
    durationMs += transcript.durationMs;
    words += transcript.words.length;
  }
  const wallMs = performance.now() - started;
  await engine.close();
  return { engine: engine.name, model: engine.model, loadMs, wallMs, durationMs, words, peakRssMiB: process.resourceUsage().maxRSS / 1024 };
}

const job = JSON.parse(process.argv[2] ?? '{}') as ChildJob;
let code = 0;
try {
  process.stdout.write(RESULT_PREFIX + JSON.stringify(await run(job)) + '\n');
} catch (error) {
  const payload = isEarshotError(error) ? { code: error.code, message: error.message } : { code: 'internal', message: error instanceof Error ? error.message : String(error) };
  process.stdout.write(ERROR_PREFIX + JSON.stringify(payload) + '\n');
  code = 1;
}
// Engines hold native thread pools; leave explicitly once the line is written.
process.exit(code);
