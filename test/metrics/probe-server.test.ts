/**
 * The probe server a process without the API (`earshot worker`) runs: /metrics of its own
 * registry, /healthz, and /readyz naming a dependency that fails or never answers.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EarshotMetrics } from '../../src/observability/metrics.js';
import { startProbeServer } from '../../src/observability/probe-server.js';
import { parsePrometheus, sampleValue } from './prometheus-text.js';

test('probe server: /readyz names the failing and the silent dependency; /metrics counts the probes', async () => {
  const metrics = new EarshotMetrics();
  let databaseUp = true;
  const server = await startProbeServer({
    port: 0,
    host: '127.0.0.1',
    metrics,
    readiness: [
      { name: 'database', check: async () => { if (!databaseUp) throw new Error('connect ECONNREFUSED 127.0.0.1:5432'); } },
      { name: 'redis', check: () => (databaseUp ? Promise.resolve() : new Promise<void>(() => {})) },
    ],
  });
  try {
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
    const ready = await fetch(`${server.url}/readyz`);
    assert.equal(ready.status, 200);
    databaseUp = false;
    const down = await fetch(`${server.url}/readyz`);
    assert.equal(down.status, 503);
    assert.deepEqual(await down.json(), {
      status: 'not_ready',
      checks: [
        { name: 'database', ok: false, error: 'connect ECONNREFUSED 127.0.0.1:5432' },
        { name: 'redis', ok: false, error: 'no answer within 2000 ms' },
      ],
    });
    // Still alive: liveness never depends on the dependencies.
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);

    const samples = parsePrometheus(await (await fetch(`${server.url}/metrics`)).text());
    const count = (status_class: string) => sampleValue(samples, 'earshot_http_request_duration_seconds_count', { route: '/readyz', method: 'GET', status_class });
    assert.equal(count('2xx'), 1);
    assert.equal(count('5xx'), 1);
    assert.equal(sampleValue(samples, 'earshot_http_request_duration_seconds_count', { route: '/healthz', method: 'GET', status_class: '2xx' }), 2);
  } finally {
    await server.close();
  }
});

test('two registries in one process keep their own counts; only the last failed attempt is a give-up', async () => {
  const a = new EarshotMetrics();
  const b = new EarshotMetrics();
  a.jobTransitions.inc({ status: 'queued' });
  a.webhookAttempt({ attempt: 3, error: 'HTTP 500' }, 3);
  b.webhookAttempt({ attempt: 1, error: 'HTTP 500' }, 3);
  b.webhookAttempt({ attempt: 2, error: null }, 3);
  const [sa, sb] = await Promise.all([a.scrape(), b.scrape()]).then((r) => r.map((x) => parsePrometheus(x.body)));
  assert.equal(sampleValue(sa, 'earshot_job_transitions_total', { status: 'queued' }), 1);
  assert.equal(sampleValue(sb, 'earshot_job_transitions_total', { status: 'queued' }), 0);
  assert.equal(sampleValue(sa, 'earshot_webhook_deliveries_failed_total'), 1);
  assert.equal(sampleValue(sb, 'earshot_webhook_deliveries_failed_total'), 0);
  assert.equal(sampleValue(sb, 'earshot_webhook_attempts_total', { result: 'failed' }), 1);
  assert.equal(sampleValue(sb, 'earshot_webhook_attempts_total', { result: 'ok' }), 1);
});
