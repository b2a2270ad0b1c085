import type { DataSource, EntityManager } from 'typeorm';
import type { AccountRecreations, RecreatedAs } from '../../application/ports/account-recreations';
import type { EducatorAccount } from '../../domain/educator/educator-account';
import { queuedInvitation } from '../../domain/educator/invitation';
import { moveAccountListCounters } from './account-list-version';
import { changedRows, parameterList, type Row } from './plain-sql';
import { outboxRow } from './sql-unit-of-work';

/** Rows written at once: an IN list of this many ids stays well within both databases' limits on parameters. */
const SET_SIZE = 500;

const STILL_EXPIRED = 'registered_at IS NULL AND registration_deadline < ?';

// Names, email, role and sites stay; a new creation moment gives a new deadline and a new code (codes derive from it).
const RECREATE = `UPDATE educator_account SET created_at = ?, registration_deadline = ?, created_by_account_id = ?, registered_at = NULL, password_hash = NULL`;

export class SqlAccountRecreations implements AccountRecreations {
  constructor(private readonly dataSource: DataSource) {}

  recreate(recreated: EducatorAccount, placeName: string, expiredBefore: Date): Promise<boolean> {
    const state = recreated.snapshot;
    const as = { createdAt: state.createdAt, registrationDeadline: state.registrationDeadline, createdByAccountId: state.createdByAccountId ?? 0 };
    return this.dataSource.transaction(async (manager) => (await recreateSet(manager, [recreated.id!], as, placeName, expiredBefore)) === 1);
  }

  async expiredAtSite(schoolSiteId: number, expiredBefore: Date, most: number): Promise<number[]> {
    const rows: Row[] = await this.dataSource.query(
      `SELECT a.id FROM educator_account_site m JOIN educator_account a ON a.id = m.account_id
       WHERE m.school_site_id = ? AND a.registered_at IS NULL AND a.registration_deadline < ? ORDER BY a.id LIMIT ?`,
      [schoolSiteId, expiredBefore.getTime(), most],
    );
    return rows.map((row) => Number(row.id));
  }

  recreateAll(accountIds: number[], as: RecreatedAs, placeName: string, expiredBefore: Date): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      let recreated = 0;
      for (let start = 0; start < accountIds.length; start += SET_SIZE) {
        recreated += await recreateSet(manager, accountIds.slice(start, start + SET_SIZE), as, placeName, expiredBefore);
      }
      return recreated;
    });
  }
}

/** One UPDATE for the set, then their invitations copied from the rows it changed (known by their new creation moment). */
const recreateSet = async (manager: EntityManager, ids: number[], as: RecreatedAs, placeName: string, expiredBefore: Date): Promise<number> => {
  const createdAt = as.createdAt.getTime();
  const changed = await changedRows(manager, `${RECREATE} WHERE id IN (${parameterList(ids.length)}) AND ${STILL_EXPIRED}`, [
    createdAt,
    as.registrationDeadline.getTime(),
    as.createdByAccountId,
    ...ids,
    expiredBefore.getTime(),
  ]);
  if (changed === 0) return 0;
  const row = outboxRow(queuedInvitation({ accountId: 0, to: '', placeName }), as.createdAt);
  await manager.query(
    `INSERT INTO outbox_message (recipient, account_id, template, subject, body, status, attempts, created_at, next_attempt_at)
     SELECT email, id, ?, ?, ?, ?, ?, ?, ? FROM educator_account WHERE id IN (${parameterList(ids.length)}) AND created_at = ? AND created_by_account_id = ?`,
    [row.template, row.subject, row.body, row.status, row.attempts, row.createdAt, row.nextAttemptAt, ...ids, createdAt, as.createdByAccountId],
  );
  const districts: Row[] = await manager.query(`SELECT DISTINCT district_id FROM educator_account WHERE id IN (${parameterList(ids.length)})`, ids);
  await moveAccountListCounters(
    manager,
    districts.map((district) => Number(district.district_id)),
  );
  return changed;
};
