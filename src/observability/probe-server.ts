/**
 * A small HTTP server with only /metrics, /healthz and /readyz, for processes that serve no API
 * (`earshot worker`): Prometheus and the orchestrator reach them on their own port.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { httpMetrics } from './http-metrics.js';
import type { EarshotMetrics } from './metrics.js';
import { probeRoutes } from './probe-routes.js';
import type { Readiness } from './readiness.js';

export interface ProbeServer {
  /** Where it listens, e.g. http://127.0.0.1:9464. */
  url: string;
  close(): Promise<void>;
}

export async function startProbeServer(options: { port: number; host: string; metrics: EarshotMetrics; readiness: readonly Readiness[] }): Promise<ProbeServer> {
  const app: FastifyInstance = Fastify({ logger: false });
  await app.register(httpMetrics, { metrics: options.metrics });
  await app.register(probeRoutes, { readiness: options.readiness });
  const address = await app.listen({ port: options.port, host: options.host });
  return { url: address, close: () => app.close() };
}
