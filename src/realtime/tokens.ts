/**
 * Temporary streaming tokens (`GET /v3/token?expires_in_seconds=`), for clients that must not
 * hold an API key, such as a browser: the server hands one to the app's backend, the browser
 * connects with `?token=`. A token is the key's project and key id, an expiry and an optional
 * session-length cap, signed with HMAC-SHA256 under a server secret, so nothing is stored to
 * check one; each is good for one session, as AssemblyAI's are (used-tokens.ts remembers which
 * were redeemed).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { EarshotError } from '../errors.js';
import type { AuthContext } from '../store/store.js';
import { MemoryUsedTokens, type UsedTokens } from './used-tokens.js';

/** AssemblyAI's bounds for `expires_in_seconds` and `max_session_duration_seconds`. */
export const TOKEN_TTL_SECONDS = { min: 1, max: 600 } as const;
export const TOKEN_SESSION_SECONDS = { min: 60, max: 10_800 } as const;

const PREFIX = 'est1';

export interface TokenClaims extends AuthContext {
  /** Unix ms after which the token is refused. */
  expiresAt: number;
  /** Cap on the session it opens, in seconds. */
  maxSessionSeconds?: number;
  nonce: string;
}

interface Payload {
  k: string;
  p: string;
  e: number;
  m?: number;
  n: string;
}

export class StreamTokens {
  private readonly secret: Buffer;

  /**
   * `secret`: shared by every server instance that should accept the same tokens; random otherwise.
   * `used`: shared by the same instances (RedisUsedTokens), so a token opens one session in all.
   */
  constructor(
    secret?: string,
    private readonly now: () => number = Date.now,
    private readonly used: UsedTokens = new MemoryUsedTokens(now),
  ) {
    this.secret = secret ? Buffer.from(secret, 'utf8') : randomBytes(32);
  }

  issue(auth: AuthContext, expiresInSeconds: number, maxSessionSeconds?: number): string {
    const payload: Payload = { k: auth.keyId, p: auth.projectId, e: this.now() + expiresInSeconds * 1000, n: randomBytes(12).toString('base64url') };
    if (maxSessionSeconds !== undefined) payload.m = maxSessionSeconds;
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${PREFIX}.${body}.${this.sign(body)}`;
  }

  /** The token's claims; throws `unauthorized` when it is malformed, forged, expired or used. */
  async redeem(token: string): Promise<TokenClaims> {
    const claims = this.verify(token);
    if (!(await this.used.claim(claims.nonce, claims.expiresAt))) throw unauthorized('Temporary token already used: each token opens one session.');
    return claims;
  }

  private verify(token: string): TokenClaims {
    const [prefix, body, signature, extra] = token.split('.');
    if (prefix !== PREFIX || !body || !signature || extra !== undefined) throw unauthorized('Invalid temporary token.');
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw unauthorized('Invalid temporary token.');
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Payload;
    if (this.now() >= payload.e) throw unauthorized('Temporary token expired: request a new one from GET /v3/token.');
    const claims: TokenClaims = { keyId: payload.k, projectId: payload.p, expiresAt: payload.e, nonce: payload.n };
    if (payload.m !== undefined) claims.maxSessionSeconds = payload.m;
    return claims;
  }

  private sign(body: string): string {
    return createHmac('sha256', this.secret).update(`${PREFIX}.${body}`).digest('base64url');
  }
}

function unauthorized(message: string): EarshotError {
  return new EarshotError('unauthorized', message);
}
