import jwt from 'jsonwebtoken';
import type { TokenIssuer } from '../../application/ports/token-issuer';

/** HS256 only: a token signed with another algorithm, `alg: none` included, is refused. */
export class JwtTokenIssuer implements TokenIssuer {
  constructor(
    private readonly secret: string,
    private readonly lifetimeSeconds: number,
    private readonly now: () => Date = () => new Date(),
  ) {}

  issue(accountId: number): string {
    return jwt.sign({ sub: String(accountId), iat: Math.floor(this.now().getTime() / 1000) }, this.secret, { algorithm: 'HS256', expiresIn: this.lifetimeSeconds, audience: 'educator-provisioning' });
  }

  verify(token: string): number | null {
    try {
      const payload = jwt.verify(token, this.secret, {
        algorithms: ['HS256'],
        audience: 'educator-provisioning',
        clockTimestamp: Math.floor(this.now().getTime() / 1000),
      });
      const accountId = typeof payload === 'object' ? Number(payload.sub) : NaN;
      return Number.isSafeInteger(accountId) && accountId > 0 ? accountId : null;
    } catch {
      return null;
    }
  }
}
