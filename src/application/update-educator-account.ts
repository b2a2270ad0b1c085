import { EMAIL_TAKEN, type AccountCorrection, type CorrectedAccount, type EducatorAccount } from '../domain/educator/educator-account';
import type { EducatorAccountRepository } from '../domain/educator/educator-account-repository';
import { HOUR_MS, type InvitationLimit } from '../domain/educator/invitation-allowance';
import { invitationLimitReached } from '../domain/educator/invitation-resend';
import { decideAccountCreation } from '../domain/role/account-creation-policy';
import type { RoleCode } from '../domain/role/role';
import type { SchoolSite, SchoolSiteRepository } from '../domain/school/school-site';
import { siteAdminRecommendation, type Warning } from '../domain/school/site-admin-recommendation';
import type { Actor } from '../domain/shared/actor';
import { refusal, type DomainError } from '../domain/shared/result';
import { AccessDenied } from './access-denied';
import { invitationPlace, startAccountAction } from './managed-account';
import type { AccountCorrections } from './ports/account-corrections';
import type { AuditTrail } from './ports/audit-trail';
import type { Clock } from './ports/clock';
import type { InvitationAllowances } from './ports/invitation-allowances';

export interface UpdateEducatorAccountRequest {
  /** Undefined: an id that did not decode. */
  accountId: number | undefined;
  firstName?: string;
  lastName?: string;
  email?: string;
  roleCode?: RoleCode;
  /** Undefined entries are ids that did not decode: they name no site the actor could manage. */
  schoolSiteIds?: (number | undefined)[];
  clientAddress: string;
}

export type UpdateEducatorAccountOutcome = { account: EducatorAccount | null; warnings: Warning[]; userErrors: DomainError[] };

const SITE_OUT_OF_REACH = 'You are not allowed to manage accounts at that school site.';
const ownRole = (field: 'roleCode' | 'schoolSiteIds'): DomainError =>
  refusal('CANNOT_CHANGE_OWN_ROLE', 'You cannot change your own role or school sites. Ask another administrator.', [field]);

/**
 * An admin corrects an account they manage: names at any time, the email until the person registers (a new email gets a
 * new code and a new invitation, counted like a creation's), role and sites by the creation rules, never their own.
 */
export class UpdateEducatorAccount {
  private readonly limit: InvitationLimit;

  constructor(
    private readonly accounts: EducatorAccountRepository,
    private readonly sites: SchoolSiteRepository,
    private readonly corrections: AccountCorrections,
    private readonly allowances: InvitationAllowances,
    private readonly auditTrail: AuditTrail,
    private readonly clock: Clock,
    invitationsPerAdminPerHour: number,
  ) {
    this.limit = { invitations: invitationsPerAdminPerHour, windowMs: HOUR_MS };
  }

  async execute(actor: Actor, request: UpdateEducatorAccountRequest): Promise<UpdateEducatorAccountOutcome> {
    const now = this.clock.now();
    const attempt = { actor, accountId: request.accountId, action: 'ACCOUNT_UPDATED' as const, clientAddress: request.clientAddress, at: now };
    const { managed, record } = await startAccountAction(this.accounts, this.sites, this.auditTrail, attempt);
    const { account } = managed;
    const refuse = async (error: DomainError): Promise<UpdateEducatorAccountOutcome> => {
      await record(error.code);
      return { account, warnings: [], userErrors: [error] };
    };
    const forbid = async (): Promise<never> => {
      await record('FORBIDDEN');
      throw new AccessDenied(SITE_OUT_OF_REACH);
    };
    const siteIds = request.schoolSiteIds;
    if (siteIds?.includes(undefined)) return forbid();
    const correction: AccountCorrection = { ...request, schoolSiteIds: siteIds as number[] | undefined };
    const corrected = account.correctedWith(correction, now);
    if (!corrected.ok) return refuse(corrected.error);
    const { changed } = corrected.value;

    const reassigned = changed.includes('roleCode') || changed.includes('schoolSiteIds');
    const newSites = reassigned ? await this.sitesNamed(corrected.value.account.schoolSiteIds) : managed.sites;
    // One refusal for a site that does not exist and one outside the actor's reach, as at creation.
    if (!newSites) return forbid();
    if (reassigned) {
      if (account.id === actor.accountId) return refuse(ownRole(changed.includes('roleCode') ? 'roleCode' : 'schoolSiteIds'));
      const decision = decideAccountCreation(actor, corrected.value.account.roleCode, newSites);
      if (!decision.ok && decision.error.code === 'FORBIDDEN') return forbid();
      if (!decision.ok) return refuse(decision.error);
    }
    const written = await this.write(actor, corrected.value, account, newSites, now);
    if (written) return refuse(written);
    await record('SUCCEEDED', changed.length > 0 ? `Changed: ${changed.join(', ')}` : 'Nothing changed');
    return { account: corrected.value.account, warnings: await this.siteAdminWarnings(corrected.value, newSites, now), userErrors: [] };
  }

  /** Each id's site, in order (duplicates kept, for the creation policy to refuse); null when one names no site. */
  private async sitesNamed(ids: number[]): Promise<SchoolSite[] | null> {
    const found = await this.sites.findByIds(ids);
    const named = ids.map((id) => found.find((site) => site.id === id));
    return named.every((site) => site !== undefined) ? named : null;
  }

  /** Written, with the new invitation a new email needs (counted against the admin's hourly allowance); the refusal otherwise. */
  private async write(actor: Actor, corrected: CorrectedAccount, was: EducatorAccount, sites: SchoolSite[], now: Date): Promise<DomainError | null> {
    if (corrected.changed.length === 0) return null;
    const holder = corrected.changed.includes('email') ? await this.accounts.findByEmail(corrected.account.email.normalized) : null;
    if (holder && holder.id !== was.id) return EMAIL_TAKEN;
    if (!corrected.reinvite) {
      const written = await this.corrections.correct(corrected.account, was, null);
      return written.ok ? null : written.error;
    }
    const allowance = { adminAccountId: actor.accountId, kind: 'single' as const, amount: 1, at: now, limit: this.limit };
    const taken = await this.allowances.take(allowance);
    if (!taken.ok) return invitationLimitReached(taken.error, now);
    const placeName = await invitationPlace(this.sites, { account: corrected.account, sites });
    const written = await this.corrections.correct(corrected.account, was, { accountId: was.id!, to: corrected.account.email.value, placeName });
    if (written.ok) return null;
    await this.allowances.giveBack(allowance);
    return written.error;
  }

  /** The 1–2 Site Admins per site advice, as at creation, when a Site Admin arrives at a site. */
  private async siteAdminWarnings(corrected: CorrectedAccount, sites: SchoolSite[], now: Date): Promise<Warning[]> {
    const arrived = corrected.changed.includes('roleCode') || corrected.changed.includes('schoolSiteIds');
    if (!arrived || corrected.account.roleCode !== 'SITE_ADMIN' || sites.length !== 1) return [];
    const warning = siteAdminRecommendation(await this.accounts.countActiveSiteAdmins(sites[0].id, now), sites[0].name);
    return warning ? [warning] : [];
  }
}
