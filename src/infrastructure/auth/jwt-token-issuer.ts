import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { TokenIssuer } from '../../application/ports/token-issuer';

/** HS256 only: a token signed with another algorithm, `alg: none` included, is refused. */
export class JwtTokenIssuer implements TokenIssuer {
  // Given a string, jsonwebtoken first tries it as a public key on every call; a key object skips that.
  private readonly key: KeyObject;

  constructor(
    secret: string,
    private readonly lifetimeSeconds: number,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.key = createSecretKey(Buffer.from(secret));
  }

  issue(accountId: number): string {
    return jwt.sign({ sub: String(accountId), iat: Math.floor(this.now().getTime() / 1000) }, this.key, { algorithm: 'HS256', expiresIn: this.lifetimeSeconds, audience: 'educator-provisioning' });
  }

  verify(token: string): number | null {
    try {
      const payload = jwt.verify(token, this.key, {
        algorithms: ['HS256'],
        audience: 'educator-provisioning',
        // Our tokens always carry iat and exp; maxAge also bounds one that somehow lacks exp.
        maxAge: this.lifetimeSeconds,
        clockTimestamp: Math.floor(this.now().getTime() / 1000),
      });
      const accountId = typeof payload === 'object' ? Number(payload.sub) : NaN;
      return Number.isSafeInteger(accountId) && accountId > 0 ? accountId : null;
    } catch {
      return null;
    }
  }
}
