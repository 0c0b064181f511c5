import assert from 'node:assert/strict';
import { describeBackends } from './backends.js';
import { completed, transcriptInput } from './helpers.js';

describeBackends('restart recovery', (test) => {
  test('after a restart, jobs left queued or processing are listed and put back in the queue', async (env) => {
    const before = await env.open();
    const { projectId } = await before.createApiKey('p');
    const queued = await before.createTranscript(transcriptInput(projectId));
    const running = await before.createTranscript(transcriptInput(projectId));
    await before.markProcessing(running.id);
    const done = await completed(before, projectId, 'finished before the crash');
    const failed = await before.createTranscript(transcriptInput(projectId));
    await before.failTranscript(failed.id, 'bad audio');
    await before.close(); // the process "dies" here, with `running` mid-flight

    const after = await env.open();
    const unfinished = await after.listUnfinished();
    assert.deepEqual(unfinished.map((j) => [j.id, j.status]), [[queued.id, 'queued'], [running.id, 'processing']]);
    assert.equal(unfinished[1].webhookAuthHeaderValue, 'hook-secret', 'jobs carry what the worker needs');

    const recovered = await after.claimInterrupted();
    assert.deepEqual(recovered.queued.map((j) => [j.id, j.status, j.attempts]), [[queued.id, 'queued', 0], [running.id, 'queued', 1]]);
    assert.deepEqual(recovered.failed, []);
    assert.equal((await after.getTranscript(projectId, done.id))?.status, 'completed', 'finished jobs are untouched');
    assert.equal((await after.getTranscript(projectId, failed.id))?.status, 'error');

    assert.equal(await after.markProcessing(running.id), true, 'the reclaimed job can run again');
    assert.equal((await after.getJob(running.id))?.attempts, 2);
  });

  test("a running process's own jobs are not reclaimed, nor recent ones when claimedBefore is given", async (env) => {
    const store = await env.open();
    const { projectId } = await store.createApiKey('p');
    const mine = await store.createTranscript(transcriptInput(projectId));
    await store.markProcessing(mine.id);
    assert.deepEqual((await store.claimInterrupted()).queued, []);
    assert.equal((await store.getJob(mine.id))?.status, 'processing');

    // A second server on the same database must not steal a job that is still being worked on.
    const other = await env.open();
    const hourAgo = new Date(Date.now() - 3_600_000);
    assert.deepEqual(await other.claimInterrupted({ claimedBefore: hourAgo }), { queued: [], failed: [] });
    assert.equal((await store.getJob(mine.id))?.status, 'processing');
    const stolen = await other.claimInterrupted({ claimedBefore: new Date(Date.now() + 1000) });
    assert.deepEqual(stolen.queued.map((j) => j.id), [mine.id], 'past the threshold it is reclaimed');
  });

  test('a job interrupted maxAttempts times fails instead of crash-looping the server', async (env) => {
    let store = await env.open();
    const { projectId } = await store.createApiKey('p');
    const poison = await store.createTranscript(transcriptInput(projectId));
    const healthy = await store.createTranscript(transcriptInput(projectId));
    for (let crash = 1; crash <= 3; crash++) {
      await store.close();
      store = await env.open();
      const { queued, failed } = await store.claimInterrupted({ maxAttempts: 3 });
      assert.deepEqual(failed, [], `attempt ${crash} is still retried`);
      assert.ok(queued.some((j) => j.id === poison.id));
      await store.markProcessing(poison.id);
    }
    await store.close();
    store = await env.open();
    const { queued, failed } = await store.claimInterrupted({ maxAttempts: 3 });
    assert.deepEqual(failed.map((j) => [j.id, j.status, j.attempts]), [[poison.id, 'error', 3]]);
    assert.match(failed[0].error ?? '', /interrupted 3 times/);
    assert.deepEqual(queued.map((j) => j.id), [healthy.id]);
    assert.deepEqual((await store.listUnfinished()).map((j) => j.id), [healthy.id]);
  });
});
