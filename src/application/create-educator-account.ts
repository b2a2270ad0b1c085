import { EducatorAccount } from '../domain/educator/educator-account';
import { HOUR_MS, singleCreationLimitReached, type InvitationLimit } from '../domain/educator/invitation-allowance';
import { decideAccountCreation } from '../domain/role/account-creation-policy';
import type { RoleCode } from '../domain/role/role';
import { siteAdminRecommendation, type Warning } from '../domain/school/site-admin-recommendation';
import type { SchoolSiteRepository } from '../domain/school/school-site';
import type { Actor } from '../domain/shared/actor';
import { ok, refusal, type DomainError, type Result } from '../domain/shared/result';
import { AccessDenied } from './access-denied';
import { SINGLE_CREATION_AGREEMENT_VERSION } from './agreements';
import type { Clock } from './ports/clock';
import type { InvitationAllowances } from './ports/invitation-allowances';
import type { AccountCreation, UnitOfWork, WrittenCreation } from './ports/unit-of-work';

export interface CreateEducatorAccountRequest {
  firstName: string;
  lastName: string;
  email: string;
  roleCode: RoleCode;
  /** Undefined entries are ids that did not decode: they name no site the actor could manage. */
  schoolSiteIds: (number | undefined)[];
  agreementAccepted: boolean;
}

const SITE_OUT_OF_REACH = 'You are not allowed to create accounts for that school site.';

export type CreateEducatorAccountOutcome = { account: EducatorAccount | null; warnings: Warning[]; userErrors: DomainError[] };

export class CreateEducatorAccount {
  private readonly limit: InvitationLimit;

  constructor(
    private readonly sites: SchoolSiteRepository,
    private readonly unitOfWork: UnitOfWork,
    private readonly allowances: InvitationAllowances,
    private readonly clock: Clock,
    invitationsPerAdminPerHour: number,
  ) {
    this.limit = { invitations: invitationsPerAdminPerHour, windowMs: HOUR_MS };
  }

  async execute(actor: Actor, request: CreateEducatorAccountRequest): Promise<CreateEducatorAccountOutcome> {
    const knownIds = request.schoolSiteIds.filter((id): id is number => id !== undefined);
    const sites = await this.sites.findByIds(knownIds);
    // One message for a site that does not exist and one outside the actor's reach, so a refusal reveals nothing about other schools.
    if (knownIds.length !== request.schoolSiteIds.length || sites.length !== new Set(knownIds).size) throw new AccessDenied(SITE_OUT_OF_REACH);
    const decision = decideAccountCreation(actor, request.roleCode, knownIds.map((id) => sites.find((site) => site.id === id)!));
    if (!decision.ok && decision.error.code === 'FORBIDDEN') throw new AccessDenied(SITE_OUT_OF_REACH);
    if (!request.agreementAccepted) {
      return refused(refusal('AGREEMENT_REQUIRED', 'Accept the account creation agreement to create this account.', ['agreementAccepted']));
    }
    if (!decision.ok) return refused(decision.error);

    const now = this.clock.now();
    const created = EducatorAccount.create({
      ...request,
      schoolSiteIds: knownIds,
      districtId: actor.districtId,
      createdByAccountId: actor.accountId,
      now,
    });
    if (!created.ok) return refused(created.error);
    const account = created.value;
    const siteAdminSite = account.roleCode === 'SITE_ADMIN' ? sites[0] : null;
    const creation: AccountCreation = {
      account,
      acceptance: { acceptedByAccountId: actor.accountId, agreement: 'SINGLE_ACCOUNT_CREATION', version: SINGLE_CREATION_AGREEMENT_VERSION, acceptedAt: now },
      invitation: {
        to: account.email.value,
        placeName: sites.length > 0 ? sites.map((site) => site.name).join(', ') : (await this.sites.findDistrict(actor.districtId))!.name,
      },
      countSiteAdminsOf: siteAdminSite?.id ?? null,
    };

    // Counted once nothing else refuses the account, and given back if its email turns out to be taken.
    const allowance = { adminAccountId: actor.accountId, kind: 'single' as const, amount: 1, at: now, limit: this.limit };
    const taken = await this.allowances.take(allowance);
    if (!taken.ok) return refused(singleCreationLimitReached(taken.error, now));

    // Most emails are new: the account is written straight away, and only an email in use is looked at.
    const firstTry = await this.unitOfWork.writeCreation(creation);
    const written = firstTry.ok || firstTry.error.code !== 'EMAIL_TAKEN' ? firstTry : await this.createAgain(creation, now);
    if (!written.ok) {
      await this.allowances.giveBack(allowance);
      return refused(written.error);
    }
    const warning = siteAdminSite ? siteAdminRecommendation(written.value.activeSiteAdmins ?? 0, siteAdminSite.name) : null;
    return { account: EducatorAccount.restore({ ...account.snapshot, id: written.value.accountId }), warnings: warning ? [warning] : [], userErrors: [] };
  }

  /** An expired account's email is created again in its place; a pending or active one stays EMAIL_TAKEN. */
  private createAgain(creation: AccountCreation, now: Date): Promise<Result<WrittenCreation, DomainError>> {
    return this.unitOfWork.run(async (stores) => {
      const existing = await stores.accounts.findByEmail(creation.account.email.normalized);
      // No account after all: the one in the way was a concurrent creation that rolled back.
      const replacement = existing ? existing.recreateFrom(creation.account, now) : ok(creation.account);
      return replacement.ok ? stores.writeCreation({ ...creation, account: replacement.value }) : replacement;
    });
  }
}

const refused = (error: DomainError): CreateEducatorAccountOutcome => ({ account: null, warnings: [], userErrors: [error] });
