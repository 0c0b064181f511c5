/**
 * HTTP timing for every route and GET /metrics (issue 12 item 6). Registered first on the root
 * instance, with encapsulation skipped, so its hooks see every route registered after it.
 *
 * /metrics takes no key: Prometheus scrapes it, and nothing in it names a tenant, key, transcript
 * or raw URL (routes are labelled by their pattern). Where the API port is public, keep /metrics
 * off the internet at the proxy (docs/observability.md).
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { EarshotMetrics } from './metrics.js';

/** Requests no route matched: one label value, never the path asked for. */
const UNMATCHED = 'unmatched';

const plugin: FastifyPluginAsync<{ metrics: EarshotMetrics }> = async (app: FastifyInstance, { metrics }) => {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? UNMATCHED;
    metrics.httpDuration.observe(
      { route, method: request.method, status_class: `${Math.floor(reply.statusCode / 100)}xx` },
      reply.elapsedTime / 1000,
    );
  });
  // The request id travels back, so a client's report can be matched to the server's log lines.
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    const { contentType, body } = await metrics.scrape();
    return reply.type(contentType).send(body);
  });
};
// What fastify-plugin does: the hooks apply to the whole server, not only inside this plugin.
(plugin as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;

export const httpMetrics = plugin;
