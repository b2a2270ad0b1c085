import { roleOf, type RoleCode } from '../role/role';
import { visibleLength } from '../shared/invisible-characters';
import { fail, ok, refusal, type DomainError, type Result } from '../shared/result';
import { EmailAddress } from './email-address';
import { checkPersonName } from './person-name';

export type AccountStatus = 'PENDING_REGISTRATION' | 'ACTIVE' | 'EXPIRED' | 'DEACTIVATED';

export const REGISTRATION_WINDOW_DAYS = 60;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Deactivated (by an admin) comes first and is never EXPIRED: its email stays taken. Otherwise registered is ACTIVE;
 * unregistered past its deadline is EXPIRED (its email may be created again). SQL that must decide the same
 * (account-status-sql.ts) is held to this by a test.
 */
export const accountStatus = (account: { registeredAt: Date | null; registrationDeadline: Date; deactivatedAt?: Date | null }, now: Date): AccountStatus => {
  if (account.deactivatedAt) return 'DEACTIVATED';
  if (account.registeredAt) return 'ACTIVE';
  return now.getTime() > account.registrationDeadline.getTime() ? 'EXPIRED' : 'PENDING_REGISTRATION';
};

export const registrationDeadlineFor = (createdAt: Date): Date => new Date(createdAt.getTime() + REGISTRATION_WINDOW_DAYS * DAY_MS);

export interface EducatorAccountState {
  id: number | null;
  firstName: string;
  lastName: string;
  email: EmailAddress;
  roleCode: RoleCode;
  districtId: number;
  schoolSiteIds: number[];
  createdAt: Date;
  registrationDeadline: Date;
  registeredAt: Date | null;
  passwordHash: string | null;
  createdByAccountId: number | null;
  deactivatedAt: Date | null;
  /** Moved on whenever every session and token of the account must end: tokens carry the version they were issued under. */
  credentialsVersion: number;
}

export interface NewAccountDetails {
  firstName: string;
  lastName: string;
  email: string;
  roleCode: RoleCode;
  districtId: number;
  schoolSiteIds: number[];
  createdByAccountId: number | null;
  now: Date;
}

/** What an admin corrects on an existing account; an absent field stays as it is. */
export interface AccountCorrection {
  firstName?: string;
  lastName?: string;
  email?: string;
  roleCode?: RoleCode;
  schoolSiteIds?: number[];
}

export type CorrectedField = keyof AccountCorrection;

export interface CorrectedAccount {
  account: EducatorAccount;
  /** The fields whose value differs from the account's, in a stable order. */
  changed: CorrectedField[];
  /** A new email before registration: a new creation moment (so a new code, a fresh deadline) and a new invitation. */
  reinvite: boolean;
}

export const EMAIL_TAKEN = refusal('EMAIL_TAKEN', 'Email has already been taken.', ['email']);

export const EMAIL_LOCKED_AFTER_REGISTRATION = refusal(
  'EMAIL_LOCKED_AFTER_REGISTRATION',
  'This person has registered and signs in with this email, so it cannot be changed. For a new address, create an account for it and deactivate this one.',
  ['email'],
);

export const EMAIL_LOCKED_WHILE_DEACTIVATED = refusal(
  'EMAIL_LOCKED_WHILE_DEACTIVATED',
  'A deactivated account cannot register, so its email is not corrected. Reactivate the account first, then correct its email.',
  ['email'],
);

const sameSites = (a: number[], b: number[]): boolean => a.length === b.length && [...a].sort().join() === [...b].sort().join();

export class EducatorAccount {
  private constructor(private state: EducatorAccountState) {}

  /** Validates what an admin typed; site scoping is the creation policy's job, decided before this. */
  static create(details: NewAccountDetails): Result<EducatorAccount, DomainError> {
    const firstName = checkPersonName(details.firstName, 'First name', ['firstName']);
    if (!firstName.ok) return firstName;
    const lastName = checkPersonName(details.lastName, 'Last name', ['lastName']);
    if (!lastName.ok) return lastName;
    const email = EmailAddress.create(details.email);
    if (!email.ok) return email;
    return ok(
      new EducatorAccount({
        id: null,
        firstName: firstName.value,
        lastName: lastName.value,
        email: email.value,
        roleCode: details.roleCode,
        districtId: details.districtId,
        schoolSiteIds: [...details.schoolSiteIds],
        createdAt: details.now,
        registrationDeadline: registrationDeadlineFor(details.now),
        registeredAt: null,
        passwordHash: null,
        createdByAccountId: details.createdByAccountId,
        deactivatedAt: null,
        credentialsVersion: 0,
      }),
    );
  }

  static restore(state: EducatorAccountState): EducatorAccount {
    return new EducatorAccount({ ...state });
  }

  get id(): number | null {
    return this.state.id;
  }
  get email(): EmailAddress {
    return this.state.email;
  }
  get roleCode(): RoleCode {
    return this.state.roleCode;
  }
  get districtId(): number {
    return this.state.districtId;
  }
  get schoolSiteIds(): number[] {
    return [...this.state.schoolSiteIds];
  }
  get passwordHash(): string | null {
    return this.state.passwordHash;
  }
  get credentialsVersion(): number {
    return this.state.credentialsVersion;
  }
  get createdAt(): Date {
    return this.state.createdAt;
  }
  get registrationDeadline(): Date {
    return this.state.registrationDeadline;
  }
  get snapshot(): Readonly<EducatorAccountState> {
    return { ...this.state, schoolSiteIds: [...this.state.schoolSiteIds] };
  }

