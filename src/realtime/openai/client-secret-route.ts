/**
 * `POST /v1/realtime/client_secrets` `{ expires_after?: { anchor, seconds }, session? }` →
 * `{ value, expires_at, session }` (the `openai` SDK's ClientSecretCreateResponse). Authenticated
 * with the API key (`Authorization: Bearer`); errors use OpenAI's body, `{ error: { message,
 * type, param, code } }`.
 */
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { requireApiKey } from '../../api/auth.js';
import { apiKeySecurity } from '../../api/schemas/common.js';
import { EarshotError } from '../../errors.js';
import type { Store } from '../../store/store.js';
import { SECRET_TTL_SECONDS, type ClientSecrets } from './client-secrets.js';
import { newId, RealtimeEventError } from './events.js';
import { applySessionUpdate, defaultConfig, renderSession } from './session-config.js';

export interface ClientSecretRouteDeps {
  store: Store;
  secrets: ClientSecrets;
  engineName: string;
  models: readonly string[];
}

export const clientSecretRoutes: FastifyPluginAsync<ClientSecretRouteDeps> = async (app, deps) => {
  requireApiKey(app, deps.store);
  app.post('/v1/realtime/client_secrets', { schema: { tags: ['streaming'], summary: 'An ephemeral client secret for wss://…/v1/realtime (OpenAI Realtime transcription)', security: apiKeySecurity } }, async (request, reply) => {
    if (!request.auth) throw new EarshotError('unauthorized', 'Missing API key.');
    const body = (request.body ?? {}) as Record<string, unknown>;
    try {
      if (typeof body !== 'object' || Array.isArray(body)) throw new RealtimeEventError('invalid_type', 'The body must be a JSON object.');
      for (const name of Object.keys(body)) {
        if (name !== 'expires_after' && name !== 'session') throw new RealtimeEventError('unknown_parameter', `Unknown parameter: '${name}'.`, name);
      }
      let ttl: number = SECRET_TTL_SECONDS.default;
      if (body.expires_after !== undefined) {
        const after = body.expires_after as Record<string, unknown>;
        if (typeof after !== 'object' || after === null) throw new RealtimeEventError('invalid_type', "Invalid type for 'expires_after': expected an object.", 'expires_after');
        if (after.anchor !== undefined && after.anchor !== 'created_at') throw new RealtimeEventError('invalid_value', "Invalid value for 'expires_after.anchor': only created_at.", 'expires_after.anchor');
        if (after.seconds !== undefined) {
          const s = after.seconds;
          if (typeof s !== 'number' || !Number.isInteger(s) || s < SECRET_TTL_SECONDS.min || s > SECRET_TTL_SECONDS.max) {
            throw new RealtimeEventError('invalid_value', `Invalid value for 'expires_after.seconds': a whole number from ${SECRET_TTL_SECONDS.min} to ${SECRET_TTL_SECONDS.max}.`, 'expires_after.seconds');
          }
          ttl = s;
        }
      }
      const config = body.session === undefined ? defaultConfig(deps.engineName) : applySessionUpdate(defaultConfig(deps.engineName), body.session, 'ga', deps.models);
      const { value, expiresAt } = deps.secrets.issue(request.auth, ttl, config);
      const expires_at = Math.floor(expiresAt / 1000);
      return { value, expires_at, session: renderSession(config, 'ga', { id: newId('sess'), expiresAt: expires_at }) };
    } catch (err) {
      if (err instanceof RealtimeEventError) return sendError(reply, err);
      throw err;
    }
  });
};

function sendError(reply: FastifyReply, err: RealtimeEventError): FastifyReply {
  return reply.code(400).send({ error: { message: err.message, type: err.type, param: err.param, code: err.code } });
}
