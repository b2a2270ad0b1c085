import { checkPasswordStrength, type EducatorAccount } from '../domain/educator/educator-account';
import type { EducatorAccountRepository } from '../domain/educator/educator-account-repository';
import { EmailAddress } from '../domain/educator/email-address';
import { refusal, type DomainError } from '../domain/shared/result';
import type { AttemptThrottle } from './ports/attempt-throttle';
import type { Clock } from './ports/clock';
import type { PasswordHasher } from './ports/password-hasher';
import type { RegistrationCodes } from './ports/registration-codes';

export interface RegisterAccountRequest {
  email: string;
  registrationCode: string;
  password: string;
  educationalInterestAccepted: boolean;
  clientAddress: string;
}

export type RegisterAccountOutcome = { account: EducatorAccount | null; userErrors: DomainError[] };

const invalidCode = refusal('INVALID_CODE', 'That registration code is not valid or was already used. Check the code in your invitation email.', ['registrationCode']);

export class RegisterAccount {
  constructor(
    private readonly accounts: EducatorAccountRepository,
    private readonly codes: RegistrationCodes,
    private readonly passwords: PasswordHasher,
    private readonly throttle: AttemptThrottle,
    private readonly clock: Clock,
  ) {}

  async execute(request: RegisterAccountRequest): Promise<RegisterAccountOutcome> {
    if (!request.educationalInterestAccepted) {
      return refused(refusal('ATTESTATION_REQUIRED', 'Confirm the educational interest attestation to register.', ['educationalInterestAccepted']));
    }
    const strength = checkPasswordStrength(request.password);
    if (!strength.ok) return refused(strength.error);

    const now = this.clock.now();
    const attempt = { action: 'register' as const, account: EmailAddress.normalize(request.email), address: request.clientAddress };
    if (await this.throttle.isBlocked(attempt, now)) {
      return refused(refusal('TOO_MANY_ATTEMPTS', 'Too many wrong registration codes. Wait 15 minutes and try again.', ['registrationCode']));
    }
    const account = await this.accounts.findByEmail(attempt.account);
    if (!account || !this.codes.matches(request.registrationCode, { id: account.id!, createdAt: account.createdAt })) {
      await this.throttle.recordFailure(attempt, now);
      return refused(invalidCode);
    }
    const registered = account.register(await this.passwords.hash(request.password), now);
    if (!registered.ok) return refused(registered.error);
    await this.accounts.save(account);
    await this.throttle.recordSuccess(attempt);
    return { account, userErrors: [] };
  }
}

const refused = (error: DomainError): RegisterAccountOutcome => ({ account: null, userErrors: [error] });
