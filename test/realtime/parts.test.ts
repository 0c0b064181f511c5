/**
 * The streaming building blocks on their own (issue 5): query and message parsing, μ-law and
 * resampling, the turn rules, temporary tokens, session limits and the close-code table.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ERRORS } from '../../src/errors.js';
import { StreamAudioDecoder } from '../../src/realtime/audio-input.js';
import { CLOSE_CODES, closeFrameFor, closeReason, MAX_REASON_BYTES } from '../../src/realtime/close-codes.js';
import { ConcurrencyLimits } from '../../src/realtime/limits.js';
import { applySettings, DEFAULT_TURN_SETTINGS, parseClientMessage, parseStreamOptions, serialiseServerMessage } from '../../src/realtime/protocol.js';
import { Resampler } from '../../src/realtime/resampler.js';
import { endOfTurnConfidence, turnEnds, type CueWord } from '../../src/realtime/end-of-turn.js';
import { resolveModel } from '../../src/engines/pocketsphinx/model.js';
import { sentenceEndModel } from '../../src/engines/pocketsphinx/sentence-ends.js';
import { TurnDetector } from '../../src/realtime/turn-detector.js';
import { FinalWords } from '../../src/realtime/turn-wire.js';
import { StreamTokens } from '../../src/realtime/tokens.js';
import { EarshotError } from '../../src/errors.js';
import { ProsodyTracker } from './helpers/prosody.js';
import { espeakPauses } from './helpers/turn-pauses.js';

const MODELS = ['universal-streaming-english', 'pocketsphinx'];
const parse = (query: Record<string, string>) => parseStreamOptions(new URLSearchParams(query), MODELS);
const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as EarshotError).code;
  }
  return 'no error';
};

/** The default model's language model, which live sessions judge sentence ends by. */
const sentenceEnds = () => sentenceEndModel(resolveModel(undefined).lm);
const words = (text: string): CueWord[] => text.split(' ').filter(Boolean).map((w) => ({ text: w }));

describe('query options', () => {
  test('the SDK\'s options parse with AssemblyAI\'s defaults', () => {
    const o = parse({ sample_rate: '16000' });
    assert.equal(o.sampleRate, 16000);
    assert.equal(o.encoding, 'pcm_s16le');
    assert.deepEqual({ ...o, sampleRate: undefined, encoding: undefined, keyterms: undefined, speakerLabels: undefined }, { ...DEFAULT_TURN_SETTINGS, sampleRate: undefined, encoding: undefined, keyterms: undefined, speakerLabels: undefined });
    const all = parse({
      sample_rate: '8000', encoding: 'pcm_mulaw', format_turns: 'true', end_of_turn_confidence_threshold: '0.7',
      min_end_of_turn_silence_when_confident: '800', max_turn_silence: '3600', keyterms_prompt: '["Dashwood","Barton Park"]',
      inactivity_timeout: '30', speaker_labels: 'false', speech_model: 'universal-streaming-english', filter_profanity: 'false',
    });
    assert.equal(all.minTurnSilenceMs, 800);
    assert.equal(all.maxTurnSilenceMs, 3600);
    assert.equal(all.formatTurns, true);
    assert.deepEqual(all.keyterms, ['Dashwood', 'Barton Park']);
    assert.equal(all.inactivityTimeoutMs, 30_000);
  });

  test('bad values are coded errors: sample rates → BadSampleRate, the rest → BadSchema', () => {
    assert.equal(codeOf(() => parse({})), 'stream_bad_sample_rate');
    assert.equal(codeOf(() => parse({ sample_rate: '16000.5' })), 'stream_bad_sample_rate');
    const bads: Record<string, string>[] = [
      { sample_rate: '16000', format_turns: 'yes' },
      { sample_rate: '16000', inactivity_timeout: '2' },
      { sample_rate: '16000', keyterms_prompt: JSON.stringify(Array(101).fill('x')) },
      { sample_rate: '16000', keyterms_prompt: '{"a":1}' },
      { sample_rate: '16000', speech_model: 'whisper-rt' },
      { sample_rate: '16000', language_code: 'fr' },
      { sample_rate: '16000', prompt: 'hello' },
    ];
    for (const bad of bads) {
      assert.equal(codeOf(() => parse(bad)), 'stream_bad_message', JSON.stringify(bad));
    }
    assert.equal(codeOf(() => parseStreamOptions(new URLSearchParams('sample_rate=16000&sample_rate=8000'), MODELS)), 'stream_bad_message');
  });
});

