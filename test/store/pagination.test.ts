import assert from 'node:assert/strict';
import { isEarshotError } from '../../src/errors.js';
import type { Store } from '../../src/store/store.js';
import { describeBackends } from './backends.js';
import { resultWith, transcriptInput } from './helpers.js';

/** Creates `n` transcripts in project A, with project B's interleaved so scoping is exercised. */
async function seed(store: Store, n: number) {
  const a = await store.createApiKey('a');
  const b = await store.createApiKey('b');
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    ids.push((await store.createTranscript(transcriptInput(a.projectId, { audioUrl: `https://audio.example/${i}.mp3` }))).id);
    await store.createTranscript(transcriptInput(b.projectId));
  }
  return { a: a.projectId, b: b.projectId, ids };
}

describeBackends('transcript list', (test) => {
  test('newest first; before_id pages to older transcripts until none are left', async (env) => {
    const store = await env.open();
    const { a, ids } = await seed(store, 7);
    const [t1, t2, t3, t4, t5, t6, t7] = ids;

    const first = await store.listTranscripts(a, { limit: 3 });
    assert.deepEqual(first.transcripts.map((t) => t.id), [t7, t6, t5]);
    assert.deepEqual([first.hasNewer, first.hasOlder], [false, true]);
    assert.equal(first.transcripts[0].audioUrl, 'https://audio.example/6.mp3', 'list items carry the decrypted audio_url');

    const second = await store.listTranscripts(a, { limit: 3, beforeId: t5 });
    assert.deepEqual(second.transcripts.map((t) => t.id), [t4, t3, t2]);
    assert.deepEqual([second.hasNewer, second.hasOlder], [true, true]);

    const last = await store.listTranscripts(a, { limit: 3, beforeId: t2 });
    assert.deepEqual(last.transcripts.map((t) => t.id), [t1]);
    assert.deepEqual([last.hasNewer, last.hasOlder], [true, false]);

    const beyond = await store.listTranscripts(a, { limit: 3, beforeId: t1 });
    assert.deepEqual(beyond.transcripts, []);
    assert.deepEqual([beyond.hasNewer, beyond.hasOlder], [true, false]);

    assert.equal((await store.listTranscripts(a)).transcripts.length, 7, 'default limit 10');
  });

  test('after_id returns the page right after the cursor, still newest first', async (env) => {
    const store = await env.open();
    const { a, ids } = await seed(store, 7);
    const [t1, t2, t3, t4, , t6, t7] = ids;

    const page = await store.listTranscripts(a, { limit: 3, afterId: t1 });
    assert.deepEqual(page.transcripts.map((t) => t.id), [t4, t3, t2], 'adjacent to t1, not the newest three');
    assert.deepEqual([page.hasNewer, page.hasOlder], [true, true]);

    const top = await store.listTranscripts(a, { limit: 3, afterId: ids[4] });
    assert.deepEqual(top.transcripts.map((t) => t.id), [t7, t6]);
    assert.deepEqual([top.hasNewer, top.hasOlder], [false, true]);

    const none = await store.listTranscripts(a, { limit: 3, afterId: t7 });
    assert.deepEqual(none.transcripts, []);
    assert.deepEqual([none.hasNewer, none.hasOlder], [false, true]);

    const between = await store.listTranscripts(a, { limit: 10, afterId: t2, beforeId: t6 });
    assert.deepEqual(between.transcripts.map((t) => t.id), [ids[4], t4, t3]);
  });

  test('status and created_on filter; cursors from another project give an empty page', async (env) => {
    const store = await env.open();
    const { a, b, ids } = await seed(store, 5);
    for (const id of [ids[1], ids[3]]) {
      await store.markProcessing(id);
      await store.completeTranscript(id, { result: resultWith('done') });
    }
    await store.failTranscript(ids[4], 'broken');

    const done = await store.listTranscripts(a, { status: 'completed' });
    assert.deepEqual(done.transcripts.map((t) => t.id), [ids[3], ids[1]]);
    assert.ok(done.transcripts.every((t) => t.status === 'completed' && t.completedAt !== null));
    assert.deepEqual((await store.listTranscripts(a, { status: 'error' })).transcripts.map((t) => [t.id, t.error]), [[ids[4], 'broken']]);
    const olderDone = await store.listTranscripts(a, { status: 'completed', limit: 1, beforeId: ids[3] });
    assert.deepEqual(olderDone.transcripts.map((t) => t.id), [ids[1]]);
    assert.equal(olderDone.hasOlder, false);

    // Day boundaries are UTC and half-open: [00:00, next 00:00).
    const stamps = ['2024-03-09T23:59:59.999Z', '2024-03-10T00:00:00.000Z', '2024-03-10T23:59:59.999Z', '2024-03-11T00:00:00.000Z'];
    for (const [i, at] of stamps.entries()) await env.query('update transcripts set created_at = ? where id = ?', [at, ids[i]]);
    const onDay = await store.listTranscripts(a, { createdOn: '2024-03-10' });
    assert.deepEqual(onDay.transcripts.map((t) => [t.id, t.createdAt]), [[ids[2], stamps[2]], [ids[1], stamps[1]]]);
    assert.equal((await store.listTranscripts(a, { createdOn: '2001-01-01' })).transcripts.length, 0);

    const bIds = (await store.listTranscripts(b)).transcripts.map((t) => t.id);
    assert.deepEqual((await store.listTranscripts(a, { beforeId: bIds[0] })).transcripts, []);
    assert.deepEqual((await store.listTranscripts(a, { afterId: 'no-such-id' })).transcripts, []);
  });

  test('invalid limits, statuses and dates are bad requests', async (env) => {
    const store = await env.open();
    const { projectId } = await store.createApiKey('p');
    for (const query of [{ limit: 0 }, { limit: 201 }, { limit: 2.5 }, { status: 'done' as never }, { createdOn: '2024-13-01' }, { createdOn: '2024-02-30' }, { createdOn: 'yesterday' }]) {
      await assert.rejects(store.listTranscripts(projectId, query), (e) => isEarshotError(e, 'invalid_request'), JSON.stringify(query));
    }
    assert.equal((await store.listTranscripts(projectId, { limit: 200 })).limit, 200);
  });
});
