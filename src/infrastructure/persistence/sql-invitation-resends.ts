import type { DataSource } from 'typeorm';
import type { InvitationResends, ResendWindow } from '../../application/ports/invitation-resends';
import { queuedInvitation, type QueuedInvitation } from '../../domain/educator/invitation';
import { changedRows, type Row } from './plain-sql';
import { insertOutboxMessage } from './sql-unit-of-work';

// A resend before the account's latest creation (an expired account created again) does not count against it.
const SINCE_CREATED = 'invitation_resent_at IS NOT NULL AND invitation_resent_at >= created_at';

export class SqlInvitationResends implements InvitationResends {
  constructor(private readonly dataSource: DataSource) {}

  async lastResentAt(accountId: number): Promise<Date | null> {
    const rows: Row[] = await this.dataSource.query(`SELECT invitation_resent_at FROM educator_account WHERE id = ? AND ${SINCE_CREATED}`, [accountId]);
    return rows.length === 0 ? null : new Date(Number(rows[0].invitation_resent_at));
  }

  resend(invitation: QueuedInvitation, window: ResendWindow): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const marked = await changedRows(
        manager,
        `UPDATE educator_account SET invitation_resent_at = ?
         WHERE id = ? AND registered_at IS NULL AND NOT (${SINCE_CREATED} AND invitation_resent_at > ?)`,
        [window.at.getTime(), invitation.accountId, window.lastResendNoLaterThan.getTime()],
      );
      if (marked !== 1) return false;
      await insertOutboxMessage((sql, parameters) => manager.query(sql, parameters), queuedInvitation(invitation), window.at);
      return true;
    });
  }
}
