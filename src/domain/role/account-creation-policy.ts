import type { Actor } from '../shared/actor';
import { refusal, type DomainError, type Result, ok, fail } from '../shared/result';
import type { SchoolSite } from '../school/school-site';
import { roleOf, type RoleCode } from './role';

/** Who may create whom. Deny by default: anything not granted here is refused. */
const SITE_ADMIN_GRANTS: ReadonlySet<RoleCode> = new Set(['EDUCATOR', 'COUNSELOR_CASELOAD_ONLY', 'COUNSELOR', 'SITE_ADMIN']);

export type CreationDecision = Result<void, DomainError> | { ok: false; error: { code: 'FORBIDDEN'; message: string } };

/** True when the actor's authority reaches the site at all (their district's sites, or their own site). */
export const manages = (actor: Actor, site: SchoolSite): boolean => {
  if (actor.roleCode === 'DISTRICT_ADMIN') return site.districtId === actor.districtId;
  if (actor.roleCode === 'SITE_ADMIN') return actor.schoolSiteIds.includes(site.id);
  return false;
};

export const mayCreateAccounts = (actor: Actor): boolean => actor.roleCode === 'DISTRICT_ADMIN' || actor.roleCode === 'SITE_ADMIN';

export const mayGrant = (actor: Actor, roleCode: RoleCode): boolean =>
  actor.roleCode === 'DISTRICT_ADMIN' || (actor.roleCode === 'SITE_ADMIN' && SITE_ADMIN_GRANTS.has(roleCode));

/**
 * Sites outside the actor's reach are FORBIDDEN (checked first, so a refusal never reveals anything
 * about another school); then whether the actor may grant the role; then whether the number of
 * sites fits the role's scope.
 */
export const decideAccountCreation = (actor: Actor, roleCode: RoleCode, sites: SchoolSite[]): CreationDecision => {
  if (!mayCreateAccounts(actor) || !sites.every((site) => manages(actor, site))) {
    return { ok: false, error: { code: 'FORBIDDEN', message: 'You are not allowed to create accounts for that school site.' } };
  }
  const role = roleOf(roleCode);
  if (!mayGrant(actor, roleCode)) {
    return fail(refusal('ROLE_NOT_ALLOWED', `You may not create ${role.name} accounts. Ask your District Admin.`, ['roleCode']));
  }
  const distinctSites = new Set(sites.map((site) => site.id)).size;
  const fits =
    (role.scope === 'SITE' && distinctSites === 1 && sites.length === 1) ||
    (role.scope === 'MULTI_SITE' && distinctSites >= 2 && distinctSites === sites.length) ||
    (role.scope === 'DISTRICT' && sites.length === 0);
  if (!fits) {
    const expected = { SITE: 'exactly one school site', MULTI_SITE: 'two or more different school sites', DISTRICT: 'no school site' }[role.scope];
    return fail(refusal('INVALID_SITES', `A ${role.name} account needs ${expected}.`, ['schoolSiteIds']));
  }
  return ok(undefined);
};

/**
 * True when the actor may manage an existing account (deactivate, reactivate, correct it): a District Admin every
 * account of their district; a Site Admin the accounts whose every site is theirs and whose role they could grant.
 */
export const managesAccount = (actor: Actor, account: { districtId: number; roleCode: RoleCode; schoolSiteIds: number[] }): boolean => {
  if (account.districtId !== actor.districtId || !mayCreateAccounts(actor)) return false;
  if (actor.roleCode === 'DISTRICT_ADMIN') return true;
  return mayGrant(actor, account.roleCode) && account.schoolSiteIds.length > 0 && account.schoolSiteIds.every((id) => actor.schoolSiteIds.includes(id));
};
