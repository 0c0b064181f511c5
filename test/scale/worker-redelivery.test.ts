/**
 * A worker can die after writing a transcript's final status and before scheduling its webhook;
 * BullMQ then delivers the job again. An `earshot worker` (takeOver) schedules the webhook on that
 * delivery; `serve` (whose in-process queue never redelivers) leaves a finished transcript alone.
 * Real store (SQLite), real signed webhook to a local receiver.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { UploadVault } from '../../src/audio/upload-vault.js';
import { EngineCache } from '../../src/engines/registry.js';
import { MemoryQueue } from '../../src/queue/memory-queue.js';
import { toStoredResult } from '../../src/queue/stored-result.js';
import { UploadLeases } from '../../src/queue/upload-leases.js';
import { TranscriptWorker } from '../../src/queue/worker.js';
import { openStore, type Store } from '../../src/store/store.js';
import { WebhookSender } from '../../src/webhooks/sender.js';
import { silentLogger, testKeyring } from '../store/backends.js';
import { webhookReceiver } from './cluster.js';

async function finishedTranscript(store: Store, webhookUrl: string): Promise<string> {
  const { projectId } = await store.createApiKey('redelivery');
  const record = await store.createTranscript({ projectId, audioKind: 'url', audioUrl: 'https://example.com/a.wav', webhookUrl });
  assert.ok(await store.markProcessing(record.id));
  const transcript = { words: [], segments: [], durationMs: 1000, language: 'en', model: 'pocketsphinx' };
  assert.ok(await store.completeTranscript(record.id, { result: toStoredResult(transcript), audioDuration: 1 }));
  return record.id;
}

for (const takeOver of [true, false]) {
  test(`a finished transcript delivered again ${takeOver ? 'gets its webhook scheduled (earshot worker)' : 'is left alone (serve)'}`, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'earshot-redelivery-'));
    const store = await openStore({ dataDir: dir }, { keyring: testKeyring(), logger: silentLogger });
    const hooks = await webhookReceiver();
    const vault = new UploadVault({ maxTotalBytes: 1024, ttlMs: 60_000 });
    const queue = new MemoryQueue();
    const engines = new EngineCache();
    const sender = new WebhookSender({ secret: 'secret', maxAttempts: 1, allowPrivateNetworks: true });
    try {
      const id = await finishedTranscript(store, hooks.url);
      const worker = new TranscriptWorker({
        store,
        vault,
        leases: new UploadLeases(vault, 60_000),
        engines,
        queue,
        webhooks: sender,
        remote: { maxBytes: 1024, timeoutMs: 1000, allowPrivateNetworks: true },
        logger: { info() {}, warn() {}, error() {} },
        redactedAudio: null,
        takeOver,
      });
      await worker.handle(id, new AbortController().signal);
      await sender.drain();
      assert.deepEqual(hooks.calls, takeOver ? [{ transcript_id: id, status: 'completed' }] : []);
      assert.equal((await store.getJob(id))!.status, 'completed', 'the result stands');
    } finally {
      await sender.close();
      await queue.close();
      vault.close();
      await engines.close();
      await hooks.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
}
