/**
 * Known-voice error rates (issue 14 item 4, docs/voices.md): every real voice of Debian's test
 * data enrolled from one session and tested against every other session, then espeak-ng voices
 * apart. Prints false accept / false reject at the shipped threshold and around it.
 *
 *   node --import tsx bench/voices.ts
 */
import { errorRates, realSessions, runTrials, syntheticSessions, type Trial } from '../src/eval/voices/trials.js';
import { KNOWN_VOICE_THRESHOLD } from '../src/intelligence/speakers/known-voices.js';

const real = await runTrials(realSessions());
const synthetic = (await runTrials([...realSessions(), ...syntheticSessions()])).filter((t) => t.synthetic);
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

function table(title: string, trials: readonly Trial[]): void {
  console.log(`\n${title}: ${trials.filter((t) => t.genuine).length} genuine, ${trials.filter((t) => !t.genuine).length} impostor trials`);
  console.log('threshold  false accept  false reject');
  for (const threshold of [0.25, 0.3, KNOWN_VOICE_THRESHOLD, 0.4, 0.45]) {
    const r = errorRates(trials, threshold);
    console.log(`${threshold.toFixed(2).padStart(9)}  ${pct(r.falseAccept).padStart(12)}  ${pct(r.falseReject).padStart(12)}${threshold === KNOWN_VOICE_THRESHOLD ? '  (shipped)' : ''}`);
  }
  const impostors = trials.filter((t) => !t.genuine).sort((a, b) => b.similarity - a.similarity).slice(0, 3);
  console.log('closest impostors:', impostors.map((t) => `${t.enrolled} vs ${t.tested} ${t.similarity.toFixed(3)}`).join('; '));
  const genuine = trials.filter((t) => t.genuine).sort((a, b) => a.similarity - b.similarity).slice(0, 3);
  console.log('farthest genuine:', genuine.map((t) => `${t.enrolled} vs ${t.tested} ${t.similarity.toFixed(3)}`).join('; '));
}

table('real voices', real);
if (synthetic.length > 0) table('espeak-ng voices (and against the real ones)', synthetic);
