/**
 * Builds the chapter reference set of `earshot eval --intelligence` (issue 17 item 4):
 * `node --import tsx scripts/build-intelligence-set.ts` writes eval/sets/intelligence/.
 * The episodes are the self-written, CC0 multi-topic podcast source of the chapters fixture
 * (test/fixtures/chapters/podcast-source.md) spoken in three orders and timings; each chapter
 * starts where its topic starts, titled as a person would title it (written here, not generated).
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatClock } from '../src/transcript/timecode.js';
import { buildPodcast, type BuildOptions } from '../test/fixtures/chapters/build-podcast.js';

const OUT = fileURLToPath(new URL('../eval/sets/intelligence/', import.meta.url));

const REFERENCE_TITLES: Record<string, string> = {
  cooking: 'Baking sourdough bread at home',
  astronomy: 'Stargazing: the Moon, planets and galaxies',
  football: 'Pressing and tactics in modern football',
  gardening: 'Growing vegetables in a small garden',
  running: 'Training for a first marathon',
  networking: 'How computer networks carry a web page',
  volcanoes: 'Volcanoes, magma and eruptions in Iceland',
  beekeeping: 'Beekeeping: hives, queens and honey',
  sailing: 'Learning to sail a boat',
  photography: 'Camera exposure: aperture, shutter speed and ISO',
};

const EPISODES: Record<string, BuildOptions> = {
  'ten-topics': {},
  'ten-topics-reordered': { order: ['photography', 'networking', 'cooking', 'volcanoes', 'football', 'beekeeping', 'astronomy', 'running', 'sailing', 'gardening'], seed: 7 },
  'five-topics': { order: ['sailing', 'volcanoes', 'running', 'beekeeping', 'networking'], seed: 3 },
};

for (const [id, options] of Object.entries(EPISODES)) {
  const { text, reference } = buildPodcast(options);
  const chapters = reference.topics.map((t) => ({ start: formatClock(t.startMs), title: REFERENCE_TITLES[t.id] }));
  writeFileSync(`${OUT}${id}.txt`, text);
  writeFileSync(`${OUT}${id}.chapters.json`, JSON.stringify({ chapters }, null, 2) + '\n');
  process.stdout.write(`${id}: ${(reference.durationMs / 60_000).toFixed(1)} min, ${chapters.length} chapters\n`);
}
