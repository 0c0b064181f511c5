/**
 * Slow and idle clients (issue 15 item 4): the HTTP(S) server's own timeouts and connection cap,
 * so a client that trickles its headers or body, or parks idle connections, holds a socket for a
 * bounded time and cannot take every socket. Node enforces all of them; this only sets them.
 */
import type { Server as HttpServer, ServerOptions } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { HttpLimits } from '../app/config.js';

/**
 * Options only `createServer` takes. Node checks request and header deadlines on a timer (every
 * 30 s by default), so a 5 s deadline could hold a socket for 35 s; a second is cheap and close.
 */
export function serverCreationOptions(limits: HttpLimits): ServerOptions {
  const deadlines = [limits.requestTimeoutMs, limits.headersTimeoutMs].filter((ms) => ms > 0);
  return { connectionsCheckingInterval: Math.max(100, Math.min(1000, ...deadlines.map((ms) => ms / 2))) };
}

export function applyHttpLimits(server: HttpServer | HttpsServer, limits: HttpLimits): void {
  server.requestTimeout = limits.requestTimeoutMs;
  // Node wants the headers' deadline within the request's (0 there means none).
  server.headersTimeout = limits.requestTimeoutMs > 0 ? Math.min(limits.headersTimeoutMs || limits.requestTimeoutMs, limits.requestTimeoutMs) : limits.headersTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.maxRequestsPerSocket = limits.maxRequestsPerSocket > 0 ? limits.maxRequestsPerSocket : null;
  server.maxConnections = limits.maxConnections;
  server.setTimeout(limits.idleTimeoutMs);
}
