import type { EducatorAccountRepository } from '../domain/educator/educator-account-repository';
import { EmailAddress } from '../domain/educator/email-address';
import { resetExpiryFor } from '../domain/educator/password-reset';
import { refusal, type DomainError } from '../domain/shared/result';
import { auditPlaceOf } from './managed-account';
import type { AttemptThrottle } from './ports/attempt-throttle';
import type { AuditTrail } from './ports/audit-trail';
import type { Clock } from './ports/clock';
import type { PasswordResets } from './ports/password-resets';

export interface RequestPasswordResetRequest {
  email: string;
  clientAddress: string;
}

export type RequestPasswordResetOutcome = { userErrors: DomainError[] };

const TOO_MANY_REQUESTS = refusal('TOO_MANY_ATTEMPTS', 'Too many reset requests. Wait a few minutes and try again.', ['email']);

/**
 * Anyone may ask; only a registered, active account gets an email with a code. The answer is the same whatever the email
 * names, so nobody learns from it which emails have accounts: every request is counted against the email and the address
 * alike (throttled ones too), and the only extra work for a real account is two small inserts.
 */
export class RequestPasswordReset {
  constructor(
    private readonly accounts: EducatorAccountRepository,
    private readonly resets: PasswordResets,
    private readonly throttle: AttemptThrottle,
    private readonly auditTrail: AuditTrail,
    private readonly clock: Clock,
  ) {}

  async execute(request: RequestPasswordResetRequest): Promise<RequestPasswordResetOutcome> {
    const now = this.clock.now();
    const email = EmailAddress.normalize(request.email);
    // Requests are never "right", so each one counts: a mailbox cannot be flooded, nor the service used to send spam.
    const allowed = await this.throttle.reserve({ action: 'request-password-reset', account: email, address: request.clientAddress }, now);
    const account = allowed ? await this.accounts.findByEmail(email) : null;
    const active = account?.status(now) === 'ACTIVE' ? account : null;
    if (active) await this.resets.start({ id: active.id!, email: active.email.value }, now, resetExpiryFor(now));
    // Like a refused sign-in: the email asked for, and the place of the account it names (if any), so that its admins see it.
    await this.auditTrail.record({
      ...(account ? auditPlaceOf(account) : { districtId: null }),
      action: 'PASSWORD_RESET_REQUESTED',
      outcome: !allowed ? TOO_MANY_REQUESTS.code : active ? 'SUCCEEDED' : 'NO_ACTIVE_ACCOUNT',
      at: now,
      actorAccountId: null,
      actorEmail: email,
      targetAccountId: account?.id ?? null,
      clientAddress: request.clientAddress,
    });
    return { userErrors: allowed ? [] : [TOO_MANY_REQUESTS] };
  }
}