  status(now: Date): AccountStatus {
    return accountStatus(this.state, now);
  }

  /**
   * An expired account is never refused as "taken": the same email is created afresh, keeping the row
   * (and so the unique email) but with a new role, sites, deadline and code.
   */
  recreateFrom(replacement: EducatorAccount, now: Date): Result<EducatorAccount, DomainError> {
    if (this.status(now) !== 'EXPIRED') return fail(refusal('EMAIL_TAKEN', 'Email has already been taken.', ['email']));
    return ok(EducatorAccount.recreatedInPlace(this.state.id, replacement));
  }

  /** What an expired account becomes when it is created again: the replacement's details under the old row's id. */
  static recreatedInPlace(id: number | null, replacement: EducatorAccount): EducatorAccount {
    return new EducatorAccount({ ...replacement.state, id });
  }

  /**
   * Names and role and sites may be corrected at any time (the creation policy decides role and sites before this). A new
   * email only before registration: a registered person signs in with it, and a new address would let whoever holds it take
   * the account over (a password reset goes there). The same address in other letter case is the same address: no new invitation.
   */
  correctedWith(correction: AccountCorrection, now: Date): Result<CorrectedAccount, DomainError> {
    let next: EducatorAccountState = { ...this.state, schoolSiteIds: [...(correction.schoolSiteIds ?? this.state.schoolSiteIds)] };
    if (correction.roleCode) next.roleCode = correction.roleCode;
    if (correction.firstName !== undefined) {
      const firstName = checkPersonName(correction.firstName, 'First name', ['firstName']);
      if (!firstName.ok) return firstName;
      next.firstName = firstName.value;
    }
    if (correction.lastName !== undefined) {
      const lastName = checkPersonName(correction.lastName, 'Last name', ['lastName']);
      if (!lastName.ok) return lastName;
      next.lastName = lastName.value;
    }
    if (correction.email !== undefined) {
      const email = EmailAddress.create(correction.email);
      if (!email.ok) return email;
      next.email = email.value;
      if (email.value.normalized !== this.state.email.normalized) {
        if (this.state.registeredAt) return fail(EMAIL_LOCKED_AFTER_REGISTRATION);
        if (this.state.deactivatedAt) return fail(EMAIL_LOCKED_WHILE_DEACTIVATED);
        next = { ...next, createdAt: now, registrationDeadline: registrationDeadlineFor(now) };
      }
    }
    const was = this.state;
    const differs: Record<CorrectedField, boolean> = {
      firstName: next.firstName !== was.firstName,
      lastName: next.lastName !== was.lastName,
      email: next.email.value !== was.email.value,
      roleCode: next.roleCode !== was.roleCode,
      schoolSiteIds: !sameSites(next.schoolSiteIds, was.schoolSiteIds),
    };
    const changed = (Object.keys(differs) as CorrectedField[]).filter((field) => differs[field]);
    return ok({ account: new EducatorAccount(next), changed, reinvite: next.createdAt !== was.createdAt });
  }

  /** The caller checks the code (derived from the account, see RegistrationCodes); this guards the account's own rules. */
  register(passwordHash: string, now: Date): Result<void, DomainError> {
    const status = this.status(now);
    if (status === 'ACTIVE' || status === 'DEACTIVATED')
      return fail(refusal('INVALID_CODE', 'That registration code is not valid or was already used.', ['registrationCode']));
    if (status === 'EXPIRED') {
      return fail(
        refusal(
          'REGISTRATION_EXPIRED',
          `Your invitation expired ${REGISTRATION_WINDOW_DAYS} days after it was sent. Ask your school or district administrator to create your account again.`,
          ['registrationCode'],
        ),
      );
    }
    this.state = { ...this.state, registeredAt: now, passwordHash };
    return ok(undefined);
  }

  /**
   * Only a registered account has a password to change; the caller has checked the current one (or a reset code) and the
   * new one's strength. Whoever knew the old password must not stay signed in with it: every session and token ends.
   */
  changePassword(passwordHash: string): void {
    if (this.state.registeredAt) this.state = { ...this.state, passwordHash, credentialsVersion: this.state.credentialsVersion + 1 };
  }

  /** Deactivating twice is the same as once: the first moment stands. Its sessions and tokens end, so reactivation revives none. */
  deactivate(now: Date): void {
    if (!this.state.deactivatedAt) this.state = { ...this.state, deactivatedAt: now, credentialsVersion: this.state.credentialsVersion + 1 };
  }

  /** Back to what it was: ACTIVE if registered, else pending or expired by its deadline. */
  reactivate(): void {
    this.state = { ...this.state, deactivatedAt: null };
  }

  describeRole(): string {
    return roleOf(this.state.roleCode).name;
  }
}

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;

/** Spaces separate the words of a passphrase but add little to guess: at least 12 characters besides them. */
export const checkPasswordStrength = (password: string): Result<void, DomainError> => {
  if (visibleLength(password) < PASSWORD_MIN_LENGTH || [...password].length > PASSWORD_MAX_LENGTH) {
    return fail(
      refusal(
        'WEAK_PASSWORD',
        `Choose a password of ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters, at least ${PASSWORD_MIN_LENGTH} of them not spaces; a short sentence works well.`,
        ['password'],
      ),
    );
  }
  return ok(undefined);
};