describe('client messages', () => {
  test('the four known messages; anything else is BadSchema', () => {
    assert.deepEqual(parseClientMessage('{"type":"Terminate"}'), { type: 'Terminate' });
    assert.deepEqual(parseClientMessage('{"type":"ForceEndpoint"}'), { type: 'ForceEndpoint' });
    assert.deepEqual(parseClientMessage('{"type":"KeepAlive"}'), { type: 'KeepAlive' });
    const update = parseClientMessage('{"type":"UpdateConfiguration","max_turn_silence":2000,"min_end_of_turn_silence_when_confident":300,"keyterms_prompt":["x"]}');
    assert.deepEqual(update, { type: 'UpdateConfiguration', settings: { max_turn_silence: '2000', min_turn_silence: '300' }, notApplied: ['keyterms_prompt'] });
    if (update.type === 'UpdateConfiguration') assert.equal(applySettings(DEFAULT_TURN_SETTINGS, update.settings).maxTurnSilenceMs, 2000);
    for (const bad of ['', 'null', '"Terminate"', '{"type":"terminate"}', '{"type":"UpdateConfiguration","format_turns":"yes"}', '{"type":"UpdateConfiguration","vad_threshold":3}']) {
      assert.equal(codeOf(() => parseClientMessage(bad)), 'stream_bad_message', bad);
    }
  });
});

describe('audio input', () => {
  test('pcm_s16le frames may split a sample anywhere', () => {
    const samples = Int16Array.from([1, -2, 300, -32768, 32767]);
    const bytes = new Uint8Array(samples.buffer);
    const decoder = new StreamAudioDecoder('pcm_s16le', 16000);
    const out = [...decoder.push(bytes.subarray(0, 3)), ...decoder.push(bytes.subarray(3, 4)), ...decoder.push(bytes.subarray(4, 7)), ...decoder.push(bytes.subarray(7))];
    assert.deepEqual(out, [...samples]);
  });

  test('pcm_mulaw decodes G.711 μ-law', () => {
    const decoder = new StreamAudioDecoder('pcm_mulaw', 16000);
    // 0xff and 0x7f are the two zeros; 0x00 and 0x80 the extremes.
    assert.deepEqual([...decoder.push(Uint8Array.from([0xff, 0x7f, 0x00, 0x80]))], [0, 0, -32124, 32124]);
  });

  for (const rate of [8000, 22050, 44100, 48000]) {
    test(`resampling ${rate} Hz → 16 kHz keeps a 440 Hz tone and the length`, () => {
      const seconds = 1;
      const input = Int16Array.from({ length: rate * seconds }, (_, i) => Math.round(10000 * Math.sin((2 * Math.PI * 440 * i) / rate)));
      const resampler = new Resampler(rate, 16000);
      const chunks: Int16Array[] = [];
      for (let i = 0; i < input.length; i += 777) chunks.push(resampler.push(input.subarray(i, i + 777)));
      chunks.push(resampler.flush());
      const out = Int16Array.from(chunks.flatMap((c) => [...c]));
      assert.equal(out.length, 16000 * seconds);
      // Compare with the ideal tone away from the edges.
      let err = 0;
      for (let i = 1000; i < 15000; i++) err = Math.max(err, Math.abs(out[i] - 10000 * Math.sin((2 * Math.PI * 440 * i) / 16000)));
      assert.ok(err < 150, `max error ${err}`);
    });
  }

  test('downsampling removes what 16 kHz cannot carry (a 12 kHz tone at 48 kHz)', () => {
    const input = Int16Array.from({ length: 48000 }, (_, i) => Math.round(10000 * Math.sin((2 * Math.PI * 12000 * i) / 48000)));
    const resampler = new Resampler(48000, 16000);
    const out = resampler.push(input);
    const rms = Math.sqrt(out.subarray(1000, 15000).reduce((s, v) => s + v * v, 0) / 14000);
    assert.ok(rms < 100, `aliased energy rms ${rms}`);
  });
});

