import { EducatorAccount } from '../domain/educator/educator-account';
import { HOUR_MS, singleCreationLimitReached, type InvitationLimit } from '../domain/educator/invitation-allowance';
import { decideAccountCreation } from '../domain/role/account-creation-policy';
import type { RoleCode } from '../domain/role/role';
import { siteAdminRecommendation, type Warning } from '../domain/school/site-admin-recommendation';
import type { SchoolSiteRepository } from '../domain/school/school-site';
import type { Actor } from '../domain/shared/actor';
import { fail, ok, refusal, type DomainError, type Result } from '../domain/shared/result';
import { AccessDenied } from './access-denied';
import { SINGLE_CREATION_AGREEMENT_VERSION } from './agreements';
import { IDEMPOTENCY_KEY_REUSED, keyedRequest, keyOf } from './idempotency';
import type { AuditTrail } from './ports/audit-trail';
import type { Clock } from './ports/clock';
import type { KeyedResult, StartFingerprint } from './ports/idempotency-keys';
import type { InvitationAllowances } from './ports/invitation-allowances';
import type { AccountCreation, TransactionalStores, UnitOfWork, WrittenCreation } from './ports/unit-of-work';

export interface CreateEducatorAccountRequest {
  firstName: string;
  lastName: string;
  email: string;
  roleCode: RoleCode;
  /** Undefined entries are ids that did not decode: they name no site the actor could manage. */
  schoolSiteIds: (number | undefined)[];
  agreementAccepted: boolean;
  /** Chosen by the client: sent again with the same request, it is answered the account the first one created. */
  idempotencyKey?: string;
  /** Where the request came from, for the audit trail. */
  clientAddress: string;
}

const SITE_OUT_OF_REACH = 'You are not allowed to create accounts for that school site.';

export type CreateEducatorAccountOutcome = { account: EducatorAccount | null; warnings: Warning[]; userErrors: DomainError[] };

/** `earlier`: a retry, answered the account an earlier request with its key created. */
type Created = { account: EducatorAccount; activeSiteAdmins: number | null; earlier?: boolean };

export class CreateEducatorAccount {
  private readonly limit: InvitationLimit;

  constructor(
    private readonly sites: SchoolSiteRepository,
    private readonly unitOfWork: UnitOfWork,
    private readonly allowances: InvitationAllowances,
    private readonly clock: Clock,
    private readonly startFingerprint: StartFingerprint,
    invitationsPerAdminPerHour: number,
    private readonly audit: AuditTrail,
  ) {
    this.limit = { invitations: invitationsPerAdminPerHour, windowMs: HOUR_MS };
  }

  /**
   * Recorded once the account is written (or refused), outside the creation's own transaction: that write is batched with
   * other requests' (the unit of work), and a separate insert keeps the batching as it is.
   */
  async execute(actor: Actor, request: CreateEducatorAccountRequest): Promise<CreateEducatorAccountOutcome> {
    const event = { action: 'ACCOUNT_CREATED' as const, actorAccountId: actor.accountId, districtId: actor.districtId, clientAddress: request.clientAddress };
    const siteId = request.schoolSiteIds[0] ?? null;
    let outcome: CreateEducatorAccountOutcome;
    try {
      outcome = await this.create(actor, request);
    } catch (error) {
      if (error instanceof AccessDenied) await this.audit.record({ ...event, outcome: 'FORBIDDEN', at: this.clock.now(), detail: request.email.trim() });
      throw error;
    }
    await this.audit.record({
      ...event,
      outcome: outcome.userErrors[0]?.code ?? 'SUCCEEDED',
      at: this.clock.now(),
      targetAccountId: outcome.account?.id ?? null,
      schoolSiteId: siteId,
      detail: outcome.account ? null : request.email.trim(),
    });
    return outcome;
  }

