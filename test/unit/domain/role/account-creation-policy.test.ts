import { expect } from 'chai';
import { decideAccountCreation, manages, mayCreateAccounts, mayGrant } from '../../../../src/domain/role/account-creation-policy';
import { ROLE_CODES, type RoleCode } from '../../../../src/domain/role/role';
import type { SchoolSite } from '../../../../src/domain/school/school-site';
import { anActor, DISTRICT_ONE, HILLCREST_ELEMENTARY, NORTH_HIGH, SOUTH_MIDDLE } from '../../../support/builders';

type Outcome = 'ok' | 'FORBIDDEN' | 'ROLE_NOT_ALLOWED' | 'INVALID_SITES';

// The actor's "own" site is North High; South Middle is another site of the same district; Hillcrest is another district.
const SITE_SETS: { label: string; sites: SchoolSite[] }[] = [
  { label: 'no site', sites: [] },
  { label: 'own site', sites: [NORTH_HIGH] },
  { label: 'other site in district', sites: [SOUTH_MIDDLE] },
  { label: 'own and other site in district', sites: [NORTH_HIGH, SOUTH_MIDDLE] },
  { label: 'own site twice', sites: [NORTH_HIGH, NORTH_HIGH] },
  { label: 'site in another district', sites: [HILLCREST_ELEMENTARY] },
  { label: 'own site and site in another district', sites: [NORTH_HIGH, HILLCREST_ELEMENTARY] },
  { label: 'both district sites and site in another district', sites: [NORTH_HIGH, SOUTH_MIDDLE, HILLCREST_ELEMENTARY] },
];

const SITE_ROLES: RoleCode[] = ['EDUCATOR', 'COUNSELOR_CASELOAD_ONLY', 'COUNSELOR', 'SITE_ADMIN'];

// Written from the rules, not from the implementation.
const sitesFitScope = (target: RoleCode, sites: SchoolSite[]): boolean => {
  const distinct = new Set(sites.map((site) => site.id)).size;
  if (SITE_ROLES.includes(target)) return sites.length === 1;
  if (target === 'MULTI_SITE_COUNSELOR') return distinct >= 2 && distinct === sites.length;
  return sites.length === 0;
};

const expectedOutcome = (actorRole: RoleCode, target: RoleCode, sites: SchoolSite[]): Outcome => {
  if (actorRole === 'DISTRICT_ADMIN') {
    if (sites.some((site) => site.districtId !== DISTRICT_ONE.id)) return 'FORBIDDEN';
    return sitesFitScope(target, sites) ? 'ok' : 'INVALID_SITES';
  }
  if (actorRole === 'SITE_ADMIN') {
    if (sites.some((site) => site.id !== NORTH_HIGH.id)) return 'FORBIDDEN';
    if (!SITE_ROLES.includes(target)) return 'ROLE_NOT_ALLOWED';
    return sitesFitScope(target, sites) ? 'ok' : 'INVALID_SITES';
  }
  return 'FORBIDDEN';
};

const actorFor = (role: RoleCode) => {
  if (role === 'DISTRICT_ADMIN') return anActor().districtAdminOf(DISTRICT_ONE.id).build();
  if (role === 'MULTI_SITE_COUNSELOR') return anActor().withRole(role, [NORTH_HIGH, SOUTH_MIDDLE]).build();
  return anActor().withRole(role, [NORTH_HIGH]).build();
};

const outcomeOf = (decision: ReturnType<typeof decideAccountCreation>): Outcome => (decision.ok ? 'ok' : (decision.error.code as Outcome));

