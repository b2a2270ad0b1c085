import type { DataSource } from 'typeorm';
import type { AttemptThrottle, ThrottledAttempt } from '../../application/ports/attempt-throttle';
import { isUniqueViolation } from './database-errors';
import { changedRows, type Row } from './plain-sql';

/** `burst` failures in a row; after that, one more each time `refillMs` has passed. */
export interface ThrottleLimit {
  burst: number;
  refillMs: number;
}

export interface ThrottleLimits {
  account: ThrottleLimit;
  address: ThrottleLimit;
}

/** Five in a row, then one every 3 minutes: the same 20 an hour as "five within 15 minutes lock the account for 15". */
export const ACCOUNT_LIMIT: ThrottleLimit = { burst: 5, refillMs: 3 * 60_000 };

const PRUNED_PER_CALL = 1000;

const THROTTLED_ACTIONS: readonly ThrottledAttempt['action'][] = ['sign-in', 'register', 'reset-password'];

const accountCounterKey = (action: ThrottledAttempt['action'], account: string): string => `${action}:account:${account.slice(0, 254)}`;

interface Counter {
  key: string;
  limit: ThrottleLimit;
}

/**
 * A counter is one row holding `clears_at`, the moment every failure it counts is forgotten (the "theoretical arrival
 * time" of the generic cell rate algorithm): each failure pushes it `refillMs` further, and a failure is allowed while
 * that leaves it at most `burst` refills ahead of now. A row whose `clears_at` has passed counts nothing, as no row does.
 * Counting is one conditional UPDATE, atomic in the database, so concurrent requests and API processes cannot overshoot.
 */
export class SqlAttemptThrottle implements AttemptThrottle {
  constructor(
    private readonly dataSource: DataSource,
    private readonly limits: ThrottleLimits,
  ) {}

  async reserve(attempt: ThrottledAttempt, now: Date): Promise<boolean> {
    const [account, address] = this.counters(attempt);
    if (!(await this.take(account, now.getTime()))) return false;
    if (await this.take(address, now.getTime())) return true;
    await this.giveBack(account);
    return false;
  }

  async succeeded(attempt: ThrottledAttempt): Promise<void> {
    const [account, address] = this.counters(attempt);
    await this.dataSource.query('DELETE FROM throttle_counter WHERE throttle_key = ?', [account.key]);
    await this.giveBack(address);
  }

  async forgetAccount(account: string): Promise<void> {
    const keys = THROTTLED_ACTIONS.map((action) => accountCounterKey(action, account));
    await this.dataSource.query(`DELETE FROM throttle_counter WHERE throttle_key IN (${keys.map(() => '?').join(', ')})`, keys);
  }

  async isBlocked(attempt: ThrottledAttempt, now: Date): Promise<boolean> {
    const counters = this.counters(attempt);
    const rows: Row[] = await this.dataSource.query(
      'SELECT throttle_key, clears_at FROM throttle_counter WHERE throttle_key IN (?, ?)',
      counters.map((counter) => counter.key),
    );
    return counters.some((counter) =>
      rows.some((row) => row.throttle_key === counter.key && Number(row.clears_at) > lastAllowed(counter.limit, now.getTime())),
    );
  }

  /** Deletes counters that count nothing any more, a bounded number per call; answers how many. */
  async pruneExpired(now: Date, most = PRUNED_PER_CALL): Promise<number> {
    const expired: Row[] = await this.dataSource.query('SELECT throttle_key FROM throttle_counter WHERE clears_at < ? ORDER BY clears_at LIMIT ?', [
      now.getTime(),
      most,
    ]);
    if (expired.length === 0) return 0;
    // Checked again: a counter that took a failure since it was read stays.
    return changedRows(this.dataSource.manager, `DELETE FROM throttle_counter WHERE clears_at < ? AND throttle_key IN (${expired.map(() => '?').join(', ')})`, [
      now.getTime(),
      ...expired.map((row) => row.throttle_key),
    ]);
  }

  private counters(attempt: ThrottledAttempt): [Counter, Counter] {
    return [
      { key: accountCounterKey(attempt.action, attempt.account), limit: this.limits.account },
      { key: `${attempt.action}:address:${attempt.address.slice(0, 45)}`, limit: this.limits.address },
    ];
  }

  private async take({ key, limit }: Counter, now: number): Promise<boolean> {
    const count = async () =>
      (await changedRows(
        this.dataSource.manager,
        'UPDATE throttle_counter SET clears_at = CASE WHEN clears_at > ? THEN clears_at ELSE ? END + ? WHERE throttle_key = ? AND clears_at <= ?',
        [now, now, limit.refillMs, key, lastAllowed(limit, now)],
      )) === 1;
    if (await count()) return true;
    try {
      await this.dataSource.query('INSERT INTO throttle_counter (throttle_key, clears_at) VALUES (?, ?)', [key, now + limit.refillMs]);
      return true;
    } catch (error) {
      // The row exists after all: created by a concurrent attempt just now, or full. Counting on it decides which.
      if (!isUniqueViolation(error)) throw error;
      return count();
    }
  }

  private async giveBack({ key, limit }: Counter): Promise<void> {
    await this.dataSource.query('UPDATE throttle_counter SET clears_at = clears_at - ? WHERE throttle_key = ?', [limit.refillMs, key]);
  }
}

/** The latest `clears_at` that still leaves room for one more failure. */
const lastAllowed = (limit: ThrottleLimit, now: number): number => now + (limit.burst - 1) * limit.refillMs;