describe('turn rules', () => {
  const settings = DEFAULT_TURN_SETTINGS;

  test('a turn ends after min_turn_silence once confident, after max_turn_silence regardless', () => {
    assert.equal(turnEnds(0.9, 399, settings), false);
    assert.equal(turnEnds(0.9, 400, settings), true);
    assert.equal(turnEnds(0.1, 400, settings), false);
    assert.equal(turnEnds(0.1, 1280, settings), true);
    assert.equal(turnEnds(0.9, 400, { ...settings, endOfTurnConfidenceThreshold: 0.95 }), false);
  });

  test('the fitted end-of-turn model: words a sentence rarely ends on hold a turn open, more silence closes it', async () => {
    const lm = await sentenceEnds();
    const at = (text: string, silenceMs = 400) => endOfTurnConfidence({ lastWords: words(text), silenceMs }, lm);
    assert.ok(at('john and') < at('young man'), `and ${at('john and')} vs man ${at('young man')}`);
    assert.ok(at('of the') < at('made amiable himself'), `the ${at('of the')} vs himself ${at('made amiable himself')}`);
    assert.ok(at('young man', 800) > at('young man', 200), 'more silence, more confidence');
    assert.ok(at('of the', 800) > at('of the', 400), 'more silence, more confidence after a function word too');
    assert.ok(at('of the', 1200) < settings.endOfTurnConfidenceThreshold, '"of the" waits for max_turn_silence at the default threshold');
    // The language model knows what a word list cannot: "you" ends "thank you" but seldom "if you".
    assert.ok(at('thank you') >= settings.endOfTurnConfidenceThreshold, `thank you ${at('thank you')}`);
    assert.ok(at('if you') < at('thank you'), `if you ${at('if you')} vs thank you ${at('thank you')}`);
    for (const c of [at(''), at('and', 0), at('man', 2000), at('man', Infinity)]) assert.ok(c > 0 && c < 1, String(c));
  });

  test('words the engine is unsure of count as partly unknown; without a language model silence alone decides', async () => {
    const lm = await sentenceEnds();
    const at = (lastWords: CueWord[], silenceMs = 800) => endOfTurnConfidence({ lastWords, silenceMs }, lm);
    const the = (confidence?: number) => at([{ text: 'of' }, { text: 'the', confidence }]);
    assert.ok(the(0.25) > the(0.9), `unsure ${the(0.25)} vs sure ${the(0.9)}`);
    assert.equal(the(undefined), the(1), 'a word without a posterior (partial, text) counts fully');
    assert.equal(the(0), at([{ text: 'xyzzyq' }]), 'a word surely misheard tells as much as a word the model does not know');
    // LibriVox 0870 ends "…for them", heard as "…how about" ("how" 0.30, "about" 0.70): an unsure
    // "how" is weak evidence that "about" ends nothing.
    const howAbout = (how: number) => at([{ text: 'how', confidence: how }, { text: 'about', confidence: 0.7 }]);
    assert.ok(howAbout(0.3) > howAbout(1), `${howAbout(0.3)} vs ${howAbout(1)}`);
    assert.equal(endOfTurnConfidence({ lastWords: words('of the'), silenceMs: 400 }), endOfTurnConfidence({ lastWords: words('young man'), silenceMs: 400 }));
  });

  test('end_of_turn_confidence is higher at sentence ends than at pauses inside sentences (held-out espeak-ng speech)', async () => {
    const lm = await sentenceEnds();
    // Sentences the model was not fitted on (scripts/fit-end-of-turn.ts), read with pauses at each mark.
    const { pauses } = await espeakPauses(
      [
        'The garden was quiet, and the birds had gone to sleep.',
        'We waited for the, bus in the rain.',
        'Did you remember to lock the door?',
        'The report, which nobody had read, was on the desk.',
        'I would like a, cup of tea please.',
        'They sold the house in the autumn.',
      ],
      ['en-us'],
      61,
    );
    const mean = (label: 0 | 1) => {
      const of = pauses.filter((p) => p.label === label);
      assert.ok(of.length >= 3, `${of.length} pauses labelled ${label}`);
      return of.reduce((sum, p) => sum + endOfTurnConfidence({ lastWords: p.lastWords, silenceMs: settings.minTurnSilenceMs }, lm), 0) / of.length;
    };
    const [ends, inside] = [mean(1), mean(0)];
    assert.ok(ends > inside + 0.1, `sentence ends ${ends.toFixed(3)} vs inside ${inside.toFixed(3)}`);
    assert.ok(ends >= settings.endOfTurnConfidenceThreshold, `sentence ends ${ends.toFixed(3)} reach the default threshold`);
  });

  test('prosody (measured for the end-of-turn fit): the pitch and level of the last 320 ms of speech against the speech before', () => {
    const tracker = new ProsodyTracker();
    const tone = (hz: number, amplitude: number, ms: number) => Int16Array.from({ length: (16 * ms) }, (_, i) => Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / 16000)));
    const feed = (pcm: Int16Array) => {
      tracker.push(pcm);
      for (let i = 0; i < Math.floor(pcm.length / 512); i++) tracker.frame(true);
    };
    feed(tone(200, 8000, 1024));
    feed(tone(150, 4000, 320));
    const { pitchChange, levelChange } = tracker.features();
    assert.ok(Math.abs(pitchChange - 12 * Math.log2(150 / 200)) < 0.5, `pitch change ${pitchChange} semitones`);
    assert.ok(Math.abs(levelChange + 6) < 1, `level change ${levelChange} dB`);
  });

  test('the detector tracks speech with hysteresis in 32 ms frames', () => {
    const detector = new TurnDetector(settings);
    assert.equal(detector.frame(0.1), 'silence');
    assert.equal(detector.frame(0.6), 'speech-start');
    assert.equal(detector.speechStartMs, 32);
    assert.equal(detector.frame(0.4), 'speech', 'above vad_threshold - 0.15 stays speech');
    assert.equal(detector.frame(0.2), 'silence');
    assert.equal(detector.frame(0.2), 'silence');
    assert.equal(detector.silenceMs, 64);
    assert.equal(detector.frame(0.45), 'silence', 'below vad_threshold does not restart speech');
  });
});

