/**
 * MEASUREMENT (issue #8 item 4): how much `word_boost` helps the default engine, printed as a table.
 *
 * 1. Synthetic speech: ten sentences about infrastructure, each with a term the en-us dictionary
 *    lacks (kubernetes, grafana, terraform, postgres, redis, nginx, ansible, kotlin, webpack,
 *    elasticsearch) or has but rarely predicts (kafka, prometheus), spoken by three espeak-ng
 *    voices. Term recall = reference term occurrences aligned as hits; false terms = boosted terms
 *    in the output that align with nothing of theirs. The default engine does poorly on espeak
 *    voices in general (WER near 100 % on these sentences), so WER here only shows that boosting
 *    does not make things worse; the recall is the figure.
 * 2. Real speech (the LibriVox clips): boosting words a listener would know to expect in the
 *    recording (the name Dashwood and four rarer words of the passage) versus none, and boosting
 *    twelve unrelated technical terms to see whether they get inserted into speech without them.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Recognition } from '../../src/engines/engine.js';
import { PocketsphinxEngine } from '../../src/engines/pocketsphinx/engine.js';
import { BOOST_FLOORS } from '../../src/engines/pocketsphinx/vocabulary-search.js';
import type { BoostLevel, Vocabulary } from '../../src/engines/vocabulary/vocabulary.js';
import { align } from '../../src/eval/align.js';
import { normalizeWords } from '../../src/eval/normalize.js';
import { aggregate, wordErrorRate, type WordErrorRate } from '../../src/eval/wer.js';
import { wavSamples } from '../../bench/speech-file.js';
import { librivoxClips } from '../helpers/librivox.js';
import { speakPcm } from '../eval/synth.js';

const TERMS = ['kubernetes', 'grafana', 'terraform', 'postgres', 'redis', 'nginx', 'ansible', 'kotlin', 'webpack', 'elasticsearch', 'kafka', 'prometheus'];
const OUT_OF_DICTIONARY = TERMS.slice(0, 10);
const SENTENCES = [
  'We deploy every service on kubernetes and watch the dashboards in grafana.',
  'The infrastructure is described in terraform and reviewed before each release.',
  'Our main database is postgres, with redis in front of it as a cache.',
  'Requests reach the cluster through nginx, which closes the connections.',
  'The configuration of each server is applied with ansible every night.',
  'The mobile team rewrote the application in kotlin last year.',
  'The front end is bundled with webpack before it is shipped.',
  'Events flow through kafka into the analytics pipeline.',
  'Logs are indexed in elasticsearch so that support can search them.',
  'Alerts from prometheus wake the engineer on call.',
];
const VOICES = ['en-us', 'en-us+m3', 'en-us+f2'];
const LEVELS: (BoostLevel | 'none')[] = ['none', 'low', 'default', 'high'];
const LIBRIVOX_TERMS = ['Dashwood', 'prudently', 'amiable', 'disposed', 'selfish'];

interface Score {
  hits: number;
  occurrences: number;
  falseTerms: number;
  wer: WordErrorRate;
}

function score(pairs: { reference: string; hypothesis: string }[], terms: string[]): Score {
  const lower = new Set(terms.map((t) => t.toLowerCase()));
  let hits = 0;
  let occurrences = 0;
  let falseTerms = 0;
  for (const { reference, hypothesis } of pairs) {
    for (const op of align(normalizeWords(reference), normalizeWords(hypothesis)).ops!) {
      if (op.ref !== null && lower.has(op.ref)) {
        occurrences++;
        if (op.type === 'hit') hits++;
      }
      if (op.hyp !== null && lower.has(op.hyp) && op.type !== 'hit') falseTerms++;
    }
  }
  return { hits, occurrences, falseTerms, wer: aggregate(pairs.map((p) => wordErrorRate(p.reference, p.hypothesis))) };
}

let engine: PocketsphinxEngine;
before(async () => {
  engine = await PocketsphinxEngine.create({ vocabularyDecoders: 1 });
});
after(() => engine.close());

async function decodeAll(audio: { reference: string; pcm: Int16Array }[], vocabulary?: Vocabulary): Promise<{ reference: string; hypothesis: string }[]> {
  const out = [];
  for (const a of audio) {
    const r: Recognition = await engine.recognize(a.pcm, vocabulary ? { vocabulary } : {});
    out.push({ reference: a.reference, hypothesis: r.text });
  }
  return out;
}

const row = (name: string, s: Score) =>
  `${name.padEnd(32)} term recall ${String(s.hits).padStart(2)}/${s.occurrences} (${((100 * s.hits) / s.occurrences).toFixed(0).padStart(3)}%)  false terms ${String(s.falseTerms).padStart(2)}  WER ${(s.wer.wer * 100).toFixed(1)}%`;

test('word_boost on synthetic speech with terms the dictionary lacks', async () => {
  const audio = VOICES.flatMap((voice) => SENTENCES.map((reference) => ({ reference, pcm: speakPcm(reference, { voice }) })));
  const scores = new Map<string, Score>();
  const lines = [`espeak-ng (${VOICES.join(', ')}), ${audio.length} utterances, ${TERMS.length} boosted terms:`];
  for (const level of LEVELS) {
    const decoded = await decodeAll(audio, level === 'none' ? undefined : { words: TERMS, boost: level });
    if (level === 'none') {
      for (const d of decoded) for (const t of OUT_OF_DICTIONARY) assert.ok(!normalizeWords(d.hypothesis).includes(t), `${t} recognised without being in the dictionary`);
    }
    const s = score(decoded, TERMS);
    scores.set(level, s);
    lines.push(row(level === 'none' ? 'no word_boost' : `boost_param ${level} (F=${BOOST_FLOORS[level]})`, s));
  }
  console.log(lines.join('\n'));
  const none = scores.get('none')!;
  // What the measurement showed, and must keep showing: the terms become recognisable at all,
  // and the strongest boost recalls at least as many as the weakest.
  assert.ok(scores.get('default')!.hits > none.hits, 'boosting recognises more of the terms');
  assert.ok(scores.get('high')!.hits >= scores.get('low')!.hits);
  assert.ok(scores.get('default')!.wer.wer <= none.wer.wer + 0.02, 'boosting does not make the rest worse');
});

test('word_boost on real speech (LibriVox): expected words are found, unrelated terms are not inserted', async () => {
  const audio = librivoxClips().map((c) => ({ reference: c.reference, pcm: wavSamples(c.path) }));
  const none = score(await decodeAll(audio), LIBRIVOX_TERMS);
  const boosted = score(await decodeAll(audio, { words: LIBRIVOX_TERMS, boost: 'default' }), LIBRIVOX_TERMS);
  const unrelatedDecoded = await decodeAll(audio, { words: TERMS, boost: 'high' });
  const inserted = unrelatedDecoded.flatMap((d) => normalizeWords(d.hypothesis).filter((w) => TERMS.includes(w)));
  const unrelated = score(unrelatedDecoded, LIBRIVOX_TERMS);
  console.log(
    [
      `LibriVox (5 clips, 71 words), boosting ${LIBRIVOX_TERMS.join(', ')}:`,
      row('no word_boost', none),
      row('boost_param default', boosted),
      `${'12 unrelated terms, high'.padEnd(32)} inserted terms ${inserted.length}  WER ${(unrelated.wer.wer * 100).toFixed(1)}%`,
    ].join('\n'),
  );
  assert.ok(boosted.hits > none.hits, 'boosted words the engine missed are found');
  assert.ok(boosted.wer.wer < none.wer.wer);
  assert.deepEqual(inserted, [], 'terms absent from the speech are not hallucinated');
  assert.ok(unrelated.wer.wer <= none.wer.wer + 0.02);
});
