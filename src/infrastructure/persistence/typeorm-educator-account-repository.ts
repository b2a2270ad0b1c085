import { In, type EntityManager } from 'typeorm';
import { EducatorAccount } from '../../domain/educator/educator-account';
import type { EducatorAccountRepository } from '../../domain/educator/educator-account-repository';
import { EmailAddress } from '../../domain/educator/email-address';
import type { RoleCode } from '../../domain/role/role';
import { fail, ok, refusal, type DomainError, type Result } from '../../domain/shared/result';
import type { AccountDirectory, Page } from '../../application/ports/account-directory';
import { EducatorAccountRecord, EducatorAccountSiteRecord } from './records/records';
import { isUniqueViolation } from './database-errors';

export const accountToDomain = (record: EducatorAccountRecord, schoolSiteIds: number[]): EducatorAccount =>
  EducatorAccount.restore({
    id: record.id,
    firstName: record.firstName,
    lastName: record.lastName,
    email: EmailAddress.restore(record.email),
    roleCode: record.roleCode as RoleCode,
    districtId: record.districtId,
    schoolSiteIds,
    createdAt: new Date(Number(record.createdAt)),
    registrationDeadline: new Date(Number(record.registrationDeadline)),
    registeredAt: record.registeredAt === null ? null : new Date(Number(record.registeredAt)),
    passwordHash: record.passwordHash,
    createdByAccountId: record.createdByAccountId,
  });

const accountToRecord = (account: EducatorAccount): Partial<EducatorAccountRecord> => {
  const state = account.snapshot;
  return {
    ...(state.id !== null ? { id: state.id } : {}),
    email: state.email.value,
    emailNormalized: state.email.normalized,
    firstName: state.firstName,
    lastName: state.lastName,
    roleCode: state.roleCode,
    districtId: state.districtId,
    createdAt: state.createdAt.getTime(),
    registrationDeadline: state.registrationDeadline.getTime(),
    registeredAt: state.registeredAt?.getTime() ?? null,
    passwordHash: state.passwordHash,
    createdByAccountId: state.createdByAccountId,
  };
};

export class TypeOrmEducatorAccountRepository implements EducatorAccountRepository, AccountDirectory {
  constructor(private readonly manager: EntityManager) {}

  async findById(id: number): Promise<EducatorAccount | null> {
    const record = await this.manager.findOneBy(EducatorAccountRecord, { id });
    return record ? (await this.withSites([record]))[0] : null;
  }

  async findByIds(ids: number[]): Promise<EducatorAccount[]> {
    if (ids.length === 0) return [];
    return this.withSites(await this.manager.findBy(EducatorAccountRecord, { id: In(ids) }));
  }

  async findByEmail(normalizedEmail: string): Promise<EducatorAccount | null> {
    const record = await this.manager.findOneBy(EducatorAccountRecord, { emailNormalized: normalizedEmail });
    return record ? (await this.withSites([record]))[0] : null;
  }

  async save(account: EducatorAccount): Promise<Result<number, DomainError>> {
    try {
      const inTransaction = this.manager.queryRunner?.isTransactionActive === true;
      const write = async (manager: EntityManager): Promise<number> => {
        const record = await manager.save(EducatorAccountRecord, accountToRecord(account));
        // Only a re-created account has memberships to replace; deleting none would still take gap locks that deadlock concurrent creations.
        if (account.id !== null) await manager.delete(EducatorAccountSiteRecord, { accountId: record.id! });
        if (account.schoolSiteIds.length > 0) {
          await manager.insert(
            EducatorAccountSiteRecord,
            account.schoolSiteIds.map((schoolSiteId) => ({ accountId: record.id!, schoolSiteId })),
          );
        }
        return record.id!;
      };
      // Inside a unit of work the account is already in its transaction; a nested one would only add savepoints.
      const saved = inTransaction ? await write(this.manager) : await this.manager.transaction(write);
      return ok(saved);
    } catch (error) {
      if (isUniqueViolation(error)) return fail(refusal('EMAIL_TAKEN', 'Email has already been taken.', ['email']));
      throw error;
    }
  }

  async countActiveSiteAdmins(schoolSiteId: number, now: Date): Promise<number> {
    return (await countActiveSiteAdmins(this.manager, [schoolSiteId], now)).get(schoolSiteId) ?? 0;
  }

  async listBySite(schoolSiteId: number, first: number, afterId: number | null): Promise<Page<EducatorAccount>> {
    const page = this.manager
      .createQueryBuilder(EducatorAccountSiteRecord, 'membership')
      .where('membership.schoolSiteId = :schoolSiteId', { schoolSiteId });
    const totalCount = await page.clone().getCount();
    if (afterId !== null) page.andWhere('membership.accountId > :afterId', { afterId });
    const memberships = await page.orderBy('membership.accountId', 'ASC').limit(first + 1).getMany();
    const ids = memberships.slice(0, first).map((membership) => membership.accountId);
    const records = ids.length ? await this.manager.findBy(EducatorAccountRecord, { id: In(ids) }) : [];
    const accounts = await this.withSites(records.sort((a, b) => a.id - b.id));
    return { nodes: accounts, hasNextPage: memberships.length > first, totalCount };
  }

  /** One query for the sites of a whole page of accounts, never one per account. */
  private async withSites(records: EducatorAccountRecord[]): Promise<EducatorAccount[]> {
    if (records.length === 0) return [];
    const memberships = await this.manager.findBy(EducatorAccountSiteRecord, { accountId: In(records.map((record) => record.id)) });
    return records.map((record) =>
      accountToDomain(
        record,
        memberships.filter((membership) => membership.accountId === record.id).map((membership) => membership.schoolSiteId).sort((a, b) => a - b),
      ),
    );
  }
}

/** Site Admins whose invitation has not expired, per site; starts from the (few) Site Admins, by the role index. */
export const countActiveSiteAdmins = async (manager: EntityManager, schoolSiteIds: number[], now: Date): Promise<Map<number, number>> => {
  if (schoolSiteIds.length === 0) return new Map();
  const rows: { school_site_id: number; admins: number }[] = await manager.query(
    `SELECT m.school_site_id, COUNT(*) AS admins FROM educator_account a JOIN educator_account_site m ON m.account_id = a.id
     WHERE a.role_code = 'SITE_ADMIN' AND m.school_site_id IN (${schoolSiteIds.map(() => '?').join(',')})
       AND (a.registered_at IS NOT NULL OR a.registration_deadline >= ?)
     GROUP BY m.school_site_id`,
    [...schoolSiteIds, now.getTime()],
  );
  return new Map(rows.map((row) => [Number(row.school_site_id), Number(row.admins)]));
};
