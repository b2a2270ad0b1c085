import type { DataSource } from 'typeorm';
import type { AccountCorrections } from '../../application/ports/account-corrections';
import { EMAIL_TAKEN, type EducatorAccount } from '../../domain/educator/educator-account';
import { queuedInvitation, type QueuedInvitation } from '../../domain/educator/invitation';
import { fail, ok, refusal, type DomainError, type Result } from '../../domain/shared/result';
import { moveAccountListCounters } from './account-list-version';
import { normalizedName } from './account-listing-sql';
import { isUniqueViolation } from './database-errors';
import { changedRows } from './plain-sql';
import { membershipInserts } from './sql-educator-account-repository';
import { insertOutboxMessage } from './sql-unit-of-work';

// Only what a correction changes: a password changed or a registration written meanwhile is never written over.
const CORRECT = `UPDATE educator_account SET first_name = ?, last_name = ?, first_name_normalized = ?, last_name_normalized = ?, email = ?,
  email_normalized = ?, role_code = ?, created_at = ?, registration_deadline = ? WHERE id = ? AND created_at = ?`;

const ACCOUNT_CHANGED = refusal(
  'ACCOUNT_CHANGED',
  'The account changed while you were correcting it (the person registered, or it was created again). Open it again and redo the correction.',
);

export class SqlAccountCorrections implements AccountCorrections {
  constructor(private readonly dataSource: DataSource) {}

  async correct(corrected: EducatorAccount, was: EducatorAccount, invitation: QueuedInvitation | null): Promise<Result<void, DomainError>> {
    const next = corrected.snapshot;
    // A new email's invitation is only for an account still waiting to register, as it was when read.
    const unchanged = invitation ? ' AND registered_at IS NULL AND deactivated_at IS NULL' : '';
    try {
      return await this.dataSource.transaction(async (manager) => {
        const params = [
          ...[next.firstName, next.lastName, normalizedName(next.firstName), normalizedName(next.lastName)],
          ...[next.email.value, next.email.normalized, next.roleCode, next.createdAt.getTime(), next.registrationDeadline.getTime()],
          ...[was.id, was.createdAt.getTime()],
        ];
        if ((await changedRows(manager, CORRECT + unchanged, params)) !== 1) return fail(ACCOUNT_CHANGED);
        if (next.schoolSiteIds.join() !== was.schoolSiteIds.join()) {
          await manager.query('DELETE FROM educator_account_site WHERE account_id = ?', [was.id]);
          for (const statement of membershipInserts(was.id!, next.schoolSiteIds)) await manager.query(statement.sql, statement.params);
        }
        if (invitation) {
          // One still waiting would now be rendered for the new address too (invitations are rendered from the account when sent).
          await manager.query("DELETE FROM outbox_message WHERE account_id = ? AND template = 'invitation' AND status = 'PENDING'", [was.id]);
          await insertOutboxMessage((sql, parameters) => manager.query(sql, parameters), queuedInvitation(invitation), next.createdAt);
        }
        await moveAccountListCounters(manager, [was.districtId]);
        return ok(undefined);
      });
    } catch (error) {
      if (isUniqueViolation(error)) return fail(EMAIL_TAKEN);
      throw error;
    }
  }
}
