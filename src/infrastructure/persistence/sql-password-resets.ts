import type { DataSource } from 'typeorm';
import type { PasswordResets } from '../../application/ports/password-resets';
import { PASSWORD_RESET_SUBJECT, type PasswordReset } from '../../domain/educator/password-reset';
import { OutboxMessageRecord, PasswordResetRecord } from './records/records';
import { changedRows, optionalDate, type Row } from './plain-sql';

/** A reset email's outbox body: what its code is derived from when it is sent (the code itself is never written). */
export const passwordResetBody = (reset: { id: number; requestedAt: Date }): string =>
  JSON.stringify({ resetId: reset.id, requestedAt: reset.requestedAt.getTime() });

export class SqlPasswordResets implements PasswordResets {
  constructor(private readonly dataSource: DataSource) {}

  start(account: { id: number; email: string }, requestedAt: Date, expiresAt: Date): Promise<void> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('DELETE FROM password_reset WHERE account_id = ?', [account.id]);
      const { identifiers } = await manager.insert(PasswordResetRecord, {
        accountId: account.id,
        requestedAt: requestedAt.getTime(),
        expiresAt: expiresAt.getTime(),
        usedAt: null,
      });
      const id = Number(identifiers[0].id);
      await manager.insert(OutboxMessageRecord, {
        recipient: account.email,
        accountId: account.id,
        template: 'password-reset',
        subject: PASSWORD_RESET_SUBJECT,
        body: passwordResetBody({ id, requestedAt }),
        status: 'PENDING',
        attempts: 0,
        createdAt: requestedAt.getTime(),
        nextAttemptAt: requestedAt.getTime(),
        sentAt: null,
        lastError: null,
      });
    });
  }

  async latestOf(accountId: number): Promise<PasswordReset | null> {
    const rows: Row[] = await this.dataSource.query(
      'SELECT id, account_id, requested_at, expires_at, used_at FROM password_reset WHERE account_id = ? ORDER BY id DESC LIMIT 1',
      [accountId],
    );
    if (rows.length === 0) return null;
    const [row] = rows;
    return {
      id: Number(row.id),
      accountId: Number(row.account_id),
      requestedAt: new Date(Number(row.requested_at)),
      expiresAt: new Date(Number(row.expires_at)),
      usedAt: optionalDate(row.used_at),
    };
  }

  async markUsed(resetId: number, at: Date): Promise<boolean> {
    return (
      (await changedRows(this.dataSource.manager, 'UPDATE password_reset SET used_at = ? WHERE id = ? AND used_at IS NULL', [at.getTime(), resetId])) === 1
    );
  }
}
