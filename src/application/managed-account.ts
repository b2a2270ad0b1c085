import type { EducatorAccount } from '../domain/educator/educator-account';
import type { EducatorAccountRepository } from '../domain/educator/educator-account-repository';
import { manages } from '../domain/role/account-creation-policy';
import type { SchoolSite, SchoolSiteRepository } from '../domain/school/school-site';
import type { Actor } from '../domain/shared/actor';

export interface ManagedAccount {
  account: EducatorAccount;
  sites: SchoolSite[];
}

/**
 * The account, when the actor manages every one of its sites (`manages`: a Site Admin their own sites, a District Admin
 * their district's); an account with no site (a District Admin) only by a District Admin of its district. Null otherwise,
 * and for an id that names nothing, so a refusal reveals nothing about accounts out of reach.
 */
export const managedAccount = async (
  accounts: EducatorAccountRepository,
  sites: SchoolSiteRepository,
  actor: Actor,
  accountId: number | undefined,
): Promise<ManagedAccount | null> => {
  const account = accountId === undefined ? null : await accounts.findById(accountId);
  if (!account || account.districtId !== actor.districtId) return null;
  const found = await sites.findByIds(account.schoolSiteIds);
  const reached = account.schoolSiteIds.length === 0 ? actor.roleCode === 'DISTRICT_ADMIN' : found.every((site) => manages(actor, site));
  return reached && found.length === account.schoolSiteIds.length ? { account, sites: found } : null;
};

/** The place an invitation names: the account's sites, or its district for an account with none. */
export const invitationPlace = async (sites: SchoolSiteRepository, managed: ManagedAccount): Promise<string> =>
  managed.sites.length > 0 ? managed.sites.map((site) => site.name).join(', ') : ((await sites.findDistrict(managed.account.districtId))?.name ?? '');