  private async create(actor: Actor, request: CreateEducatorAccountRequest): Promise<CreateEducatorAccountOutcome> {
    const knownIds = request.schoolSiteIds.filter((id): id is number => id !== undefined);
    const sites = await this.sites.findByIds(knownIds);
    // One message for a site that does not exist and one outside the actor's reach, so a refusal reveals nothing about other schools.
    if (knownIds.length !== request.schoolSiteIds.length || sites.length !== new Set(knownIds).size) throw new AccessDenied(SITE_OUT_OF_REACH);
    const decision = decideAccountCreation(
      actor,
      request.roleCode,
      knownIds.map((id) => sites.find((site) => site.id === id)!),
    );
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
    const key = keyOf(actor.accountId, request.idempotencyKey);
    const { firstName, lastName, email, roleCode, schoolSiteIds } = account.snapshot;
    const decisive = [firstName, lastName, email.normalized, roleCode, schoolSiteIds.sort((a, b) => a - b)];
    const creation: AccountCreation = {
      account,
      acceptance: { acceptedByAccountId: actor.accountId, agreement: 'SINGLE_ACCOUNT_CREATION', version: SINGLE_CREATION_AGREEMENT_VERSION, acceptedAt: now },
      invitation: {
        to: account.email.value,
        placeName: sites.length > 0 ? sites.map((site) => site.name).join(', ') : (await this.sites.findDistrict(actor.districtId))!.name,
      },
      countSiteAdminsOf: siteAdminSite?.id ?? null,
      ...(key && { idempotency: keyedRequest(key, this.startFingerprint, 'createEducatorAccount', decisive) }),
    };

    // Counted once nothing else refuses the account; given back if it is refused after all, or a retry answers an earlier one.
    const allowance = { adminAccountId: actor.accountId, kind: 'single' as const, amount: 1, at: now, limit: this.limit };
    const taken = await this.allowances.take(allowance);
    if (!taken.ok) return refused(singleCreationLimitReached(taken.error, now));

    // Most emails are new: the account is written straight away, and only an email (or a key) in use is looked at.
    const firstTry = await this.unitOfWork.writeCreation(creation);
    const written = firstTry.ok ? ok(writtenAs(account, firstTry.value)) : await this.createAgain(creation, now);
    if (!written.ok || written.value.earlier) await this.allowances.giveBack(allowance);
    if (!written.ok) return refused(written.error);
    const warning = siteAdminSite ? siteAdminRecommendation(written.value.activeSiteAdmins ?? 0, siteAdminSite.name) : null;
    return { account: written.value.account, warnings: warning ? [warning] : [], userErrors: [] };
  }

  /**
   * The email or the key is in use. A key that names an earlier creation answers it; otherwise an expired account's
   * email is created again in its place, and a pending or active one stays EMAIL_TAKEN.
   */
  private async createAgain(creation: AccountCreation, now: Date): Promise<Result<Created, DomainError>> {
    const look = (): Promise<Result<Created, DomainError>> =>
      this.unitOfWork.run(async (stores) => {
        const earlier = creation.idempotency ? await stores.idempotencyKeys.find(creation.idempotency) : null;
        if (earlier) return answerEarlier(stores, creation, earlier, now);
        const existing = await stores.accounts.findByEmail(creation.account.email.normalized);
        // No account after all: the one in the way was a concurrent creation that rolled back.
        const replacement = existing ? existing.recreateFrom(creation.account, now) : ok(creation.account);
        if (!replacement.ok) return replacement;
        const written = await stores.writeCreation({ ...creation, account: replacement.value });
        return written.ok ? ok(writtenAs(replacement.value, written.value)) : written;
      });
    const looked = await look();
    // The same key landed with another request between this look and its write: a second look, in a new transaction, sees it.
    return !looked.ok && looked.error.code === 'IDEMPOTENCY_KEY_TAKEN' ? look() : looked;
  }
}

const writtenAs = (account: EducatorAccount, written: WrittenCreation): Created => ({
  account: EducatorAccount.restore({ ...account.snapshot, id: written.accountId }),
  activeSiteAdmins: written.activeSiteAdmins,
});

/** A retry is answered the account its key names, as it is now; the same key sent with a different request is refused. */
const answerEarlier = async (
  stores: TransactionalStores,
  creation: AccountCreation,
  earlier: KeyedResult,
  now: Date,
): Promise<Result<Created, DomainError>> => {
  const sameRequest = earlier.requestDigest === creation.idempotency?.requestDigest && earlier.accountId !== null;
  const account = sameRequest ? await stores.accounts.findById(earlier.accountId!) : null;
  if (!account) return fail(IDEMPOTENCY_KEY_REUSED);
  const siteId = creation.countSiteAdminsOf;
  return ok({ account, activeSiteAdmins: siteId === null ? null : await stores.accounts.countActiveSiteAdmins(siteId, now), earlier: true });
};

const refused = (error: DomainError): CreateEducatorAccountOutcome => ({ account: null, warnings: [], userErrors: [error] });
