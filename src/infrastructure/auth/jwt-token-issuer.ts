import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt, { type JwtPayload } from 'jsonwebtoken';
import type { TokenClaims, TokenIssuer } from '../../application/ports/token-issuer';

/** Genuine tokens remembered per process; the oldest is forgotten first. */
const REMEMBERED_TOKENS = 1000;

/** HS256 only: a token signed with another algorithm, `alg: none` included, is refused. */
export class JwtTokenIssuer implements TokenIssuer {
  // Given a string, jsonwebtoken first tries it as a public key on every call; a key object skips that.
  private readonly key: KeyObject;
  /**
   * A staff member's client sends the same token with every request, and checking it again was costly
   * (docs/adr/0009). What a genuine token says cannot change; its expiry is still compared with the clock on every use,
   * and its credentials version with the account's (read per request), so an ended token ends at once in every process.
   */
  private readonly genuine = new Map<string, TokenClaims & { validUntilMs: number }>();

  constructor(
    secret: string,
    private readonly lifetimeSeconds: number,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.key = createSecretKey(Buffer.from(secret));
  }

  issue(accountId: number, credentialsVersion: number): string {
    return jwt.sign({ sub: String(accountId), cv: credentialsVersion, iat: Math.floor(this.now().getTime() / 1000) }, this.key, {
      algorithm: 'HS256',
      expiresIn: this.lifetimeSeconds,
      audience: 'educator-provisioning',
    });
  }

  verify(token: string): TokenClaims | null {
    const known = this.genuine.get(token);
    if (known) return this.now().getTime() < known.validUntilMs ? { accountId: known.accountId, credentialsVersion: known.credentialsVersion } : null;
    try {
      const payload = jwt.verify(token, this.key, {
        algorithms: ['HS256'],
        audience: 'educator-provisioning',
        // Our tokens always carry iat and exp; maxAge also bounds one that somehow lacks exp.
        maxAge: this.lifetimeSeconds,
        clockTimestamp: Math.floor(this.now().getTime() / 1000),
      });
      const accountId = typeof payload === 'object' ? Number(payload.sub) : NaN;
      if (!Number.isSafeInteger(accountId) || accountId <= 0 || typeof payload !== 'object') return null;
      // Tokens from before credentials versions existed stand for version 0, every account's first.
      const credentialsVersion = payload.cv === undefined ? 0 : Number(payload.cv);
      if (!Number.isSafeInteger(credentialsVersion)) return null;
      this.remember(token, { accountId, credentialsVersion }, payload);
      return { accountId, credentialsVersion };
    } catch {
      return null;
    }
  }

  /** Valid until the earlier of its own expiry and its issue time plus our lifetime (jsonwebtoken's maxAge above). */
  private remember(token: string, claims: TokenClaims, payload: JwtPayload): void {
    const limits = [payload.exp, payload.iat === undefined ? undefined : payload.iat + this.lifetimeSeconds].filter(
      (seconds): seconds is number => seconds !== undefined,
    );
    if (limits.length === 0) return;
    if (this.genuine.size >= REMEMBERED_TOKENS) this.genuine.delete(this.genuine.keys().next().value!);
    this.genuine.set(token, { ...claims, validUntilMs: Math.min(...limits) * 1000 });
  }
}
