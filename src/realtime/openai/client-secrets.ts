/**
 * Ephemeral client secrets for the OpenAI protocol (`POST /v1/realtime/client_secrets`, the SDK's
 * `client.realtime.clientSecrets.create()`), so a browser never holds the API key. Built like the
 * v3 temporary tokens (../tokens.ts): the key's project and id, an expiry and the session
 * configuration to start with, signed with HMAC-SHA256 under the same server secret
 * (`--stream-token-secret`), so nothing is stored and every API process accepts them. As OpenAI's,
 * a secret opens any number of sessions until it expires (10 s to 2 h, 10 min by default), and
 * dies with the key that made it.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { EarshotError } from '../../errors.js';
import type { AuthContext } from '../../store/store.js';
import type { TranscriptionConfig } from './session-config.js';

export const SECRET_PREFIX = 'ek_';
/** OpenAI's bounds and default for `expires_after.seconds`. */
export const SECRET_TTL_SECONDS = { min: 10, max: 7200, default: 600 } as const;

export interface SecretClaims extends AuthContext {
  /** Unix ms after which the secret is refused. */
  expiresAt: number;
  config: TranscriptionConfig;
}

interface Payload {
  k: string;
  p: string;
  e: number;
  c: TranscriptionConfig;
  n: string;
}

export class ClientSecrets {
  private readonly key: Buffer;

  constructor(
    secret?: string,
    private readonly now: () => number = Date.now,
  ) {
    // Its own key derived from the shared secret: a v3 token is never an OpenAI secret, nor back.
    this.key = createHmac('sha256', secret ? Buffer.from(secret, 'utf8') : randomBytes(32)).update('earshot openai client secret').digest();
  }

  issue(auth: AuthContext, expiresInSeconds: number, config: TranscriptionConfig): { value: string; expiresAt: number } {
    const payload: Payload = { k: auth.keyId, p: auth.projectId, e: this.now() + expiresInSeconds * 1000, c: config, n: randomBytes(9).toString('base64url') };
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return { value: `${SECRET_PREFIX}${body}.${this.sign(body)}`, expiresAt: payload.e };
  }

  static looksLikeSecret(value: string): boolean {
    return value.startsWith(SECRET_PREFIX);
  }

  /** The secret's claims; throws `unauthorized` when it is malformed, forged or expired. */
  verify(value: string): SecretClaims {
    const [body, signature, extra] = value.slice(SECRET_PREFIX.length).split('.');
    if (!value.startsWith(SECRET_PREFIX) || !body || !signature || extra !== undefined) throw unauthorized('Invalid client secret.');
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw unauthorized('Invalid client secret.');
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Payload;
    if (this.now() >= payload.e) throw unauthorized('Client secret expired: request a new one from POST /v1/realtime/client_secrets.');
    return { keyId: payload.k, projectId: payload.p, expiresAt: payload.e, config: payload.c };
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}

function unauthorized(message: string): EarshotError {
  return new EarshotError('unauthorized', message);
}
