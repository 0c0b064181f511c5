/**
 * Issue 14 item 3 through the official SDK: `speech_understanding.request.speaker_identification`
 * on a support call spoken by two espeak-ng voices (the two the default engine recognises best),
 * where the agent introduces himself and the customer greets him by name. A call has two parties,
 * so speakers_expected is 2: the test is of naming speakers, not of finding them.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { AssemblyAI, type Transcript } from 'assemblyai';
import { decodeAudioToPcm } from '../../src/audio/decode.js';
import { encodeWav } from '../../src/intelligence/redaction/encode.js';
import { startTestServer, type TestServer } from '../helpers/earshot-server.js';

const run = promisify(execFile);
const polling = { pollingInterval: 100, pollingTimeout: 180_000 };
const AGENT = 'en-us+f2';
const CUSTOMER = 'en-us+klatt2';
const CALL: [string, string][] = [
  [AGENT, 'hello, my name is john. how can i help you today?'],
  [CUSTOMER, 'hi john, this is mary. i have a problem with my account.'],
  [AGENT, 'i am sorry to hear that mary. let me check your account.'],
];

let server: TestServer;
let client: AssemblyAI;
let audio: Buffer;

async function say(voice: string, text: string): Promise<Int16Array> {
  const { stdout } = await run('espeak-ng', ['-v', voice, '-s', '120', '-g', '4', '--stdout', text], { encoding: 'buffer', maxBuffer: 64 << 20 });
  return decodeAudioToPcm(stdout);
}

before(async () => {
  server = await startTestServer();
  client = new AssemblyAI({ apiKey: server.keyA, baseUrl: server.url });
  const lines = await Promise.all(CALL.map(([voice, text]) => say(voice, text)));
  const pcm = new Int16Array(lines.reduce((n, l) => n + l.length, 0));
  let at = 0;
  for (const line of lines) {
    pcm.set(line, at);
    at += line.length;
  }
  audio = encodeWav(pcm, 16000);
});
after(() => server.close());

function speakersIn(t: Transcript): string[] {
  return [...new Set((t.utterances ?? []).map((u) => u.speaker))];
}

test('speaker_type "name": the agent and the customer are named from what they say', async () => {
  const done = await client.transcripts.transcribe(
    { audio, speaker_labels: true, speakers_expected: 2, speech_understanding: { request: { speaker_identification: { speaker_type: 'name' } } } },
    polling,
  );
  assert.equal(done.status, 'completed', done.error);
  const identification = done.speech_understanding?.response?.speaker_identification;
  assert.equal(identification?.status, 'success');
  assert.deepEqual(identification?.mapping, { A: 'John', B: 'Mary' }, done.utterances?.map((u) => `${u.speaker}: ${u.text}`).join('\n'));
  assert.deepEqual(done.speech_understanding?.request, { request: { speaker_identification: { speaker_type: 'name' } } });
  assert.deepEqual(speakersIn(done), ['John', 'Mary']);
  assert.ok(done.words!.every((w) => w.speaker === 'John' || w.speaker === 'Mary'));
  assert.match(done.utterances![0].text, /my name is John/i);
});

test('speaker_type "role": agent and customer; names nobody says leave the letters', async () => {
  const roles = await client.transcripts.transcribe(
    { audio, speaker_labels: true, speakers_expected: 2, speech_understanding: { request: { speaker_identification: { speaker_type: 'role', known_values: ['Agent', 'Customer'] } } } },
    polling,
  );
  assert.equal(roles.status, 'completed', roles.error);
  assert.deepEqual(roles.speech_understanding?.response?.speaker_identification?.mapping, { A: 'Agent', B: 'Customer' });
  assert.deepEqual(speakersIn(roles), ['Agent', 'Customer']);

  const strangers = await client.transcripts.transcribe(
    { audio, speaker_labels: true, speakers_expected: 2, speech_understanding: { request: { speaker_identification: { speaker_type: 'name', known_values: ['Peter', 'Paul'] } } } },
    polling,
  );
  assert.equal(strangers.status, 'completed', strangers.error);
  assert.deepEqual(strangers.speech_understanding?.response?.speaker_identification?.mapping, { A: 'A', B: 'B' });
  assert.deepEqual(speakersIn(strangers), ['A', 'B']);
});

test('requests that cannot be honoured are refused, saying why', async () => {
  const url = await client.files.upload(audio);
  await assert.rejects(
    client.transcripts.submit({ audio_url: url, speech_understanding: { request: { speaker_identification: { speaker_type: 'name' } } } }),
    /speaker_identification needs speaker_labels: true/,
  );
  await assert.rejects(
    client.transcripts.submit({ audio_url: url, speaker_labels: true, speech_understanding: { request: { speaker_identification: { speaker_type: 'role' } } } }),
    /speaker_type "role" needs known_values/,
  );
  await assert.rejects(
    client.transcripts.submit({ audio_url: url, speech_understanding: { request: { translation: { target_languages: ['de'] } } } }),
    /speech_understanding\.request\.translation is not supported/,
  );
});
