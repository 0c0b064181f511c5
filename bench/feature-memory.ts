/**
 * `node --import tsx bench/feature-memory.ts [--minutes 5,30]`: peak RSS of one transcription with
 * every audio-holding feature on (speaker labels, PII redaction with the bleeped copy), each
 * length in a fresh process, so the figures show whether memory grows with the file's length
 * (issue 15 item 1). The audio is the LibriVox clips with 30 s of silence after each, as MP3.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { EngineCache } from '../src/engines/registry.js';
import { FEATURES_OUTPUT, featureStages, type FeatureResult } from '../src/pipeline/features.js';
import { transcribeAudio } from '../src/pipeline/transcribe.js';
import { longSpeechMp3 } from './speech-file.js';

const args = process.argv.slice(2);
const child = args.indexOf('--child');
if (child >= 0) {
  const minutes = Number(args[child + 1]);
  const audio = await longSpeechMp3(minutes, 30);
  const engines = new EngineCache();
  const engine = await engines.get();
  const { taps, stages } = featureStages({ speaker_labels: true, redact_pii: true, redact_pii_policies: ['person_name'], redact_pii_audio: true });
  const cpu = process.cpuUsage();
  const { transcript, extras } = await transcribeAudio(audio, engine, { taps, stages });
  const used = process.cpuUsage(cpu);
  await engines.close();
  const redacted = (extras[FEATURES_OUTPUT] as FeatureResult).redactedAudio;
  process.stdout.write(
    JSON.stringify({
      minutes,
      mp3MiB: audio.length / 2 ** 20,
      words: transcript.words.length,
      redactedMiB: (redacted?.length ?? 0) / 2 ** 20,
      cpuSeconds: (used.user + used.system) / 1e6,
      peakRssMiB: process.resourceUsage().maxRSS / 1024,
    }) + '\n',
  );
} else {
  const lengths = (args[args.indexOf('--minutes') + 1] ?? '5,30').split(',').map(Number);
  for (const minutes of lengths) {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, '--child', String(minutes)], { maxBuffer: 1 << 20 });
    const r = JSON.parse(stdout) as Record<string, number>;
    console.log(
      `${minutes} min (${r.mp3MiB.toFixed(1)} MiB MP3, ${r.words} words): peak RSS ${r.peakRssMiB.toFixed(0)} MiB, redacted copy ${r.redactedMiB.toFixed(1)} MiB, ${r.cpuSeconds.toFixed(0)} s CPU`,
    );
  }
}
