/**
 * One key floods the queue; another key's single short job still runs next but one (issue 15
 * item 3), on the embedded server and on `earshot api` + `earshot worker` (BullMQ on Redis).
 * Checked by completion order, never by wall-clock time: without fair admission the quiet key's
 * job would be last of seven. Last, the request-rate quota counted once across two api processes.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { fileServer, newKey, startTestServer } from '../helpers/earshot-server.js';
import { librivoxClips } from '../helpers/librivox.js';
import { call, dumpOnFailure, longSpeech, startCluster, waitUntil } from '../scale/cluster.js';

const FLOOD = 6;
const clipPath = librivoxClips().find((c) => c.id.endsWith('0880'))!.path; // 3 s of speech

/** Ids in the order their transcripts completed. */
function completionOrder(rows: Array<{ id: string; completed: string | Date | null }>): string[] {
  return [...rows].sort((a, b) => new Date(a.completed!).getTime() - new Date(b.completed!).getTime()).map((r) => r.id);
}

test('embedded serve: a flooding key does not starve another key\'s job', async () => {
  // Flood jobs of about 12 s of speech, so few finish while the flood is being submitted.
  const long = await longSpeech([clipPath], 4);
  const files = await fileServer({ '/clip.wav': await readFile(clipPath), '/long.wav': await readFile(long.path) });
  await long.remove();
  const s = await startTestServer({ concurrency: 1, allowPrivateUrls: true });
  try {
    const flood: string[] = [];
    for (let i = 0; i < FLOOD; i++) flood.push((await s.call('POST', '/v2/transcript', { body: { audio_url: `${files.origin}/long.wav` } })).json.id);
    const quiet = (await s.call('POST', '/v2/transcript', { key: s.keyB, body: { audio_url: `${files.origin}/clip.wav` } })).json.id as string;
    // Flood jobs already started when the quiet one arrived (usually one): only these may finish before it.
    const startedBefore = (await s.call('GET', '/v2/transcript?limit=100')).json.transcripts.filter((t: { status: string }) => t.status !== 'queued').length;
    for (const id of flood) assert.equal((await s.waitFor(id, s.keyA, 120_000)).status, 'completed');
    assert.equal((await s.waitFor(quiet, s.keyB)).status, 'completed');

    const listed = [...(await s.call('GET', '/v2/transcript?limit=100')).json.transcripts, ...(await s.call('GET', '/v2/transcript', { key: s.keyB })).json.transcripts];
    const order = completionOrder(listed);
    assert.ok(startedBefore < FLOOD - 1, `the flood was nearly done before the quiet job arrived (${startedBefore} started); the check would prove nothing`);
    assert.ok(order.indexOf(quiet) <= startedBefore, `${startedBefore} flood job(s) had started; completion order: ${order.map((id) => (id === quiet ? 'QUIET' : 'flood')).join(' ')}`);
  } finally {
    await s.close();
    await files.close();
  }
});

test('api + worker (BullMQ): a flooding key does not starve another key\'s job', async (t) => {
  const flooder = newKey('flooder');
  const quietKey = newKey('quiet');
  const cluster = await startCluster(t, { EARSHOT_API_KEYS: `flood:${flooder},quiet:${quietKey}` });
  if (!cluster) return;
  const files = await fileServer({ '/clip.wav': await readFile(clipPath) });
  try {
    const api = await cluster.startApi();
    const body = { audio_url: `${files.origin}/clip.wav` };
    // Everything is queued before a worker exists, as behind busy workers.
    for (let i = 0; i < FLOOD; i++) assert.equal((await call(api.url, flooder, 'POST', '/v2/transcript', body)).status, 200);
    const quiet = (await call(api.url, quietKey, 'POST', '/v2/transcript', body)).json.id as string;
    await cluster.startWorker();
    const rows = await waitUntil(
      'every transcript to complete',
      async () => {
        const rows = await cluster.query<{ id: string; status: string; completed: Date | null }>('select id, status, completed_at as completed from transcripts');
        return rows.length === FLOOD + 1 && rows.every((r) => r.status === 'completed') ? rows : undefined;
      },
      180_000,
    );
    const order = completionOrder(rows);
    // Round one: each key's first job (the flood's arrived first); the quiet key's comes second.
    assert.equal(order.indexOf(quiet), 1, `completion order: ${order.map((id) => (id === quiet ? 'QUIET' : 'flood')).join(' ')}`);
  } catch (err) {
    dumpOnFailure(cluster, err);
  } finally {
    await files.close();
    await cluster.close();
  }
});

test('api processes share one request-rate count per project through Redis', async (t) => {
  const cluster = await startCluster(t, { EARSHOT_QUOTA_REQUESTS_PER_MINUTE: '4' });
  if (!cluster) return;
  try {
    const [first, second] = [await cluster.startApi(), await cluster.startApi()];
    for (const api of [first, second, first, second]) assert.equal((await call(api.url, cluster.key, 'GET', '/v2/transcript')).status, 200);
    const refused = await call(second.url, cluster.key, 'GET', '/v2/transcript');
    assert.equal(refused.status, 429, 'the fifth request of the minute, whichever process takes it');
    assert.match(refused.json.error, /4 per minute/);
    assert.equal((await call(first.url, cluster.key, 'GET', '/v2/transcript')).status, 429);
    assert.ok((await cluster.redis.keys(`${cluster.prefix}:rate:*`)).length > 0, 'counted under the installation\'s prefix');
  } catch (err) {
    dumpOnFailure(cluster, err);
  } finally {
    await cluster.close();
  }
});
