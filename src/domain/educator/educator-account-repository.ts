import type { DomainError, Result } from '../shared/result';
import type { EducatorAccount } from './educator-account';

export interface EducatorAccountRepository {
  findById(id: number): Promise<EducatorAccount | null>;
  findByEmail(normalizedEmail: string): Promise<EducatorAccount | null>;
  /** Inserts a new account or rewrites an expired one; a concurrent insert of the same email is EMAIL_TAKEN. */
  save(account: EducatorAccount): Promise<Result<number, DomainError>>;
  /** Writes the account's registration unless it was registered, or created again, since it was read: false then. */
  saveRegistration(account: EducatorAccount): Promise<boolean>;
  /** Writes the account's password hash and credentials version, and nothing else. */
  savePassword(account: EducatorAccount): Promise<void>;
  /** Writes whether the account is deactivated and its credentials version, and nothing else. */
  saveActivation(account: EducatorAccount): Promise<void>;
  /** Site Admins of the site neither deactivated nor expired. */
  countActiveSiteAdmins(schoolSiteId: number, now: Date): Promise<number>;
}
