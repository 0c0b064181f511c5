import type { FastifyInstance, FastifyRequest } from 'fastify';
import { EarshotError } from '../errors.js';
import type { AuthContext, Store } from '../store/store.js';
import type { ApiKeyCache } from './read-cache.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller's key and project, set by the auth hook on every /v2 route. */
    auth: AuthContext | null;
  }
}

/** AssemblyAI's wording, which SDK users may already match on. */
export const UNAUTHORIZED_MESSAGE = 'Authentication error, API token missing/invalid';

/**
 * The key from an `authorization` header. AssemblyAI takes the bare key; `Bearer <key>` is
 * tolerated too, since OpenAI-style clients and most HTTP tools send it that way.
 */
export function apiKeyFromHeader(header: string | string[] | undefined): string | null {
  if (typeof header !== 'string') return null;
  const value = header.trim();
  const key = /^bearer\s+/i.test(value) ? value.replace(/^bearer\s+/i, '').trim() : value;
  return key === '' ? null : key;
}

/**
 * Adds the auth hook to every route of `app` (register it inside an encapsulated scope). With a
 * cache, a successful lookup is reused briefly (see read-cache.ts).
 */
export function requireApiKey(app: FastifyInstance, store: Store, cache?: ApiKeyCache): void {
  const lookup = (key: string) => store.authenticate(key);
  app.addHook('onRequest', async (request) => {
    const key = apiKeyFromHeader(request.headers.authorization);
    const auth = key === null ? null : cache ? await cache.authenticate(key, lookup) : await lookup(key);
    if (!auth) throw new EarshotError('unauthorized', UNAUTHORIZED_MESSAGE);
    request.auth = auth;
  });
}

/** The caller's project; the hook guarantees it is set on /v2 routes. */
export function projectOf(request: FastifyRequest): string {
  if (!request.auth) throw new EarshotError('unauthorized', UNAUTHORIZED_MESSAGE);
  return request.auth.projectId;
}
