import assert from 'node:assert/strict';
import { isEarshotError } from '../../src/errors.js';
import { describeBackends } from './backends.js';
import { completed, resultWith, transcriptInput } from './helpers.js';

describeBackends('transcripts', (test) => {
  test('create then get round-trips every field; the webhook secret is only in the job view', async (env) => {
    const store = await env.open();
    const { projectId } = await store.createApiKey('p');
    const created = await store.createTranscript(transcriptInput(projectId));
    assert.match(created.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const got = await store.getTranscript(projectId, created.id);
    assert.deepEqual(got, created);
    assert.equal(got?.status, 'queued');
    assert.equal(got?.audioUrl, 'https://audio.example/clip.mp3?X-Amz-Signature=secret');
    assert.deepEqual(got?.options, { speaker_labels: true, word_boost: ['Earshot'] });
    assert.equal(got?.webhookAuth, true);
    assert.ok(!JSON.stringify(got).includes('hook-secret'));

    const job = await store.getJob(created.id);
    assert.equal(job?.webhookAuthHeaderValue, 'hook-secret');
    assert.equal(job?.attempts, 0);

    const plain = await store.createTranscript(transcriptInput(projectId, { audioKind: 'upload', webhookUrl: null, webhookAuthHeaderName: null, webhookAuthHeaderValue: null, options: undefined }));
    const gotPlain = await store.getTranscript(projectId, plain.id);
    assert.equal(gotPlain?.audioKind, 'upload');
    assert.equal(gotPlain?.webhookAuth, false);
    assert.deepEqual(gotPlain?.options, {});
    await assert.rejects(store.createTranscript(transcriptInput(projectId, { audioKind: 'ftp' as never })), (e) => isEarshotError(e, 'invalid_request'));
  });

  test('tenant isolation: another project cannot get, list, delete or page from a transcript', async (env) => {
    const store = await env.open();
    const a = await store.createApiKey('a');
    const b = await store.createApiKey('b');
    const t = await completed(store, a.projectId, 'private words');

    assert.equal(await store.getTranscript(b.projectId, t.id), null);
    assert.deepEqual((await store.listTranscripts(b.projectId)).transcripts, []);
    assert.deepEqual((await store.listTranscripts(b.projectId, { beforeId: t.id })).transcripts, []);
    assert.equal(await store.deleteTranscript(b.projectId, t.id), null);
    const intact = await store.getTranscript(a.projectId, t.id);
    assert.equal(intact?.deletedAt, null);
    assert.equal(intact?.result?.text, 'private words');
    assert.deepEqual((await store.listTranscripts(a.projectId)).transcripts.map((x) => x.id), [t.id]);
  });

  test('lifecycle: queued → processing → completed, and every out-of-order transition is refused', async (env) => {
    const store = await env.open();
    const { projectId } = await store.createApiKey('p');
    const t = await store.createTranscript(transcriptInput(projectId));

    assert.equal(await store.completeTranscript(t.id, { result: resultWith('too early') }), false, 'not processing yet');
    assert.equal(await store.markProcessing(t.id), true);
    assert.equal(await store.markProcessing(t.id), false, 'claimed once');
    const processing = await store.getJob(t.id);
    assert.equal(processing?.status, 'processing');
    assert.equal(processing?.attempts, 1);

    const result = resultWith('the quick brown fox');
    assert.equal(await store.completeTranscript(t.id, { result, audioDuration: 3.25, speechModel: 'whisper-tiny' }), true);
    const done = await store.getTranscript(projectId, t.id);
    assert.equal(done?.status, 'completed');
    assert.deepEqual(done?.result, result);
    assert.equal(done?.audioDuration, 3.25);
    assert.equal(done?.speechModel, 'whisper-tiny');
    assert.ok(done?.completedAt && done.completedAt >= done.createdAt);

    assert.equal(await store.completeTranscript(t.id, { result: resultWith('again') }), false);
    assert.equal(await store.failTranscript(t.id, 'late failure'), false);
    assert.equal(await store.markProcessing(t.id), false);
    assert.deepEqual((await store.getTranscript(projectId, t.id))?.result, result, 'a refused transition changes nothing');
    assert.equal(await store.markProcessing('00000000-0000-4000-8000-000000000000'), false);
  });

  test('lifecycle: failing from queued or processing records the error; failed jobs stay failed', async (env) => {
    const store = await env.open();
    const { projectId } = await store.createApiKey('p');
    const queued = await store.createTranscript(transcriptInput(projectId));
    assert.equal(await store.failTranscript(queued.id, 'audio_unsupported: not audio'), true);
    const failed = await store.getTranscript(projectId, queued.id);
    assert.equal(failed?.status, 'error');
    assert.equal(failed?.error, 'audio_unsupported: not audio');
    assert.equal(failed?.result, null);
    assert.equal(await store.markProcessing(queued.id), false);

    const running = await store.createTranscript(transcriptInput(projectId));
    await store.markProcessing(running.id);
    assert.equal(await store.failTranscript(running.id, 'x'.repeat(5000)), true);
    const clipped = await store.getTranscript(projectId, running.id);
    assert.ok(clipped!.error!.length <= 2000, 'huge messages are clipped');
  });

  test('delete erases content, keeps a tombstone, is idempotent and refuses unfinished jobs', async (env) => {
    const store = await env.open();
    const { projectId } = await store.createApiKey('p');
    const pending = await store.createTranscript(transcriptInput(projectId));
    await assert.rejects(store.deleteTranscript(projectId, pending.id), (e) => isEarshotError(e, 'transcript_in_progress'));

    const t = await completed(store, projectId, 'delete these words');
    const tomb = await store.deleteTranscript(projectId, t.id);
    assert.ok(tomb?.deletedAt);
    assert.equal(tomb?.status, 'completed', 'AssemblyAI keeps the status');
    for (const field of ['result', 'audioUrl', 'options'] as const) assert.equal(tomb?.[field], null, field);
    assert.equal(tomb?.webhookAuth, false);
    assert.deepEqual(await store.getTranscript(projectId, t.id), tomb);
    assert.equal((await store.getJob(t.id))?.webhookAuthHeaderValue, null);

    const [row] = await env.query<Record<string, unknown>>('select result, options, audio_url, webhook_auth_header_value, key_id from transcripts where id = ?', [t.id]);
    assert.deepEqual(row, { result: null, options: null, audio_url: null, webhook_auth_header_value: null, key_id: null });

    const again = await store.deleteTranscript(projectId, t.id);
    assert.equal(again?.deletedAt, tomb?.deletedAt);
    assert.equal(await store.completeTranscript(t.id, { result: resultWith('resurrected') }), false);
    const listed = (await store.listTranscripts(projectId)).transcripts.find((x) => x.id === t.id);
    assert.ok(listed?.deletedAt && listed.audioUrl === null, 'the list shows the tombstone');
  });

  test('webhook deliveries are appended and listed per transcript in order', async (env) => {
    const store = await env.open();
    const { projectId } = await store.createApiKey('p');
    const t = await completed(store, projectId, 'hello');
    const other = await completed(store, projectId, 'other');
    await store.appendWebhookDelivery({ transcriptId: t.id, attempt: 1, url: 'https://hooks.example/a', error: 'ECONNREFUSED' });
    await store.appendWebhookDelivery({ transcriptId: other.id, attempt: 1, url: 'https://hooks.example/b', statusCode: 200 });
    await store.appendWebhookDelivery({ transcriptId: t.id, attempt: 2, url: 'https://hooks.example/a', statusCode: 500, at: new Date('2030-01-01T00:00:00Z') });
    await store.appendWebhookDelivery({ transcriptId: t.id, attempt: 3, url: 'https://hooks.example/a', statusCode: 204 });
    const log = await store.listWebhookDeliveries(t.id);
    assert.deepEqual(log.map((d) => [d.attempt, d.statusCode, d.error]), [[1, null, 'ECONNREFUSED'], [2, 500, null], [3, 204, null]]);
    assert.equal(log[1].at, '2030-01-01T00:00:00.000Z');
    assert.deepEqual(await store.listWebhookDeliveries('00000000-0000-4000-8000-000000000000'), []);
  });
});
