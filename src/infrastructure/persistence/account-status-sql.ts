import type { Row } from './plain-sql';
import { optionalDate } from './plain-sql';
import { accountStatus, type AccountStatus } from '../../domain/educator/educator-account';

/**
 * The domain's account status (accountStatus) where SQL must decide it over many rows: an account is not expired while
 * it is deactivated, registered, or its deadline has not passed. `?` is now, in epoch milliseconds. A test holds the two
 * together.
 */
export const notExpiredSql = (alias: string): string =>
  `(${alias}.deactivated_at IS NOT NULL OR ${alias}.registered_at IS NOT NULL OR ${alias}.registration_deadline >= ?)`;

/** Neither deactivated nor expired: the accounts that may act or still register (e.g. a site's Site Admins). */
export const inServiceSql = (alias: string): string => `(${alias}.deactivated_at IS NULL AND ${notExpiredSql(alias)})`;

/** Accounts whose domain status is `status` (a filter of the accounts list), with its parameters; `now` in epoch ms. */
export const statusIsSql = (alias: string, status: AccountStatus, now: Date): { sql: string; params: unknown[] } => {
  const inService = `${alias}.deactivated_at IS NULL`;
  if (status === 'DEACTIVATED') return { sql: `${alias}.deactivated_at IS NOT NULL`, params: [] };
  if (status === 'ACTIVE') return { sql: `(${inService} AND ${alias}.registered_at IS NOT NULL)`, params: [] };
  const deadline = status === 'EXPIRED' ? '<' : '>=';
  return { sql: `(${inService} AND ${alias}.registered_at IS NULL AND ${alias}.registration_deadline ${deadline} ?)`, params: [now.getTime()] };
};

/** The domain's answer for a row read with registered_at, registration_deadline and deactivated_at. */
export const isExpiredRow = (row: Row, now: Date): boolean =>
  accountStatus(
    {
      registeredAt: optionalDate(row.registered_at),
      registrationDeadline: new Date(Number(row.registration_deadline)),
      deactivatedAt: optionalDate(row.deactivated_at),
    },
    now,
  ) === 'EXPIRED';
