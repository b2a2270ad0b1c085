import { registrationDeadlineFor } from '../domain/educator/educator-account';
import { DAY_MS, type InvitationLimit } from '../domain/educator/invitation-allowance';
import { expiredAccountsLimitReached } from '../domain/educator/invitation-resend';
import { manages } from '../domain/role/account-creation-policy';
import type { SchoolSiteRepository } from '../domain/school/school-site';
import type { Actor } from '../domain/shared/actor';
import type { DomainError } from '../domain/shared/result';
import { AccessDenied } from './access-denied';
import type { AccountRecreations } from './ports/account-recreations';
import type { AuditTrail } from './ports/audit-trail';
import type { Clock } from './ports/clock';
import type { InvitationAllowances } from './ports/invitation-allowances';

export type RecreateExpiredAccountsOutcome = { recreatedCount: number; userErrors: DomainError[] };

/**
 * Every expired account of a site created again in one action, written as sets. A bulk action, so it counts against the
 * admin's daily bulk allowance (as an upload's rows do), all or nothing: when the site's expired accounts do not fit,
 * none is recreated and the admin is told when they will.
 */
export class RecreateExpiredAccounts {
  private readonly limit: InvitationLimit;

  constructor(
    private readonly sites: SchoolSiteRepository,
    private readonly recreations: AccountRecreations,
    private readonly allowances: InvitationAllowances,
    private readonly auditTrail: AuditTrail,
    private readonly clock: Clock,
    bulkRowsPerAdminPerDay: number,
  ) {
    this.limit = { invitations: bulkRowsPerAdminPerDay, windowMs: DAY_MS };
  }

  async execute(actor: Actor, schoolSiteId: number | undefined, clientAddress: string): Promise<RecreateExpiredAccountsOutcome> {
    const now = this.clock.now();
    const site = schoolSiteId === undefined ? null : await this.sites.findById(schoolSiteId);
    const managed = site !== null && manages(actor, site);
    const record = (outcome: string, detail: string | null = null): Promise<void> =>
      this.auditTrail.record({
        action: 'EXPIRED_ACCOUNTS_RECREATED',
        outcome,
        at: now,
        actorAccountId: actor.accountId,
        districtId: actor.districtId,
        schoolSiteId: managed ? site.id : null,
        clientAddress,
        detail,
      });
    if (!managed) {
      await record('FORBIDDEN');
      throw new AccessDenied();
    }
    const ids = await this.recreations.expiredAtSite(site.id, now, this.limit.invitations + 1);
    if (ids.length === 0) {
      await record('SUCCEEDED', '0 accounts recreated');
      return { recreatedCount: 0, userErrors: [] };
    }
    const allowance = { adminAccountId: actor.accountId, kind: 'bulk-rows' as const, amount: ids.length, at: now, limit: this.limit };
    const taken = await this.allowances.take(allowance);
    if (!taken.ok) {
      const error = expiredAccountsLimitReached(ids.length, taken.error, this.limit, now);
      await record(error.code);
      return { recreatedCount: 0, userErrors: [error] };
    }
    const as = { createdAt: now, registrationDeadline: registrationDeadlineFor(now), createdByAccountId: actor.accountId };
    const recreatedCount = await this.recreations.recreateAll(ids, as, site.name, now);
    if (recreatedCount < ids.length) await this.allowances.giveBack({ ...allowance, amount: ids.length - recreatedCount });
    await record('SUCCEEDED', `${recreatedCount} accounts recreated`);
    return { recreatedCount, userErrors: [] };
  }
}
