import { checkPasswordStrength, type EducatorAccount } from '../domain/educator/educator-account';
import type { EducatorAccountRepository } from '../domain/educator/educator-account-repository';
import { refusal, type DomainError } from '../domain/shared/result';
import { auditPlaceOf } from './managed-account';
import type { AttemptThrottle } from './ports/attempt-throttle';
import type { AuditTrail } from './ports/audit-trail';
import type { Clock } from './ports/clock';
import type { BrowserSessions } from './ports/browser-sessions';
import type { PasswordHasher } from './ports/password-hasher';
import type { TokenIssuer } from './ports/token-issuer';

export interface ChangePasswordRequest {
  currentPassword: string;
  newPassword: string;
  clientAddress: string;
  /** The browser session that asked, if one did: it stays signed in while every other session ends. */
  keepingSession: string | undefined;
  /** A bearer client asked: its token ends with the others, so the answer carries a fresh one. */
  issueToken: boolean;
}

export type ChangePasswordOutcome = { account: EducatorAccount | null; token: string | null; userErrors: DomainError[] };

const WRONG_PASSWORD = refusal('WRONG_PASSWORD', 'Your current password is not right. Type it again.', ['currentPassword']);
const TOO_MANY_ATTEMPTS = refusal('TOO_MANY_ATTEMPTS', 'Too many wrong current passwords. Wait a few minutes and try again.', ['currentPassword']);

/**
 * The signed-in person proves their current password (throttled like sign-in, so a left-open session cannot guess it) and
 * chooses a new one. Every other session and token ends (whoever knew the old password is signed out); the one asking stays.
 */
export class ChangePassword {
  constructor(
    private readonly accounts: EducatorAccountRepository,
    private readonly passwords: PasswordHasher,
    private readonly throttle: AttemptThrottle,
    private readonly sessions: BrowserSessions,
    private readonly tokens: TokenIssuer,
    private readonly auditTrail: AuditTrail,
    private readonly clock: Clock,
  ) {}

  async execute(account: EducatorAccount, request: ChangePasswordRequest): Promise<ChangePasswordOutcome> {
    const now = this.clock.now();
    const strength = checkPasswordStrength(request.newPassword);
    const outcome = strength.ok ? await this.change(account, request, now) : refused({ ...strength.error, field: ['newPassword'] });
    await this.auditTrail.record({
      action: 'PASSWORD_CHANGED',
      outcome: outcome.userErrors[0]?.code ?? 'SUCCEEDED',
      at: now,
      actorAccountId: account.id,
      targetAccountId: account.id,
      ...auditPlaceOf(account),
      clientAddress: request.clientAddress,
    });
    return outcome;
  }

  private async change(account: EducatorAccount, request: ChangePasswordRequest, now: Date): Promise<ChangePasswordOutcome> {
    const attempt = { action: 'change-password' as const, account: account.email.normalized, address: request.clientAddress };
    if (!(await this.throttle.reserve(attempt, now))) return refused(TOO_MANY_ATTEMPTS);
    if (!account.passwordHash || !(await this.passwords.verify(account.passwordHash, request.currentPassword))) return refused(WRONG_PASSWORD);
    await this.throttle.succeeded(attempt);
    account.changePassword(await this.passwords.hash(request.newPassword));
    await this.accounts.savePassword(account);
    await this.sessions.endAllOf(account.id!, request.keepingSession);
    return { account, token: request.issueToken ? this.tokens.issue(account.id!, account.credentialsVersion) : null, userErrors: [] };
  }
}

const refused = (error: DomainError): ChangePasswordOutcome => ({ account: null, token: null, userErrors: [error] });
