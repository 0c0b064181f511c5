// Transcribes N minutes of generated speech in a fresh process and prints its peak RSS as JSON.
import { transcribeAudio } from '../src/pipeline/transcribe.js';
import { EngineCache } from '../src/engines/registry.js';
import { longSpeechMp3 } from './speech-file.js';

const minutes = Number(process.argv[2] ?? '5');
const audio = await longSpeechMp3(minutes);
const engines = new EngineCache();
const engine = await engines.get();
const started = performance.now();
const { transcript, timings } = await transcribeAudio(audio, engine);
const wallMs = performance.now() - started;
await engines.close();
process.stdout.write(
  JSON.stringify({
    minutes,
    words: transcript.words.length,
    audioMs: transcript.durationMs,
    wallMs,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    timings,
  }) + '\n',
);
