import type { DataSource } from 'typeorm';
import type { AttemptThrottle, ThrottledAttempt } from '../../application/ports/attempt-throttle';
import { ThrottleCounterRecord } from './records/records';
import { isUniqueViolation } from './database-errors';

export interface ThrottleLimits {
  failuresPerAccount: number;
  failuresPerAddress: number;
  windowMs: number;
  lockMs: number;
}

export const DEFAULT_THROTTLE_LIMITS: ThrottleLimits = { failuresPerAccount: 5, failuresPerAddress: 20, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };

/** Counters live in the database so that several API processes share them. */
export class TypeOrmAttemptThrottle implements AttemptThrottle {
  constructor(
    private readonly dataSource: DataSource,
    private readonly limits: ThrottleLimits = DEFAULT_THROTTLE_LIMITS,
  ) {}

  async isBlocked(attempt: ThrottledAttempt, now: Date): Promise<boolean> {
    const counters = await this.dataSource.getRepository(ThrottleCounterRecord).findBy(this.keys(attempt).map(([throttleKey]) => ({ throttleKey })));
    return counters.some((counter) => counter.blockedUntil !== null && counter.blockedUntil > now.getTime());
  }

  async recordFailure(attempt: ThrottledAttempt, now: Date): Promise<void> {
    for (const [throttleKey, limit] of this.keys(attempt)) await this.countFailure(throttleKey, limit, now.getTime());
  }

  async recordSuccess(attempt: ThrottledAttempt): Promise<void> {
    await this.dataSource.getRepository(ThrottleCounterRecord).delete({ throttleKey: this.keys(attempt)[0][0] });
  }

  private keys(attempt: ThrottledAttempt): [string, number][] {
    return [
      [`${attempt.action}:account:${attempt.account.slice(0, 254)}`, this.limits.failuresPerAccount],
      [`${attempt.action}:address:${attempt.address.slice(0, 45)}`, this.limits.failuresPerAddress],
    ];
  }

  private async countFailure(throttleKey: string, limit: number, now: number): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const counter = await manager.findOne(ThrottleCounterRecord, { where: { throttleKey }, lock: manager.connection.options.type === 'better-sqlite3' ? undefined : { mode: 'pessimistic_write' } });
      const windowOpen = counter && now - counter.windowStartedAt < this.limits.windowMs;
      const failures = windowOpen ? counter.failures + 1 : 1;
      const next = { throttleKey, failures, windowStartedAt: windowOpen ? counter.windowStartedAt : now, blockedUntil: failures >= limit ? now + this.limits.lockMs : null };
      if (counter) {
        await manager.update(ThrottleCounterRecord, { throttleKey }, next);
        return;
      }
      try {
        await manager.insert(ThrottleCounterRecord, next);
      } catch (error) {
        // Another request counted the first failure at the same moment; one lost count is harmless.
        if (!isUniqueViolation(error)) throw error;
      }
    });
  }
}