describe('tokens and limits', () => {
  test('a token is single-use, expires, and cannot be forged', async () => {
    let now = 1_000_000;
    const tokens = new StreamTokens('secret', () => now);
    const token = tokens.issue({ keyId: 'k', projectId: 'p' }, 60, 120);
    const claims = await tokens.redeem(token);
    assert.deepEqual({ ...claims, nonce: undefined }, { keyId: 'k', projectId: 'p', expiresAt: now + 60_000, maxSessionSeconds: 120, nonce: undefined });
    await assert.rejects(tokens.redeem(token), /already used/);
    const later = tokens.issue({ keyId: 'k', projectId: 'p' }, 1);
    now += 1000;
    await assert.rejects(tokens.redeem(later), /expired/);
    await assert.rejects(new StreamTokens('other').redeem(tokens.issue({ keyId: 'k', projectId: 'p' }, 60)), /Invalid temporary token/);
    await assert.rejects(tokens.redeem('est1.e30.x'), /Invalid/);
  });

  test('sessions are limited per key and per server; slots come back once', () => {
    const limits = new ConcurrencyLimits({ maxSessions: 2, maxSessionsPerKey: 1, maxVocabularySessions: 1 });
    const a = limits.acquire('a');
    assert.throws(() => limits.acquire('a'), /per key/);
    const b = limits.acquire('b');
    assert.throws(() => limits.acquire('c'), /maximum of 2/);
    a.release();
    a.release();
    assert.equal(limits.active, 1);
    limits.acquire('c');
    b.release();
    assert.equal(limits.active, 1);
  });

  test('sessions with a custom vocabulary have a cap of their own', () => {
    const limits = new ConcurrencyLimits({ maxSessions: 3, maxSessionsPerKey: 3, maxVocabularySessions: 1 });
    const first = limits.acquire('a', true);
    assert.throws(() => limits.acquire('b', true), /keyterms_prompt: the server runs its maximum of 1/);
    const plain = limits.acquire('b');
    first.release();
    limits.acquire('b', true);
    plain.release();
    assert.equal(limits.active, 1);
  });

  test('a new session is refused while live decoding runs later than the limit, whatever the count', () => {
    let lag = 0;
    const limits = new ConcurrencyLimits({ maxSessions: 10, maxSessionsPerKey: 10, maxVocabularySessions: 1, maxLagMs: 500, liveLagMs: () => lag });
    const first = limits.acquire('a');
    lag = 820;
    assert.throws(() => limits.acquire('a'), (err: EarshotError) => err.code === 'stream_too_many_sessions' && /820 ms behind the audio \(the limit for admitting a session is 500 ms\)/.test(err.message));
    assert.equal(limits.active, 1, 'a refusal holds no slot');
    lag = 480;
    limits.acquire('a');
    first.release();
    assert.equal(limits.active, 1);
  });
});

