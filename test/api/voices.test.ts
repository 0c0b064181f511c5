/**
 * Known voices through the API (issue 14 item 4): "the podcast host is named in every episode".
 * A real LibriVox reader is enrolled from one clip (plain fetch on /v2/upload and /v2/voices),
 * then episodes built from their other clips and another real voice are transcribed with the
 * `assemblyai` SDK. The stored row is read straight from SQLite: no audio, nothing in the clear.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { AssemblyAI, type TranscriptParams } from 'assemblyai';
import { BetterSqlite } from '../../src/store/sqlite/better-sqlite3.js';
import { buildConversation, REAL_VOICES, type Conversation, type RealVoice } from '../../src/eval/diarization/conversations.js';
import { KNOWN_VOICE_THRESHOLD } from '../../src/intelligence/speakers/known-voices.js';
import { encodeWav } from '../../src/intelligence/redaction/encode.js';
import { startTestServer, type TestServer } from '../helpers/earshot-server.js';

let server: TestServer;
let client: AssemblyAI;
const polling = { pollingInterval: 100, pollingTimeout: 180_000 };
const HOST = 'Harriet Host';
const ENROLMENT_CLIP = 'librivox/sense_and_sensibility_01_austen_64kb-0870.wav';

/** The reader's other four clips: the episodes never contain the clip the host was enrolled from. */
const voices: RealVoice[] = REAL_VOICES.map((v) => (v.id === 'narrator' ? { ...v, files: v.files.filter((f) => f !== ENROLMENT_CLIP) } : v));
const episode = (id: string, who: string[], levelsDb: number[]) => buildConversation({ id, voices: who, levelsDb }, undefined, { voices });

before(async () => {
  server = await startTestServer();
  client = new AssemblyAI({ apiKey: server.keyA, baseUrl: server.url });
});
after(() => server.close());

async function enrolFromClip(name: string, key = server.keyA): Promise<Record<string, any>> {
  const { readPcm, POCKETSPHINX_TESTDATA } = await import('../../src/eval/diarization/conversations.js');
  const clip = encodeWav(readPcm(join(POCKETSPHINX_TESTDATA, ENROLMENT_CLIP)));
  const upload = await server.call('POST', '/v2/upload', { key, raw: new Uint8Array(clip), headers: { 'content-type': 'application/octet-stream' } });
  assert.equal(upload.status, 200, upload.text);
  const enrolled = await server.call('POST', '/v2/voices', { key, body: { name, upload_url: upload.json.upload_url } });
  assert.equal(enrolled.status, 200, enrolled.text);
  return enrolled.json;
}

/** Transcribes an episode with the SDK; `known_voices` is Earshot's own field, so outside the SDK's type. */
async function transcribe(conversation: Conversation, knownVoices: string[], extra: Partial<TranscriptParams> = {}) {
  const params = { audio: encodeWav(conversation.pcm), speaker_labels: true, known_voices: knownVoices, ...extra } as unknown as TranscriptParams;
  const done = await client.transcripts.transcribe(params, polling);
  assert.equal(done.status, 'completed', done.error ?? undefined);
  return done as typeof done & { speaker_identities?: { speaker: string; label: string; voice_id: string; name: string; similarity: number }[] };
}

/** Share of a voice's reference speech time whose words carry `speaker`. */
function shareNamed(conversation: Conversation, words: { start: number; end: number; speaker?: string | null }[], voice: string, speaker: string): number {
  const inVoice = words.filter((w) => conversation.reference.some((r) => r.speaker === voice && w.start < r.end && w.end > r.start));
  return inVoice.filter((w) => w.speaker === speaker).length / Math.max(1, inVoice.length);
}

test('the podcast host, enrolled from one clip, is named in an episode with a guest, and the guest keeps a letter', async () => {
  const voice = await enrolFromClip(HOST);
  assert.equal(voice.name, HOST);
  assert.equal(voice.source, 'audio');
  assert.ok(voice.speech_seconds >= 3, `${voice.speech_seconds} s of speech`);

  // With the "cards" speaker the diarizer alone hears one voice, so that episode says how many
  // speakers it has, as a podcast with a known line-up can; the diarizer then still gives part of
  // the host's speech to the guest's letter (about half, measured), which naming cannot undo.
  for (const [guest, extra, hostShare] of [['jfk', {}, 0.7], ['cards', { speakers_expected: 2 }, 0.4]] as const) {
    const conversation = episode(`narrator+${guest}`, ['narrator', guest], [0, guest === 'jfk' ? -8 : 6]);
    const done = await transcribe(conversation, [voice.id], extra);
    const identities = done.speaker_identities!;
    assert.equal(identities.length, 1, `one speaker named: ${JSON.stringify(identities)}`);
    assert.equal(identities[0].speaker, HOST);
    assert.equal(identities[0].voice_id, voice.id);
    assert.ok(identities[0].similarity >= KNOWN_VOICE_THRESHOLD && identities[0].similarity <= 1);
    const words = done.words!;
    assert.ok(shareNamed(conversation, words, 'narrator', HOST) >= hostShare, `the host's words are named (guest ${guest})`);
    assert.ok(shareNamed(conversation, words, guest, HOST) <= 0.2, `the guest ${guest} is not named after the host`);
    assert.ok(done.utterances!.some((u) => u.speaker === HOST));
    assert.ok(done.utterances!.some((u) => /^[A-Z]$/.test(u.speaker)), 'the guest keeps a letter');
  }
});

