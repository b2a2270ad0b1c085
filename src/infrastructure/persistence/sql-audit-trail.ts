import type { EntityManager } from 'typeorm';
import type { Page } from '../../application/ports/account-directory';
import type { AuditEventFilter, AuditLog, AuditScope, RecordedAuditEvent } from '../../application/ports/audit-log';
import type { AuditAction, AuditEvent, AuditTrail } from '../../application/ports/audit-trail';

const MAX_DETAIL_LENGTH = 500;
const MAX_EMAIL_LENGTH = 320;
const PRUNED_PER_CALL = 1000;

interface Row {
  id: number | string;
  occurred_at: number | string;
  action: string;
  outcome: string;
  actor_account_id: number | null;
  actor_email: string | null;
  target_account_id: number | null;
  target_batch_id: number | null;
  district_id: number | null;
  school_site_id: number | null;
  client_address: string;
  detail: string | null;
}

const toEvent = (row: Row): RecordedAuditEvent => ({
  id: Number(row.id),
  at: new Date(Number(row.occurred_at)),
  action: row.action as AuditAction,
  outcome: row.outcome,
  actorAccountId: row.actor_account_id === null ? null : Number(row.actor_account_id),
  actorEmail: row.actor_email,
  targetAccountId: row.target_account_id === null ? null : Number(row.target_account_id),
  targetBatchId: row.target_batch_id === null ? null : Number(row.target_batch_id),
  districtId: row.district_id === null ? null : Number(row.district_id),
  schoolSiteId: row.school_site_id === null ? null : Number(row.school_site_id),
  clientAddress: row.client_address,
  detail: row.detail,
});

const likePattern = (text: string): string =>
  `%${text
    .trim()
    .toLowerCase()
    .replace(/[!%_]/g, (character) => `!${character}`)}%`;

export class SqlAuditTrail implements AuditTrail, AuditLog {
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

  async list(scope: AuditScope, filter: AuditEventFilter, first: number, beforeId: number | null): Promise<Page<RecordedAuditEvent>> {
    const where: string[] = [];
    const values: unknown[] = [];
    const add = (condition: string, ...more: unknown[]): void => {
      where.push(condition);
      values.push(...more);
    };
    if ('districtId' in scope) add('e.district_id = ?', scope.districtId);
    else if (scope.schoolSiteIds.length === 0) add('1 = 0');
    else add(`e.school_site_id IN (${scope.schoolSiteIds.map(() => '?').join(', ')})`, ...scope.schoolSiteIds);
    if (filter.schoolSiteId !== undefined) add('e.school_site_id = ?', filter.schoolSiteId);
    if (filter.action) add('e.action = ?', filter.action);
    if (filter.actorAccountId !== undefined) add('e.actor_account_id = ?', filter.actorAccountId);
    if (filter.from) add('e.occurred_at >= ?', filter.from.getTime());
    if (filter.to) add('e.occurred_at < ?', filter.to.getTime());
    if (filter.search?.trim()) {
      const pattern = likePattern(filter.search);
      add("(LOWER(e.actor_email) LIKE ? ESCAPE '!' OR actor.email_normalized LIKE ? ESCAPE '!')", pattern, pattern);
    }
    const from = `FROM audit_event e LEFT JOIN educator_account actor ON actor.id = e.actor_account_id WHERE ${where.join(' AND ')}`;
    const [counted]: { total: number | string }[] = await this.manager.query(`SELECT COUNT(*) AS total ${from}`, values);
    const rows: Row[] = await this.manager.query(`SELECT e.* ${from}${beforeId === null ? '' : ' AND e.id < ?'} ORDER BY e.id DESC LIMIT ?`, [
      ...values,
      ...(beforeId === null ? [] : [beforeId]),
      first + 1,
    ]);
    return { nodes: rows.slice(0, first).map(toEvent), hasNextPage: rows.length > first, totalCount: Number(counted.total) };
  }

  async pruneOlderThan(before: Date, most = PRUNED_PER_CALL): Promise<number> {
    const old: { id: number | string }[] = await this.manager.query('SELECT id FROM audit_event WHERE occurred_at < ? ORDER BY occurred_at LIMIT ?', [
      before.getTime(),
      most,
    ]);
    if (old.length === 0) return 0;
    await this.manager.query(
      `DELETE FROM audit_event WHERE id IN (${old.map(() => '?').join(', ')})`,
      old.map((row) => Number(row.id)),
    );
    return old.length;
  }
}
