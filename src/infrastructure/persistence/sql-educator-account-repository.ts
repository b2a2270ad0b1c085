import type { EntityManager } from 'typeorm';
import { EducatorAccount } from '../../domain/educator/educator-account';
import type { EducatorAccountRepository } from '../../domain/educator/educator-account-repository';
import { EmailAddress } from '../../domain/educator/email-address';
import type { RoleCode } from '../../domain/role/role';
import { fail, ok, refusal, type DomainError, type Result } from '../../domain/shared/result';
import type { AccountDirectory, AccountPage, AccountQuery } from '../../application/ports/account-directory';
import { countAccounts, cursorKey, normalizedName, pageOfIds } from './account-listing-sql';
import { isUniqueViolation } from './database-errors';
import type { ReadRows } from './grouped-reads';
import { moveAccountListCounters } from './account-list-version';
import { inServiceSql } from './account-status-sql';
import { changedRows, insertedId, optionalDate, parameterList, type IdInSql, type Row, type Statement } from './plain-sql';

const accountFromRow = (row: Row, schoolSiteIds: number[]): EducatorAccount =>
  EducatorAccount.restore({
    id: Number(row.id),
    firstName: String(row.first_name),
    lastName: String(row.last_name),
    email: EmailAddress.restore(String(row.email)),
    roleCode: row.role_code as RoleCode,
    districtId: Number(row.district_id),
    schoolSiteIds,
    createdAt: new Date(Number(row.created_at)),
    registrationDeadline: new Date(Number(row.registration_deadline)),
    registeredAt: optionalDate(row.registered_at),
    passwordHash: (row.password_hash as string | null) ?? null,
    createdByAccountId: row.created_by_account_id === null ? null : Number(row.created_by_account_id),
    deactivatedAt: optionalDate(row.deactivated_at),
    credentialsVersion: Number(row.credentials_version ?? 0),
  });

// source_batch_id is the bulk path's to write; a single creation leaves it as it was.
const WRITTEN_COLUMNS = [
  'email',
  'email_normalized',
  'first_name',
  'last_name',
  'first_name_normalized',
  'last_name_normalized',
  'role_code',
  'district_id',
  'created_at',
  'registration_deadline',
  'registered_at',
  'password_hash',
  'created_by_account_id',
] as const;

const writtenValues = (account: EducatorAccount): unknown[] => {
  const state = account.snapshot;
  return [
    state.email.value,
    state.email.normalized,
    state.firstName,
    state.lastName,
    normalizedName(state.firstName),
    normalizedName(state.lastName),
    state.roleCode,
    state.districtId,
    state.createdAt.getTime(),
    state.registrationDeadline.getTime(),
    state.registeredAt?.getTime() ?? null,
    state.passwordHash,
    state.createdByAccountId,
  ];
};

const INSERT_ACCOUNT = `INSERT INTO educator_account (${WRITTEN_COLUMNS.join(', ')}) VALUES (${parameterList(WRITTEN_COLUMNS.length)})`;
const UPDATE_ACCOUNT = `UPDATE educator_account SET ${WRITTEN_COLUMNS.map((column) => `${column} = ?`).join(', ')} WHERE id = ?`;

// created_at too: an account created again after it expired has a new code, not the one that was checked.
const REGISTER_UNLESS_REGISTERED =
  'UPDATE educator_account SET registered_at = ?, password_hash = ? WHERE id = ? AND registered_at IS NULL AND deactivated_at IS NULL AND created_at = ?';

/** A new account (no id yet): its id comes from the INSERT. */
export const accountInsert = (account: EducatorAccount): Statement => ({ sql: INSERT_ACCOUNT, params: writtenValues(account) });

/** An account with an id written over, and its memberships dropped for `membershipInserts` to replace. */
export const accountRewrite = (account: EducatorAccount): Statement[] => [
  { sql: UPDATE_ACCOUNT, params: [...writtenValues(account), account.id] },
  // Only a re-created account has memberships to replace; deleting none would still take gap locks that deadlock concurrent creations.
  { sql: 'DELETE FROM educator_account_site WHERE account_id = ?', params: [account.id] },
];

