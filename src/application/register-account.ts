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

const invalidCode = refusal('INVALID_CODE', 'That registration code is not valid or was already used. Check the code in your invitation email.', [
  'registrationCode',
]);
const tooManyAttempts = refusal('TOO_MANY_ATTEMPTS', 'Too many wrong registration codes. Wait a few minutes and try again.', ['registrationCode']);

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
    const account = await this.accounts.findByEmail(attempt.account);
    // A wrong code is answered only once it is counted; a right one counts nothing, so a double submit is not a lockout.
    if (!account || !this.codes.matches(request.registrationCode, { id: account.id!, createdAt: account.createdAt })) {
      return refused((await this.throttle.reserve(attempt, now)) ? invalidCode : tooManyAttempts);
    }
    if (await this.throttle.isBlocked(attempt, now)) return refused(tooManyAttempts);
    const registered = account.register(await this.passwords.hash(request.password), now);
    if (!registered.ok) return refused(registered.error);
    // Of concurrent registrations with the right code, only the first to write wins; the code is used for the others.
    if (!(await this.accounts.saveRegistration(account))) return refused(invalidCode);
    return { account, userErrors: [] };
  }
}

const refused = (error: DomainError): RegisterAccountOutcome => ({ account: null, userErrors: [error] });
