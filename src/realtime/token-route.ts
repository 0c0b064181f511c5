/**
 * `GET /v3/token?expires_in_seconds=&max_session_duration_seconds=` → `{ token }`, the SDK's
 * `client.streaming.createTemporaryToken()`. Authenticated with an API key like the v2 routes;
 * the token is bound to that key (its session limit) and project.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { requireApiKey } from '../api/auth.js';
import { apiKeySecurity, ErrorResponse } from '../api/schemas/common.js';
import { EarshotError } from '../errors.js';
import type { Store } from '../store/store.js';
import { TOKEN_SESSION_SECONDS, TOKEN_TTL_SECONDS, type StreamTokens } from './tokens.js';

export interface TokenRouteDeps {
  store: Store;
  tokens: StreamTokens;
}

const TokenQuery = Type.Object({
  expires_in_seconds: Type.Integer({ minimum: TOKEN_TTL_SECONDS.min, maximum: TOKEN_TTL_SECONDS.max, description: 'How long the token can be used to open a session' }),
  max_session_duration_seconds: Type.Optional(
    Type.Integer({ minimum: TOKEN_SESSION_SECONDS.min, maximum: TOKEN_SESSION_SECONDS.max, description: 'Cap on the length of the session the token opens' }),
  ),
});

export const tokenRoutes: FastifyPluginAsync<TokenRouteDeps> = async (app, deps) => {
  requireApiKey(app, deps.store);
  app.get<{ Querystring: { expires_in_seconds: number; max_session_duration_seconds?: number } }>(
    '/v3/token',
    {
      schema: {
        tags: ['streaming'],
        summary: 'A single-use temporary token for wss://…/v3/ws?token=…, for clients that must not hold the API key',
        security: apiKeySecurity,
        querystring: TokenQuery,
        response: { 200: Type.Object({ token: Type.String() }), 400: Type.Ref(ErrorResponse), 401: Type.Ref(ErrorResponse) },
      },
    },
    async (request) => {
      if (!request.auth) throw new EarshotError('unauthorized', 'Missing API key.');
      const { expires_in_seconds: ttl, max_session_duration_seconds: maxSession } = request.query;
      return { token: deps.tokens.issue(request.auth, ttl, maxSession) };
    },
  );
};
