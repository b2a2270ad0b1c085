import type { EducatorAccount } from '../domain/educator/educator-account';
import type { EducatorAccountRepository } from '../domain/educator/educator-account-repository';
import { HOUR_MS, type InvitationLimit } from '../domain/educator/invitation-allowance';
import { invitationLimitReached, nextResendAt, NOT_PENDING, resendTooSoon } from '../domain/educator/invitation-resend';
import type { SchoolSiteRepository } from '../domain/school/school-site';
import type { Actor } from '../domain/shared/actor';
import type { DomainError } from '../domain/shared/result';
import { invitationPlace, startAccountAction } from './managed-account';
import type { AuditTrail } from './ports/audit-trail';
import type { Clock } from './ports/clock';
import type { InvitationAllowances } from './ports/invitation-allowances';
import type { InvitationResends } from './ports/invitation-resends';

export type ResendInvitationOutcome = { account: EducatorAccount | null; userErrors: DomainError[] };

export interface ResendSettings {
  invitationsPerAdminPerHour: number;
  resendMinMinutes: number;
}

/** A pending account's invitation sent again, as the first was: the same email, counted against the admin's hourly allowance. */
export class ResendInvitation {
  private readonly limit: InvitationLimit;

  constructor(
    private readonly accounts: EducatorAccountRepository,
    private readonly sites: SchoolSiteRepository,
    private readonly resends: InvitationResends,
    private readonly allowances: InvitationAllowances,
    private readonly auditTrail: AuditTrail,
    private readonly clock: Clock,
    private readonly settings: ResendSettings,
  ) {
    this.limit = { invitations: settings.invitationsPerAdminPerHour, windowMs: HOUR_MS };
  }

  async execute(actor: Actor, accountId: number | undefined, clientAddress: string): Promise<ResendInvitationOutcome> {
    const now = this.clock.now();
    const { managed, record } = await startAccountAction(this.accounts, this.sites, this.auditTrail, {
      actor,
      accountId,
      action: 'INVITATION_RESENT',
      clientAddress,
      at: now,
    });
    const { account } = managed;
    const refuse = async (error: DomainError): Promise<ResendInvitationOutcome> => {
      await record(error.code);
      return { account, userErrors: [error] };
    };
    if (account.status(now) !== 'PENDING_REGISTRATION') return refuse(NOT_PENDING);
    const retryAt = nextResendAt(await this.resends.lastResentAt(account.id!), this.settings.resendMinMinutes);
    if (retryAt && retryAt > now) return refuse(resendTooSoon(retryAt, now));

    const allowance = { adminAccountId: actor.accountId, kind: 'single' as const, amount: 1, at: now, limit: this.limit };
    const taken = await this.allowances.take(allowance);
    if (!taken.ok) return refuse(invitationLimitReached(taken.error, now));
    const invitation = { accountId: account.id!, to: account.email.value, placeName: await invitationPlace(this.sites, managed) };
    const window = { at: now, lastResendNoLaterThan: new Date(now.getTime() - this.settings.resendMinMinutes * 60_000) };
    if (!(await this.resends.resend(invitation, window))) {
      // Another resend (or the registration) landed in between: nothing was sent, so nothing is counted.
      await this.allowances.giveBack(allowance);
      const last = await this.resends.lastResentAt(account.id!);
      return refuse(last ? resendTooSoon(nextResendAt(last, this.settings.resendMinMinutes)!, now) : NOT_PENDING);
    }
    await record('SUCCEEDED');
    return { account, userErrors: [] };
  }
}
