import type { EducatorAccount } from '../domain/educator/educator-account';
import type { EducatorAccountRepository } from '../domain/educator/educator-account-repository';
import { managesAccount } from '../domain/role/account-creation-policy';
import type { SchoolSite, SchoolSiteRepository } from '../domain/school/school-site';
import type { Actor } from '../domain/shared/actor';
import { AccessDenied } from './access-denied';
import type { AuditAction, AuditTrail } from './ports/audit-trail';

/** One message for an account that does not exist and one outside the actor's reach: a refusal reveals nothing. */
export const ACCOUNT_OUT_OF_REACH = 'You are not allowed to manage that account.';

/**
 * The account an admin acts on, if they manage it; otherwise the refusal is recorded and AccessDenied thrown. `accountId`
 * undefined: an id that did not decode, which names no account.
 */
export const managedAccount = async (
  accounts: EducatorAccountRepository,
  auditTrail: AuditTrail,
  attempt: { actor: Actor; accountId: number | undefined; action: AuditAction; clientAddress: string; at: Date },
): Promise<EducatorAccount> => {
  const account = attempt.accountId === undefined ? null : await accounts.findById(attempt.accountId);
  if (account && managesAccount(attempt.actor, account)) return account;
  await auditTrail.record({
    action: attempt.action,
    outcome: 'FORBIDDEN',
    at: attempt.at,
    actorAccountId: attempt.actor.accountId,
    districtId: attempt.actor.districtId,
    clientAddress: attempt.clientAddress,
  });
  throw new AccessDenied(ACCOUNT_OUT_OF_REACH);
};

/** Where an event about the account is read: its district, and its site when it has exactly one. */
export const auditPlaceOf = (account: EducatorAccount): { districtId: number; schoolSiteId: number | null } => ({
  districtId: account.districtId,
  schoolSiteId: account.schoolSiteIds.length === 1 ? account.schoolSiteIds[0] : null,
});

export interface ManagedAccount {
  account: EducatorAccount;
  sites: SchoolSite[];
}

/** The account with its sites, when the actor manages it (`managesAccount`); null otherwise and for an id that names nothing. */
export const findManagedAccount = async (
  accounts: EducatorAccountRepository,
  sites: SchoolSiteRepository,
  actor: Actor,
  accountId: number | undefined,
): Promise<ManagedAccount | null> => {
  const account = accountId === undefined ? null : await accounts.findById(accountId);
  if (!account || !managesAccount(actor, account)) return null;
  const found = await sites.findByIds(account.schoolSiteIds);
  return found.length === account.schoolSiteIds.length ? { account, sites: found } : null;
};

/** The place an invitation names: the account's sites, or its district for an account with none. */
export const invitationPlace = async (sites: SchoolSiteRepository, managed: ManagedAccount): Promise<string> =>
  managed.sites.length > 0 ? managed.sites.map((site) => site.name).join(', ') : ((await sites.findDistrict(managed.account.districtId))?.name ?? '');

export interface AccountAction {
  actor: Actor;
  accountId: number | undefined;
  action: AuditAction;
  clientAddress: string;
  at: Date;
}

/**
 * An admin's action on one account: the account with its sites, and how to record the action's outcome. Out of reach
 * (or naming nothing), FORBIDDEN is recorded and AccessDenied thrown.
 */
export const startAccountAction = async (
  accounts: EducatorAccountRepository,
  sites: SchoolSiteRepository,
  auditTrail: AuditTrail,
  attempt: AccountAction,
): Promise<{ managed: ManagedAccount; record: (outcome: string, detail?: string) => Promise<void> }> => {
  const managed = await findManagedAccount(accounts, sites, attempt.actor, attempt.accountId);
  const record = (outcome: string, detail?: string): Promise<void> =>
    auditTrail.record({
      action: attempt.action,
      outcome,
      at: attempt.at,
      actorAccountId: attempt.actor.accountId,
      targetAccountId: managed ? attempt.accountId : null,
      districtId: attempt.actor.districtId,
      schoolSiteId: managed?.account.schoolSiteIds[0] ?? null,
      clientAddress: attempt.clientAddress,
      detail: detail ?? null,
    });
  if (!managed) {
    await record('FORBIDDEN');
    throw new AccessDenied();
  }
  return { managed, record };
};