describe('close codes', () => {
  test('every streaming error code has a row, and rows mirror the SDK table', () => {
    for (const [code, spec] of Object.entries(ERRORS)) {
      if (!code.startsWith('stream_')) continue;
      const row = CLOSE_CODES.find((r) => r.code === spec.closeCode);
      assert.ok(row?.errors.includes(code as keyof typeof ERRORS), `${code} (${spec.closeCode}) is not in the close-code table`);
    }
    // The assemblyai SDK's StreamingErrorType numbers (dist/streaming.mjs).
    const sdk: Record<string, number> = { BadSampleRate: 4000, AuthFailed: 4001, SessionExpired: 4008, RateLimited: 4029, SessionTimeout: 4031, BadSchema: 4101, TooManyStreams: 4102 };
    for (const row of CLOSE_CODES) if (row.code >= 4000) assert.equal(sdk[row.name], row.code, row.name);
  });

  test('reasons fit a close frame; plain errors stay private', () => {
    const long = closeReason('é'.repeat(200));
    assert.ok(Buffer.byteLength(long) <= MAX_REASON_BYTES && long.endsWith('...'));
    assert.deepEqual(closeFrameFor(new Error('secret path /etc')), { code: 1011, reason: 'Internal server error' });
    assert.equal(closeFrameFor(new EarshotError('invalid_request', 'bad')).code, 4101);
    assert.equal(closeFrameFor(new EarshotError('engine_failed', 'x')).code, 1011);
  });
});

describe('partial turns over a long turn (issue 16 item 2)', () => {
  const word = (text: string, i: number) => ({ text, start: i * 300, end: i * 300 + 250, confidence: 0.8 + (i % 3) / 10 });

  test('a partial serialised with its final words\' JSON reused is exactly JSON.stringify of the message', () => {
    const finals = new FinalWords();
    // Texts that contain the key the serialiser looks for, quotes and escapes.
    finals.add(['say', '"words":[]', 'back\\slash'].map(word));
    finals.add([word('ünïcode', 3)]);
    for (const open of [[], [word('and', 4), word('then"', 5)]]) {
      const message = finals.partial(7, open, 0.25);
      assert.equal(serialiseServerMessage(message), JSON.stringify(message));
      const parsed = JSON.parse(serialiseServerMessage(message));
      assert.equal(parsed.words.length, 4 + open.length);
      assert.deepEqual(parsed.words.map((w: { word_is_final: boolean }) => w.word_is_final), [true, true, true, true, ...open.map(() => false)]);
      assert.equal(parsed.transcript, ['say', '"words":[]', 'back\\slash', 'ünïcode', ...open.map((w) => w.text)].join(' '));
    }
    const empty = new FinalWords();
    const onlyOpen = empty.partial(0, [word('hello', 0)], 0.1);
    assert.equal(serialiseServerMessage(onlyOpen), JSON.stringify(onlyOpen));
  });

  test('a partial does not serialise the final words again: its cost stays with the open words', () => {
    const finals = new FinalWords();
    finals.add(Array.from({ length: 2000 }, (_, i) => word(`w${i}`, i)));
    const message = finals.partial(0, [word('open', 2000)], 0.3);
    // The words already serialised are not read again: replacing them in the message leaves the output unchanged.
    const before = serialiseServerMessage(message);
    for (let i = 0; i < 2000; i++) message.words[i] = { ...message.words[i], text: 'changed' };
    assert.equal(serialiseServerMessage(message), before);
  });
});
