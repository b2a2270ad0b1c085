import { EducatorAccount } from '../domain/educator/educator-account';
import { queuedInvitation } from '../domain/educator/invitation';
import { decideAccountCreation } from '../domain/role/account-creation-policy';
import { roleOf, type RoleCode } from '../domain/role/role';
import { siteAdminRecommendation, type Warning } from '../domain/school/site-admin-recommendation';
import type { SchoolSiteRepository } from '../domain/school/school-site';
import type { Actor } from '../domain/shared/actor';
import { refusal, type DomainError } from '../domain/shared/result';
import { AccessDenied } from './access-denied';
import { SINGLE_CREATION_AGREEMENT_VERSION } from './agreements';
import type { Clock } from './ports/clock';
import type { UnitOfWork } from './ports/unit-of-work';

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
  constructor(
    private readonly sites: SchoolSiteRepository,
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
  ) {}

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
    const role = roleOf(account.roleCode);
    const placeName = sites.length > 0 ? sites.map((site) => site.name).join(', ') : (await this.sites.findDistrict(actor.districtId))!.name;

    return this.unitOfWork.run(async (stores) => {
      const existing = await stores.accounts.findByEmail(account.email.normalized);
      const toSave = existing ? existing.recreateFrom(account, now) : { ok: true as const, value: account };
      if (!toSave.ok) return refused(toSave.error);
      const saved = await stores.accounts.save(toSave.value);
      if (!saved.ok) return refused(saved.error);
      await stores.recordAgreement({
        acceptedByAccountId: actor.accountId,
        agreement: 'SINGLE_ACCOUNT_CREATION',
        version: SINGLE_CREATION_AGREEMENT_VERSION,
        acceptedAt: now,
        subjectAccountId: saved.value,
      });
      await stores.enqueueEmail(queuedInvitation({ accountId: saved.value, to: account.email.value, placeName }), now);
      const warning = role.code === 'SITE_ADMIN' ? siteAdminRecommendation(await stores.accounts.countActiveSiteAdmins(knownIds[0], now), sites[0].name) : null;
      return { account: EducatorAccount.restore({ ...toSave.value.snapshot, id: saved.value }), warnings: warning ? [warning] : [], userErrors: [] };
    });
  }
}

const refused = (error: DomainError): CreateEducatorAccountOutcome => ({ account: null, warnings: [], userErrors: [error] });