test('an episode without the host names nobody after them', async () => {
  const voice = await enrolFromClip(HOST);
  const conversation = episode('jfk+cards', ['jfk', 'cards'], [0, -6]);
  const done = await transcribe(conversation, [voice.id]);
  assert.deepEqual(done.speaker_identities, []);
  assert.ok(done.words!.every((w) => w.speaker !== HOST && /^[A-Z]$/.test(w.speaker ?? '')));
});

test('enrol from a transcript speaker label, list, project scope and delete', async () => {
  const conversation = episode('narrator+jfk', ['narrator', 'jfk'], [0, -8]);
  const plain = await client.transcripts.transcribe({ audio: encodeWav(conversation.pcm), speaker_labels: true }, polling);
  assert.equal(plain.status, 'completed');
  // The speaker who says most of the narrator's words.
  const label = plain.words!.filter((w) => conversation.reference.some((r) => r.speaker === 'narrator' && w.start < r.end && w.end > r.start))
    .map((w) => w.speaker!).sort().reduce((best, s, _, all) => (all.filter((x) => x === s).length > all.filter((x) => x === best).length ? s : best));

  const enrolled = await server.call('POST', '/v2/voices', { body: { name: 'Reader', transcript_id: plain.id, speaker: label } });
  assert.equal(enrolled.status, 200, enrolled.text);
  assert.equal(enrolled.json.source, 'transcript');
  assert.equal(enrolled.json.transcript_id, plain.id);
  assert.equal(enrolled.json.speaker, label);

  const missing = await server.call('POST', '/v2/voices', { body: { name: 'Nobody', transcript_id: plain.id, speaker: 'Q' } });
  assert.equal(missing.status, 400);
  assert.match(missing.json.error, /no speaker "Q".*speakers it has: "A"/);

  // A second voice, from a clip, so the list holds both kinds.
  const host = await enrolFromClip(HOST);
  const listed = await server.call('GET', '/v2/voices');
  assert.ok([enrolled.json.id, host.id].every((id) => listed.json.voices.some((v: { id: string }) => v.id === id)));
  assert.ok(listed.json.voices.every((v: Record<string, unknown>) => !('voiceprint' in v) && !('moments' in v)));

  // Another project: a 404, and its transcripts cannot name this project's voices.
  assert.equal((await server.call('GET', `/v2/voices/${enrolled.json.id}`, { key: server.keyB })).status, 404);
  assert.equal((await server.call('DELETE', `/v2/voices/${enrolled.json.id}`, { key: server.keyB })).status, 404);
  const foreign = await server.call('POST', '/v2/transcript', {
    key: server.keyB,
    body: { audio_url: 'https://example.com/a.wav', speaker_labels: true, known_voices: [enrolled.json.id] },
  });
  assert.equal(foreign.status, 400);
  assert.match(foreign.json.error, new RegExp(`${enrolled.json.id}.*not enrolled in this project`));

  assert.equal((await server.call('DELETE', `/v2/voices/${enrolled.json.id}`)).status, 200);
  assert.equal((await server.call('GET', `/v2/voices/${enrolled.json.id}`)).status, 404);
});

test('bad enrolments and requests are refused with what to do', async () => {
  const noSource = await server.call('POST', '/v2/voices', { body: { name: 'Ada' } });
  assert.equal(noSource.status, 400);
  assert.match(noSource.json.error, /exactly one source/);
  const letter = await server.call('POST', '/v2/voices', { body: { name: 'B', upload_url: 'https://example.com/x.wav' } });
  assert.match(letter.json.error, /speaker letter/);
  const silence = await server.call('POST', '/v2/upload', { raw: new Uint8Array(encodeWav(new Int16Array(16000 * 3))), headers: { 'content-type': 'application/octet-stream' } });
  const tooShort = await server.call('POST', '/v2/voices', { body: { name: 'Quiet', upload_url: silence.json.upload_url } });
  assert.equal(tooShort.status, 400);
  assert.match(tooShort.json.error, /too little to describe a voice/);
  const withoutLabels = await server.call('POST', '/v2/transcript', { body: { audio_url: 'https://example.com/a.wav', known_voices: ['x'] } });
  assert.equal(withoutLabels.status, 400);
  assert.match(withoutLabels.json.error, /known_voices needs speaker_labels/);
});

test('the stored voice holds no audio and nothing in the clear', async () => {
  const voice = await enrolFromClip('Plaintext Probe');
  const db = new BetterSqlite(join(server.dataDir, 'earshot.db'));
  try {
    const row = db.prepare('select * from voices where id = ?').all(voice.id)[0] as Record<string, unknown>;
    assert.ok(row, 'the row is there');
    const blobs = [row.name, row.voiceprint] as Buffer[];
    assert.ok(blobs.every((b) => Buffer.isBuffer(b)), 'name and voiceprint are sealed blobs');
    for (const b of blobs) {
      assert.ok(!b.includes('Plaintext Probe') && !b.includes('moments') && !b.includes('mfcc'), 'no plaintext inside');
    }
    // Three seconds of 16 kHz audio alone is 96 kB; the voiceprint is under 4 kB.
    assert.ok((row.voiceprint as Buffer).length < 4096, `${(row.voiceprint as Buffer).length} bytes`);
    const columns = Object.keys(row).sort();
    assert.deepEqual(columns, ['created_at', 'id', 'key_id', 'kind', 'name', 'project_id', 'seq', 'source_speaker', 'source_transcript_id', 'speech_seconds', 'voiceprint']);
  } finally {
    db.close();
  }
});
