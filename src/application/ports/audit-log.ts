import type { Page } from './account-directory';
import type { AuditAction, AuditEvent } from './audit-trail';

export interface RecordedAuditEvent extends AuditEvent {
  id: number;
}

/** Whose events a reader may see: a district's, or those of some sites. Every filter narrows it further. */
export type AuditScope = { districtId: number } | { schoolSiteIds: number[] };

export interface AuditEventFilter {
  schoolSiteId?: number;
  action?: AuditAction;
  actorAccountId?: number;
  /** Part of the actor's email (or of the email a refused sign-in named), any letter case. */
  search?: string;
  from?: Date;
  to?: Date;
}

/** The audit trail's read side: newest first, cursors are internal ids (made opaque by the API layer). */
export interface AuditLog {
  list(scope: AuditScope, filter: AuditEventFilter, first: number, beforeId: number | null): Promise<Page<RecordedAuditEvent>>;
  /** Removes at most `most` events older than `before`; answers how many, so a caller can go on while there are more. */
  pruneOlderThan(before: Date, most?: number): Promise<number>;
}
