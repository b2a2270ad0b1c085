import { checkPasswordStrength } from '../domain/educator/educator-account';
import type { EducatorAccountRepository } from '../domain/educator/educator-account-repository';
import { EmailAddress } from '../domain/educator/email-address';
import { isResetUsable, type PasswordReset } from '../domain/educator/password-reset';
import { refusal, type DomainError } from '../domain/shared/result';
import { auditPlaceOf } from './managed-account';
import type { AttemptThrottle, ThrottledAttempt } from './ports/attempt-throttle';
import type { AuditTrail } from './ports/audit-trail';
import type { BrowserSessions } from './ports/browser-sessions';
import type { Clock } from './ports/clock';
import type { PasswordHasher } from './ports/password-hasher';
import type { PasswordResets } from './ports/password-resets';
import type { RegistrationCodes } from './ports/registration-codes';

export interface ResetPasswordRequest {
  email: string;
  code: string;
  newPassword: string;
  clientAddress: string;
}

export type ResetPasswordOutcome = { userErrors: DomainError[] };

const INVALID_RESET_CODE = refusal(
  'INVALID_RESET_CODE',
  'That reset code is not right, has expired or was already used. Check the latest reset email, or request a new code.',
  ['code'],
);
const TOO_MANY_ATTEMPTS = refusal('TOO_MANY_ATTEMPTS', 'Too many wrong reset codes. Wait a few minutes and try again.', ['code']);

/**
 * The person proves they read the email (the latest code, unused, within its 30 minutes) and chooses a new password.
 * Whoever knew the old one is signed out everywhere, and the account's sign-in throttling is cleared: they may sign in at once.
 */
export class ResetPassword {
  constructor(
    private readonly accounts: EducatorAccountRepository,
    private readonly resets: PasswordResets,
    private readonly codes: RegistrationCodes,
    private readonly passwords: PasswordHasher,
    private readonly sessions: BrowserSessions,
    private readonly throttle: AttemptThrottle,
    private readonly auditTrail: AuditTrail,
    private readonly clock: Clock,
  ) {}

  async execute(request: ResetPasswordRequest): Promise<ResetPasswordOutcome> {
    const now = this.clock.now();
    const strength = checkPasswordStrength(request.newPassword);
    if (!strength.ok) return { userErrors: [{ ...strength.error, field: ['newPassword'] }] };

    const attempt = { action: 'reset-password' as const, account: EmailAddress.normalize(request.email), address: request.clientAddress };
    const account = await this.accounts.findByEmail(attempt.account);
    const reset = account?.status(now) === 'ACTIVE' ? await this.resets.latestOf(account.id!) : null;
    const refusedWith = await this.checkCode(attempt, request.code, reset, now);
    if (account && !refusedWith) {
      account.changePassword(await this.passwords.hash(request.newPassword));
      await this.accounts.savePassword(account);
      await this.sessions.endAllOf(account.id!);
      await this.throttle.forgetAccount(attempt.account);
    }
    await this.auditTrail.record({
      ...(account ? auditPlaceOf(account) : { districtId: null }),
      action: 'PASSWORD_RESET',
      outcome: refusedWith?.code ?? 'SUCCEEDED',
      at: now,
      actorAccountId: null,
      actorEmail: attempt.account,
      targetAccountId: account?.id ?? null,
      clientAddress: request.clientAddress,
    });
    return { userErrors: refusedWith ? [refusedWith] : [] };
  }

  /** As registration: a wrong code is answered only once it is counted; a right one counts nothing. */
  private async checkCode(attempt: ThrottledAttempt, code: string, reset: PasswordReset | null, now: Date): Promise<DomainError | null> {
    const right = reset !== null && isResetUsable(reset, now) && this.codes.matches(code, { id: reset.id, createdAt: reset.requestedAt });
    if (!right) return (await this.throttle.reserve(attempt, now)) ? INVALID_RESET_CODE : TOO_MANY_ATTEMPTS;
    if (await this.throttle.isBlocked(attempt, now)) return TOO_MANY_ATTEMPTS;
    // Of concurrent resets with the right code, only the first to mark it used goes on.
    return (await this.resets.markUsed(reset.id, now)) ? null : INVALID_RESET_CODE;
  }
}