describe('decideAccountCreation (who may create whom)', () => {
  for (const actorRole of ROLE_CODES) {
    describe(`as a ${actorRole}`, () => {
      for (const target of ROLE_CODES) {
        for (const { label, sites } of SITE_SETS) {
          const expected = expectedOutcome(actorRole, target, sites);
          it(`when creating a ${target} for ${label}, then ${expected}`, () => {
            expect(outcomeOf(decideAccountCreation(actorFor(actorRole), target, sites))).to.equal(expected);
          });
        }
      }
    });
  }

  it('when the matrix is tallied, then every actor/target pair has at least one case and all four outcomes occur', () => {
    const outcomes = new Set<Outcome>();
    for (const actorRole of ROLE_CODES)
      for (const target of ROLE_CODES) for (const { sites } of SITE_SETS) outcomes.add(expectedOutcome(actorRole, target, sites));
    expect([...outcomes].sort()).to.deep.equal(['FORBIDDEN', 'INVALID_SITES', 'ROLE_NOT_ALLOWED', 'ok']);
  });

  it("when a District Admin of another district names this district's site, then FORBIDDEN", () => {
    const outsider = anActor().districtAdminOf(99).build();
    expect(outcomeOf(decideAccountCreation(outsider, 'EDUCATOR', [NORTH_HIGH]))).to.equal('FORBIDDEN');
  });

  it('when a Site Admin asks for a role they may not grant at a site they do not manage, then FORBIDDEN comes before ROLE_NOT_ALLOWED', () => {
    const siteAdmin = anActor().siteAdminOf(NORTH_HIGH).build();
    expect(outcomeOf(decideAccountCreation(siteAdmin, 'DISTRICT_ADMIN', [SOUTH_MIDDLE]))).to.equal('FORBIDDEN');
  });

  it('when refused, then the refusal names the field and a sentence an administrator can act on', () => {
    const siteAdmin = anActor().siteAdminOf(NORTH_HIGH).build();
    const roleRefusal = decideAccountCreation(siteAdmin, 'MULTI_SITE_COUNSELOR', [NORTH_HIGH]);
    expect(roleRefusal).to.deep.equal({
      ok: false,
      error: { code: 'ROLE_NOT_ALLOWED', message: 'You may not create Multi-Site Counselor accounts. Ask your District Admin.', field: ['roleCode'] },
    });
    const districtAdmin = anActor().districtAdminOf(DISTRICT_ONE.id).build();
    const sitesRefusal = decideAccountCreation(districtAdmin, 'MULTI_SITE_COUNSELOR', [NORTH_HIGH]);
    expect(sitesRefusal).to.deep.equal({
      ok: false,
      error: { code: 'INVALID_SITES', message: 'A Multi-Site Counselor account needs two or more different school sites.', field: ['schoolSiteIds'] },
    });
  });
});

describe('manages / mayCreateAccounts / mayGrant', () => {
  it('when a District Admin is asked about sites, then they manage every site of their district and none elsewhere', () => {
    const districtAdmin = anActor().districtAdminOf(DISTRICT_ONE.id).build();
    expect([NORTH_HIGH, SOUTH_MIDDLE, HILLCREST_ELEMENTARY].map((site) => manages(districtAdmin, site))).to.deep.equal([true, true, false]);
  });

  it('when a Site Admin is asked about sites, then they manage only their own', () => {
    const siteAdmin = anActor().siteAdminOf(NORTH_HIGH).build();
    expect([NORTH_HIGH, SOUTH_MIDDLE, HILLCREST_ELEMENTARY].map((site) => manages(siteAdmin, site))).to.deep.equal([true, false, false]);
  });

  it('when anyone else is asked about sites, then they manage none, not even their own', () => {
    for (const role of ['EDUCATOR', 'COUNSELOR_CASELOAD_ONLY', 'COUNSELOR', 'MULTI_SITE_COUNSELOR'] as const) {
      const actor = anActor().withRole(role, [NORTH_HIGH, SOUTH_MIDDLE]).build();
      expect(manages(actor, NORTH_HIGH), role).to.equal(false);
      expect(mayCreateAccounts(actor), role).to.equal(false);
      expect(
        ROLE_CODES.filter((code) => mayGrant(actor, code)),
        role,
      ).to.deep.equal([]);
    }
  });

  it('when grants are listed, then a District Admin grants all six roles and a Site Admin the four site roles', () => {
    const districtAdmin = anActor().districtAdminOf(DISTRICT_ONE.id).build();
    const siteAdmin = anActor().siteAdminOf(NORTH_HIGH).build();
    expect(ROLE_CODES.filter((code) => mayGrant(districtAdmin, code))).to.deep.equal([...ROLE_CODES]);
    expect(ROLE_CODES.filter((code) => mayGrant(siteAdmin, code))).to.deep.equal(SITE_ROLES);
  });
});
