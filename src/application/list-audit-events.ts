import { manages } from '../domain/role/account-creation-policy';
import type { SchoolSiteRepository } from '../domain/school/school-site';
import type { Actor } from '../domain/shared/actor';
import { AccessDenied } from './access-denied';
import { pageSize } from './list-educator-accounts';
import type { Page } from './ports/account-directory';
import type { AuditEventFilter, AuditLog, AuditScope, RecordedAuditEvent } from './ports/audit-log';

/** `schoolSiteId` null: every event within the viewer's reach; undefined: an id that did not decode. */
export interface AuditEventsRequest extends Omit<AuditEventFilter, 'schoolSiteId'> {
  schoolSiteId: number | null | undefined;
}

/** A District Admin reads their district's events, a Site Admin those of their sites; nobody else reads any. */
export class ListAuditEvents {
  constructor(
    private readonly sites: SchoolSiteRepository,
    private readonly log: AuditLog,
  ) {}

  async execute(actor: Actor, request: AuditEventsRequest, first: number | null | undefined, beforeId: number | null): Promise<Page<RecordedAuditEvent>> {
    const scope = scopeOf(actor);
    if (!scope) throw new AccessDenied();
    const { schoolSiteId, ...filter } = request;
    if (schoolSiteId !== null) {
      const site = schoolSiteId === undefined ? null : await this.sites.findById(schoolSiteId);
      if (!site || !manages(actor, site)) throw new AccessDenied();
    }
    return this.log.list(scope, { ...filter, ...(schoolSiteId !== null && { schoolSiteId }) }, pageSize(first), beforeId);
  }
}

const scopeOf = (actor: Actor): AuditScope | null => {
  if (actor.roleCode === 'DISTRICT_ADMIN') return { districtId: actor.districtId };
  if (actor.roleCode === 'SITE_ADMIN') return { schoolSiteIds: actor.schoolSiteIds };
  return null;
};
