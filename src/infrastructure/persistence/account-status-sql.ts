import type { Row } from './plain-sql';
import { optionalDate } from './plain-sql';
import { accountStatus } from '../../domain/educator/educator-account';

/**
 * The domain's account status (accountStatus) where SQL must decide it over many rows: an account is not expired while
 * it is registered or its deadline has not passed. `?` is now, in epoch milliseconds. A test holds the two together.
 */
export const notExpiredSql = (alias: string): string => `(${alias}.registered_at IS NOT NULL OR ${alias}.registration_deadline >= ?)`;

/** The domain's answer for a row read with registered_at and registration_deadline. */
export const isExpiredRow = (row: Row, now: Date): boolean =>
  accountStatus({ registeredAt: optionalDate(row.registered_at), registrationDeadline: new Date(Number(row.registration_deadline)) }, now) === 'EXPIRED';
