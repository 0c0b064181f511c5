/**
 * The official `assemblyai` SDK against a running Earshot (issue 4: "a team that uses the SDK
 * changes only its base URL"): upload, transcribe and wait, get, list with paging, sentences,
 * paragraphs, SRT and VTT, word search, delete. Once on SQLite, once on Postgres.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test, type TestContext } from 'node:test';
import { AssemblyAI, type Transcript } from 'assemblyai';
import { librivoxClips } from '../helpers/librivox.js';
import { postgresDatabase, startTestServer, type TestServer } from '../helpers/earshot-server.js';

const clip = librivoxClips().find((c) => c.id.endsWith('0880'))!; // 3 s: "he was not an ill-disposed young man"

async function sdkFlow(server: TestServer): Promise<void> {
  const client = new AssemblyAI({ apiKey: server.keyA, baseUrl: server.url });

  // files.upload → upload_url on this server; transcribe() = submit() + waitUntilReady().
  const uploadUrl = await client.files.upload(clip.path);
  assert.match(uploadUrl, new RegExp(`^${server.url}/v2/upload/[0-9a-f-]{36}$`));
  const done: Transcript = await client.transcripts.transcribe({ audio_url: uploadUrl }, { pollingInterval: 100, pollingTimeout: 60_000 });
  assert.equal(done.status, 'completed', done.error);
  assert.ok(done.text && done.text.includes('young man'), `text: ${done.text}`);
  assert.ok(done.words && done.words.length >= 5);
  for (const w of done.words!) {
    assert.ok(Number.isInteger(w.start) && Number.isInteger(w.end) && w.end >= w.start, JSON.stringify(w));
    assert.ok(w.confidence >= 0 && w.confidence <= 1);
    assert.equal(w.speaker, null);
  }
  assert.ok(done.audio_duration! > 2.9 && done.audio_duration! < 3.1, `audio_duration ${done.audio_duration}`);
  assert.ok(typeof done.confidence === 'number');
  assert.equal(done.audio_url, uploadUrl);
  assert.equal(done.speaker_labels, false);
  assert.equal(done.webhook_auth, false);

  // The SDK's own upload path (audio: a local file) works the same way.
  const second = await client.transcripts.submit({ audio: clip.path, audio_end_at: 1500 });
  assert.equal(second.status, 'queued');
  const third = await client.transcripts.submit({ audio: Buffer.from('this is not audio at all') });

  const got = await client.transcripts.get(done.id);
  assert.equal(got.id, done.id);
  assert.equal(got.text, done.text);

  const secondDone = await client.transcripts.waitUntilReady(second.id, { pollingInterval: 100 });
  assert.equal(secondDone.status, 'completed');
  assert.equal(secondDone.audio_end_at, 1500);
  assert.ok(secondDone.words!.every((w) => w.start < 1500), 'audio_end_at bounds the words');
  const thirdDone = await client.transcripts.waitUntilReady(third.id, { pollingInterval: 100 });
  assert.equal(thirdDone.status, 'error');
  assert.ok(thirdDone.error && thirdDone.error.length > 10, `error: ${thirdDone.error}`);

  // List, newest first, paged two at a time: prev_url leads to older transcripts.
  const page1 = await client.transcripts.list({ limit: 2 });
  assert.equal(page1.page_details.limit, 2);
  assert.equal(page1.page_details.result_count, 2);
  assert.deepEqual(page1.transcripts.map((t) => t.id), [third.id, second.id]);
  assert.ok(page1.transcripts[0].created instanceof Date && !Number.isNaN(page1.transcripts[0].created.getTime()));
  assert.equal(page1.transcripts[0].resource_url, `${server.url}/v2/transcript/${third.id}`);
  assert.equal(page1.page_details.next_url, null);
  assert.ok(page1.page_details.prev_url);
  const page2 = await client.transcripts.list(page1.page_details.prev_url!);
  assert.deepEqual(page2.transcripts.map((t) => t.id), [done.id]);
  assert.equal(page2.page_details.prev_url, null);
  assert.ok(page2.page_details.next_url, 'a page of older transcripts links back to newer ones');
  const byCursor = await client.transcripts.list({ limit: 5, before_id: second.id });
  assert.deepEqual(byCursor.transcripts.map((t) => t.id), [done.id]);
  const errors = await client.transcripts.list({ status: 'error' });
  assert.deepEqual(errors.transcripts.map((t) => t.id), [third.id]);

  const sentences = await client.transcripts.sentences(done.id);
  assert.equal(sentences.id, done.id);
  assert.ok(sentences.sentences.length >= 1);
  assert.equal(sentences.sentences.map((s) => s.text).join(' '), done.text);
  const paragraphs = await client.transcripts.paragraphs(done.id);
  assert.ok(paragraphs.paragraphs.length >= 1);
  assert.equal(paragraphs.paragraphs[0].words[0].start, done.words![0].start);

  const srt = await client.transcripts.subtitles(done.id, 'srt');
  assert.match(srt, /^1\n\d\d:\d\d:\d\d,\d{3} --> \d\d:\d\d:\d\d,\d{3}\n/);
  const vtt = await client.transcripts.subtitles(done.id, 'vtt', 16);
  assert.match(vtt, /^WEBVTT\n/);
  const cueTexts = vtt.split('\n\n').slice(1).map((cue) => cue.split('\n').slice(1).join(' ').trim()).filter(Boolean);
  assert.ok(cueTexts.length >= 2, 'chars_per_caption=16 splits the captions');
  for (const text of cueTexts) assert.ok(text.length <= 16 || !text.includes(' '), `cue "${text}" is over 16 characters`);

  const found = await client.transcripts.wordSearch(done.id, ['young man', 'nowhere-to-be-found']);
  assert.equal(found.id, done.id);
  assert.equal(found.matches[0].text, 'young man');
  assert.equal(found.matches[0].count, 1);
  assert.equal(found.matches[1].count, 0);
  assert.equal(found.total_count, 1);

  const deleted = await client.transcripts.delete(done.id);
  assert.equal(deleted.id, done.id);
  assert.equal(deleted.text, 'Deleted by user.');
  assert.equal(deleted.audio_url, 'http://deleted_by_user');
  const after = await client.transcripts.get(done.id);
  assert.equal(after.text, 'Deleted by user.');
  assert.equal(after.words, null);
  await assert.rejects(client.transcripts.sentences(done.id), /deleted/);

  // SDK errors carry the server's message.
  await assert.rejects(client.transcripts.get('00000000-0000-0000-0000-000000000000'), /not found/);
  await assert.rejects(client.transcripts.submit({ audio_url: 'https://example.com/a.mp3', domain: 'medical-v1' }), /domain/);
  const stranger = new AssemblyAI({ apiKey: 'not-a-key', baseUrl: server.url });
  await assert.rejects(stranger.transcripts.get(done.id), /Authentication error/);
}

test('the assemblyai SDK works against Earshot on SQLite', async () => {
  const server = await startTestServer();
  try {
    await sdkFlow(server);
  } finally {
    await server.close();
  }
});

test('the assemblyai SDK works against Earshot on Postgres', async (t: TestContext) => {
  const db = await postgresDatabase(t);
  if (!db) return;
  const server = await startTestServer({ databaseUrl: db.url });
  try {
    assert.equal(server.server.store.kind, 'postgres');
    await sdkFlow(server);
  } finally {
    await server.close();
    await db.drop();
  }
});

test('the SDK can upload from a buffer and a stream', async () => {
  const server = await startTestServer();
  try {
    const client = new AssemblyAI({ apiKey: server.keyA, baseUrl: server.url });
    const bytes = await readFile(clip.path);
    const fromBuffer = await client.files.upload(bytes);
    const { createReadStream } = await import('node:fs');
    const fromStream = await client.files.upload(createReadStream(clip.path));
    assert.notEqual(fromBuffer, fromStream);
    assert.equal(server.server.vault.size.uploads, 2);
    assert.equal(server.server.vault.size.bytes, bytes.length * 2);
  } finally {
    await server.close();
  }
});
