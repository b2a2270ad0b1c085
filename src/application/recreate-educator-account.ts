import { EducatorAccount } from '../domain/educator/educator-account';
import type { EducatorAccountRepository } from '../domain/educator/educator-account-repository';
import { HOUR_MS, type InvitationLimit } from '../domain/educator/invitation-allowance';
import { invitationLimitReached, NOT_EXPIRED } from '../domain/educator/invitation-resend';
import type { SchoolSiteRepository } from '../domain/school/school-site';
import type { Actor } from '../domain/shared/actor';
import type { DomainError } from '../domain/shared/result';
import { invitationPlace, startAccountAction } from './managed-account';
import type { AccountRecreations } from './ports/account-recreations';
import type { AuditTrail } from './ports/audit-trail';
import type { Clock } from './ports/clock';
import type { InvitationAllowances } from './ports/invitation-allowances';

export type RecreateEducatorAccountOutcome = { account: EducatorAccount | null; userErrors: DomainError[] };

/**
 * An expired account created again with the same details, as creating its email again would (EducatorAccount.recreateFrom):
 * a new 60-day deadline, a new code and a new invitation, counted against the admin's hourly allowance like a creation.
 */
export class RecreateEducatorAccount {
  private readonly limit: InvitationLimit;

  constructor(
    private readonly accounts: EducatorAccountRepository,
    private readonly sites: SchoolSiteRepository,
    private readonly recreations: AccountRecreations,
    private readonly allowances: InvitationAllowances,
    private readonly auditTrail: AuditTrail,
    private readonly clock: Clock,
    invitationsPerAdminPerHour: number,
  ) {
    this.limit = { invitations: invitationsPerAdminPerHour, windowMs: HOUR_MS };
  }

  async execute(actor: Actor, accountId: number | undefined, clientAddress: string): Promise<RecreateEducatorAccountOutcome> {
    const now = this.clock.now();
    const { managed, record } = await startAccountAction(this.accounts, this.sites, this.auditTrail, {
      actor,
      accountId,
      action: 'ACCOUNT_RECREATED',
      clientAddress,
      at: now,
    });
    const { account } = managed;
    const refuse = async (error: DomainError): Promise<RecreateEducatorAccountOutcome> => {
      await record(error.code);
      return { account, userErrors: [error] };
    };
    const { firstName, lastName, email, roleCode, districtId, schoolSiteIds } = account.snapshot;
    const replacement = EducatorAccount.create({
      firstName,
      lastName,
      email: email.value,
      roleCode,
      districtId,
      schoolSiteIds,
      createdByAccountId: actor.accountId,
      now,
    });
    if (!replacement.ok) return refuse(replacement.error);
    const recreated = account.recreateFrom(replacement.value, now);
    if (!recreated.ok) return refuse(NOT_EXPIRED);

    const allowance = { adminAccountId: actor.accountId, kind: 'single' as const, amount: 1, at: now, limit: this.limit };
    const taken = await this.allowances.take(allowance);
    if (!taken.ok) return refuse(invitationLimitReached(taken.error, now));
    if (!(await this.recreations.recreate(recreated.value, await invitationPlace(this.sites, managed), now))) {
      await this.allowances.giveBack(allowance);
      return refuse(NOT_EXPIRED);
    }
    await record('SUCCEEDED');
    return { account: recreated.value, userErrors: [] };
  }
}
