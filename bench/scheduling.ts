/**
 * Segment-level scheduling (issue #12 item 3), as ratios from one run on this machine:
 *   1. one 2-minute file end to end through the pipeline ÷ raw `pocketsphinx_continuous` on the
 *      same audio (target ≤ 0.55: both cores busy on one file);
 *   2. a short file's completion time when sent just after four long ones ÷ its time alone
 *      (target ≤ 2), with jobs one at a time as the queue ran them before, and with every job
 *      admitted and their segments shared out by the SegmentScheduler;
 *   3. how long each of a burst of short files waits for its first words (first segment decoded).
 * The long files are LibriVox read speech with pauses (bench/speech-file.ts), the short one jfk.wav.
 *   node --import tsx bench/scheduling.ts [--long-minutes 2]
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import type { SpeechEngine } from '../src/engines/engine.js';
import { EngineCache } from '../src/engines/registry.js';
import { transcribeAudio } from '../src/pipeline/transcribe.js';
import { SegmentScheduler } from '../src/queue/segment-scheduler.js';
import { rawPocketsphinx, SHARED_AUDIO_DIR } from '../test/helpers/librivox.js';
import { longSpeechMp3 } from './speech-file.js';

const run = promisify(execFile);
const { values } = parseArgs({ options: { 'long-minutes': { type: 'string', default: '2' } } });
const longMinutes = Number(values['long-minutes']);
const slots = Math.min(2, availableParallelism());
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const value = await fn();
  return [value, performance.now() - started];
}

const scratch = mkdtempSync(join(tmpdir(), 'earshot-sched-'));
try {
  const long = await longSpeechMp3(longMinutes);
  const longWav = join(scratch, 'long.wav');
  writeFileSync(join(scratch, 'long.mp3'), long);
  await run('ffmpeg', ['-v', 'error', '-i', join(scratch, 'long.mp3'), '-ar', '16000', '-ac', '1', '-c:a', 'pcm_s16le', longWav]);
  const short = readFileSync(`${SHARED_AUDIO_DIR}jfk.wav`);
  console.log(`long file: ${longMinutes} min of LibriVox speech (MP3); short file: jfk.wav (11 s); ${slots} decoder(s)\n`);

  const engines = new EngineCache({ parallelism: slots });
  const engine = await engines.get();

  // 1. One long file alone.
  const [, rawMs] = await timed(() => rawPocketsphinx(longWav));
  const [, oursMs] = await timed(() => transcribeAudio(long, engine));
  console.log(`1. one ${longMinutes}-min file: earshot ${seconds(oursMs)}, raw ${seconds(rawMs)}, ratio ${(oursMs / rawMs).toFixed(2)} (target ≤ 0.55)`);

  // 2. The short file alone, then after four long ones, both ways.
  const [, aloneMs] = await timed(() => transcribeAudio(short, engine));
  const fifoMs = await shortAfterLongs(engine, null);
  const scheduler = new SegmentScheduler(engine, { slots });
  const fairMs = await shortAfterLongs(engine, scheduler);
  console.log(`2. short file alone ${seconds(aloneMs)}; sent after four long ones:`);
  console.log(`   one job at a time (before):      ${seconds(fifoMs).padStart(8)}  ratio ${(fifoMs / aloneMs).toFixed(2)}`);
  console.log(`   segment scheduler, all admitted: ${seconds(fairMs).padStart(8)}  ratio ${(fairMs / aloneMs).toFixed(2)} (target ≤ 2)`);

  // 3. A burst: eight short files at once from eight tenants, behind one long file.
  const waits = await burstWaits(engine, new SegmentScheduler(engine, { slots }));
  waits.sort((a, b) => a - b);
  console.log(`3. burst of 8 short files from 8 tenants behind a long one: first words after median ${seconds(waits[4])}, max ${seconds(waits[7])}`);
  await engines.close();

  /** Completion time of the short file, measured from when it is sent, after four long ones. */
  async function shortAfterLongs(base: SpeechEngine, fair: SegmentScheduler | null): Promise<number> {
    const jobs = ['long-1', 'long-2', 'long-3', 'long-4'].map((id) => ({ id, tenant: 'podcasts', audio: long }));
    const engineFor = (tenant: string, job: string) => (fair ? fair.engineFor({ tenant, job }) : base);
    let shortMs = 0;
    if (fair) {
      const longs = jobs.map((j) => transcribeAudio(j.audio, engineFor(j.tenant, j.id)));
      // "Just after": the long jobs are decoding when the short one arrives.
      await new Promise((r) => setTimeout(r, 1000));
      const [, ms] = await timed(() => transcribeAudio(short, engineFor('support', 'short')));
      shortMs = ms;
      await Promise.all(longs);
    } else {
      const longsStarted = performance.now();
      for (const j of jobs) await transcribeAudio(j.audio, base);
      await transcribeAudio(short, base);
      // Sent a second after the long ones started, as above; it waited for all of them.
      shortMs = performance.now() - (longsStarted + 1000);
    }
    return shortMs;
  }

  async function burstWaits(base: SpeechEngine, fair: SegmentScheduler): Promise<number[]> {
    const longJob = transcribeAudio(long, fair.engineFor({ tenant: 'podcasts', job: 'long' }));
    await new Promise((r) => setTimeout(r, 1000));
    const waits = await Promise.all(
      Array.from({ length: 8 }, async (_, i) => {
        const sent = performance.now();
        let first = 0;
        const facade = fair.engineFor({ tenant: `tenant-${i}`, job: `short-${i}` });
        const watched: SpeechEngine = {
          ...facade,
          recognize: async (pcm, options) => {
            const result = await facade.recognize(pcm, options);
            first ||= performance.now() - sent;
            return result;
          },
        };
        await transcribeAudio(short, watched);
        return first;
      }),
    );
    await longJob;
    return waits;
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
