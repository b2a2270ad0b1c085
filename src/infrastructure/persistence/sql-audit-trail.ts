import type { EntityManager } from 'typeorm';
import type { AuditEvent, AuditTrail } from '../../application/ports/audit-trail';

const MAX_DETAIL_LENGTH = 500;
const MAX_EMAIL_LENGTH = 320;

export class SqlAuditTrail implements AuditTrail {
  constructor(private readonly manager: EntityManager) {}

  async record(event: AuditEvent): Promise<void> {
    await this.manager.query(
      `INSERT INTO audit_event (occurred_at, action, outcome, actor_account_id, actor_email, target_account_id, target_batch_id, district_id,
         school_site_id, client_address, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        event.at.getTime(),
        event.action,
        event.outcome,
        event.actorAccountId,
        event.actorEmail?.slice(0, MAX_EMAIL_LENGTH) ?? null,
        event.targetAccountId ?? null,
        event.targetBatchId ?? null,
        event.districtId,
        event.schoolSiteId ?? null,
        event.clientAddress.slice(0, 64),
        event.detail?.slice(0, MAX_DETAIL_LENGTH) ?? null,
      ],
    );
  }
}