export const membershipInserts = (accountId: IdInSql, schoolSiteIds: number[]): Statement[] =>
  schoolSiteIds.length === 0
    ? []
    : [
        {
          sql: `INSERT INTO educator_account_site (account_id, school_site_id) VALUES ${schoolSiteIds.map(() => '(?, ?)').join(', ')}`,
          params: schoolSiteIds.flatMap((id) => [accountId, id]),
        },
      ];

/**
 * Plain SQL rather than TypeORM's entity manager: an account is read on every request (the viewer), and building
 * and mapping a query through the query builder cost more than running it.
 */
export class SqlEducatorAccountRepository implements EducatorAccountRepository, AccountDirectory {
  constructor(
    private readonly manager: EntityManager,
    /** Reads that need not see this manager's transaction: grouped with other requests' outside one. */
    private readonly read: ReadRows = (sql, parameters) => manager.query(sql, parameters),
  ) {}

  async findById(id: number): Promise<EducatorAccount | null> {
    return (await this.findWhere('a.id = ?', [id]))[0] ?? null;
  }

  /**
   * The account and, in the same statement, its district's answers counter: the sum of its sites' upload-log counters
   * (upload-log-version.ts) and its accounts counter (account-list-version.ts), each moved on with every change of what
   * it covers. What the answer cache needs to answer from memory.
   */
  async findByIdWithAnswersVersion(id: number): Promise<{ account: EducatorAccount | null; answersVersion: number }> {
    const rows = await this.rowsWhere('a.id = ?', [id], ANSWERS_VERSION_OF_ACCOUNT_DISTRICT);
    return { account: accountsOf(rows)[0] ?? null, answersVersion: rows.length > 0 ? Number(rows[0].answers_version) : 0 };
  }

  async findByIds(ids: number[]): Promise<EducatorAccount[]> {
    if (ids.length === 0) return [];
    return this.findWhere(`a.id IN (${parameterList(ids.length)})`, ids);
  }

  async findByEmail(normalizedEmail: string): Promise<EducatorAccount | null> {
    return (await this.findWhere('a.email_normalized = ?', [normalizedEmail]))[0] ?? null;
  }

  async save(account: EducatorAccount): Promise<Result<number, DomainError>> {
    try {
      const inTransaction = this.manager.queryRunner?.isTransactionActive === true;
      const write = async (manager: EntityManager): Promise<number> => {
        const runner = manager.queryRunner!;
        let id = account.id;
        if (id === null) {
          const insert = accountInsert(account);
          id = insertedId((await runner.query(insert.sql, insert.params, true)).raw);
        } else {
          for (const statement of accountRewrite(account)) await runner.query(statement.sql, statement.params);
        }
        for (const statement of membershipInserts(id, account.schoolSiteIds)) await runner.query(statement.sql, statement.params);
        await moveAccountListCounters(manager, [account.districtId]);
        return id;
      };
      // Inside a unit of work the account is already in its transaction; a nested one would only add savepoints.
      const saved = inTransaction ? await write(this.manager) : await this.manager.transaction(write);
      return ok(saved);
    } catch (error) {
      if (isUniqueViolation(error)) return fail(refusal('EMAIL_TAKEN', 'Email has already been taken.', ['email']));
      throw error;
    }
  }

  async saveRegistration(account: EducatorAccount): Promise<boolean> {
    const state = account.snapshot;
    const params = [state.registeredAt?.getTime() ?? null, state.passwordHash, account.id, state.createdAt.getTime()];
    const registered = (await changedRows(this.manager, REGISTER_UNLESS_REGISTERED, params)) === 1;
    if (registered) await moveAccountListCounters(this.manager, [account.districtId]);
    return registered;
  }

  async savePassword(account: EducatorAccount): Promise<void> {
    await this.manager.query('UPDATE educator_account SET password_hash = ?, credentials_version = ? WHERE id = ?', [
      account.passwordHash,
      account.credentialsVersion,
      account.id,
    ]);
  }

  async saveActivation(account: EducatorAccount): Promise<void> {
    await this.manager.transaction(async (manager) => {
      await manager.query('UPDATE educator_account SET deactivated_at = ?, credentials_version = ? WHERE id = ?', [
        account.snapshot.deactivatedAt?.getTime() ?? null,
        account.credentialsVersion,
        account.id,
      ]);
      await moveAccountListCounters(manager, [account.districtId]);
    });
  }

