import type { EducatorAccount } from '../domain/educator/educator-account';
import type { EducatorAccountRepository } from '../domain/educator/educator-account-repository';
import { EmailAddress } from '../domain/educator/email-address';
import { refusal, type DomainError } from '../domain/shared/result';
import type { AttemptThrottle } from './ports/attempt-throttle';
import type { AuditTrail } from './ports/audit-trail';
import type { Clock } from './ports/clock';
import type { PasswordHasher } from './ports/password-hasher';
import type { TokenIssuer } from './ports/token-issuer';
import type { SignInMetrics, SignInRefusal } from './ports/metrics';

export interface SignInRequest {
  username: string;
  password: string;
  clientAddress: string;
}

export type SignInOutcome = { token: string; account: EducatorAccount; userErrors: [] } | { token: null; account: null; userErrors: DomainError[] };

export type CredentialCheck = { account: EducatorAccount; userErrors: [] } | { account: null; userErrors: DomainError[] };

const REFUSALS: Record<SignInRefusal, DomainError> = {
  INVALID_CREDENTIALS: refusal('INVALID_CREDENTIALS', 'That email and password do not match an active account.'),
  TOO_MANY_ATTEMPTS: refusal('TOO_MANY_ATTEMPTS', 'Too many failed sign-in attempts. Wait a few minutes and try again, or ask your administrator.'),
};

/** An account of one site is read by that site's admins too; one of several sites, or of none, by its district's. */
const placeOf = (account: EducatorAccount): { districtId: number; schoolSiteId: number | null } => ({
  districtId: account.districtId,
  schoolSiteId: account.schoolSiteIds.length === 1 ? account.schoolSiteIds[0] : null,
});

export class SignIn {
  constructor(
    private readonly accounts: EducatorAccountRepository,
    private readonly passwords: PasswordHasher,
    private readonly tokens: TokenIssuer,
    private readonly throttle: AttemptThrottle,
    private readonly clock: Clock,
    private readonly metrics: SignInMetrics,
    private readonly audit: AuditTrail,
  ) {}

  async execute(request: SignInRequest): Promise<SignInOutcome> {
    const checked = await this.checkCredentials(request);
    return checked.account ? { ...checked, token: this.tokens.issue(checked.account.id!, checked.account.credentialsVersion) } : { ...checked, token: null };
  }

  /** Every rule of signing in (throttling, one answer for every kind of failure) without a token: browser sessions share them. */
  async checkCredentials(request: SignInRequest): Promise<CredentialCheck> {
    const now = this.clock.now();
    const attempt = { action: 'sign-in' as const, account: EmailAddress.normalize(request.username), address: request.clientAddress };
    // Counted before the password is checked, so that concurrent guesses cannot all be checked before any is counted.
    if (!(await this.throttle.reserve(attempt, now))) return this.refused('TOO_MANY_ATTEMPTS', request, attempt.account, null);

    const account = await this.accounts.findByEmail(attempt.account);
    // Unknown users, unregistered accounts and wrong passwords must look identical, in answer and in time.
    const passwordHash = account?.status(now) === 'ACTIVE' ? account.passwordHash : null;
    const verified = passwordHash
      ? await this.passwords.verify(passwordHash, request.password)
      : await this.passwords.verifyNothing(request.password).then(() => false);
    if (!account || !verified) return this.refused('INVALID_CREDENTIALS', request, attempt.account, account);
    await this.throttle.succeeded(attempt);
    await this.audit.record({
      ...placeOf(account),
      action: 'SIGNED_IN',
      outcome: 'SUCCEEDED',
      at: this.clock.now(),
      actorAccountId: account.id!,
      clientAddress: request.clientAddress,
    });
    return { account, userErrors: [] };
  }

  /**
   * The attempt is recorded with the email it named, and where the account it names (if any) belongs, so that its admins see
   * attempts on it; a throttled attempt is not looked up, so that a flood of guesses costs no extra read.
   */
  private async refused(code: SignInRefusal, request: SignInRequest, email: string, account: EducatorAccount | null): Promise<CredentialCheck> {
    this.metrics.signInRefused(code);
    await this.audit.record({
      ...(account ? placeOf(account) : { districtId: null }),
      action: 'SIGN_IN_REFUSED',
      outcome: code,
      at: this.clock.now(),
      actorAccountId: null,
      actorEmail: email,
      targetAccountId: account?.id ?? null,
      clientAddress: request.clientAddress,
    });
    return { account: null, userErrors: [REFUSALS[code]] };
  }
}