  async countActiveSiteAdmins(schoolSiteId: number, now: Date): Promise<number> {
    return (await countActiveSiteAdmins(this.manager, [schoolSiteId], now)).get(schoolSiteId) ?? 0;
  }

  async countMatching(query: AccountQuery): Promise<number> {
    const count = countAccounts(query);
    const [total]: Row[] = await this.manager.query(count.sql, count.params);
    return Number(total.total);
  }

  async list(query: AccountQuery, first: number, afterId: number | null): Promise<AccountPage> {
    let after: Row | null = null;
    if (afterId !== null) {
      const key = cursorKey(query, afterId);
      after = (await this.manager.query<Row[]>(key.sql, key.params))[0] ?? null;
      // The cursor's account is gone: nothing can be placed after it.
      if (!after) return { nodes: [], hasNextPage: false };
    }
    const page = pageOfIds(query, first + 1, after);
    const ids = (await this.manager.query<Row[]>(page.sql, page.params)).map((row) => Number(row.id));
    const byId = new Map((await this.findByIds(ids.slice(0, first))).map((account) => [account.id, account]));
    const nodes = ids.slice(0, first).flatMap((id) => byId.get(id) ?? []);
    return { nodes, hasNextPage: ids.length > first };
  }

  /** Accounts in id order with their sites, in one statement: a row per membership, or one with no site. */
  private async findWhere(condition: string, parameters: unknown[]): Promise<EducatorAccount[]> {
    return accountsOf(await this.rowsWhere(condition, parameters));
  }

  private rowsWhere(condition: string, parameters: unknown[], extraColumns = ''): Promise<Row[]> {
    return this.read(
      `SELECT a.id, a.email, a.first_name, a.last_name, a.role_code, a.district_id, a.created_at, a.registration_deadline, a.registered_at,
              a.password_hash, a.created_by_account_id, a.deactivated_at, a.credentials_version, m.school_site_id${extraColumns}
       FROM educator_account a LEFT JOIN educator_account_site m ON m.account_id = a.id
       WHERE ${condition} ORDER BY a.id, m.school_site_id`,
      parameters,
    );
  }
}

const ANSWERS_VERSION_OF_ACCOUNT_DISTRICT = `,
  (SELECT COALESCE(SUM(v.version), 0) FROM upload_log_version v JOIN school_site s ON s.id = v.school_site_id WHERE s.district_id = a.district_id)
  + (SELECT COALESCE(MAX(l.version), 0) FROM account_list_version l WHERE l.district_id = a.district_id) AS answers_version`;

/** Rows of accounts in id order, a row per membership (or one with no site), as accounts with their sites. */
const accountsOf = (rows: Row[]): EducatorAccount[] => {
  const accounts: EducatorAccount[] = [];
  let siteIds: number[] = [];
  rows.forEach((row, index) => {
    if (row.school_site_id !== null) siteIds.push(Number(row.school_site_id));
    const lastOfAccount = index === rows.length - 1 || Number(rows[index + 1].id) !== Number(row.id);
    if (lastOfAccount) {
      accounts.push(accountFromRow(row, siteIds));
      siteIds = [];
    }
  });
  return accounts;
};

/** Site Admins whose invitation has not expired, per site (rows of school_site_id, admins); starts from the (few) Site Admins, by the role index. */
export const activeSiteAdminsQuery = (schoolSiteIds: number[], now: Date): Statement => ({
  sql: `SELECT m.school_site_id, COUNT(*) AS admins FROM educator_account a JOIN educator_account_site m ON m.account_id = a.id
     WHERE a.role_code = 'SITE_ADMIN' AND m.school_site_id IN (${parameterList(schoolSiteIds.length)})
       AND ${inServiceSql('a')}
     GROUP BY m.school_site_id`,
  params: [...schoolSiteIds, now.getTime()],
});

export const activeSiteAdminsBySite = (rows: Row[]): Map<number, number> => new Map(rows.map((row) => [Number(row.school_site_id), Number(row.admins)]));

export const countActiveSiteAdmins = async (manager: EntityManager, schoolSiteIds: number[], now: Date): Promise<Map<number, number>> => {
  if (schoolSiteIds.length === 0) return new Map();
  const query = activeSiteAdminsQuery(schoolSiteIds, now);
  return activeSiteAdminsBySite(await manager.query(query.sql, query.params));
};
