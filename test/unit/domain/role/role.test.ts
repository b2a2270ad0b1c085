import { expect } from 'chai';
import { isRoleCode, RECOMMENDED_SITE_ADMINS_PER_SITE, ROLE_CODES, roleNamed, roleOf, ROLES } from '../../../../src/domain/role/role';

describe('Role catalog', () => {
  it('when the catalog is listed, then it holds the six roles in order with their display names', () => {
    expect(ROLES.map((role) => [role.code, role.name])).to.deep.equal([
      ['EDUCATOR', 'Educator'],
      ['COUNSELOR_CASELOAD_ONLY', 'Counselor—Caseload Only'],
      ['COUNSELOR', 'Counselor'],
      ['MULTI_SITE_COUNSELOR', 'Multi-Site Counselor'],
      ['SITE_ADMIN', 'Site Admin'],
      ['DISTRICT_ADMIN', 'District Admin'],
    ]);
    expect(ROLE_CODES).to.deep.equal(ROLES.map((role) => role.code));
  });

  it('when scopes are read, then site roles have SITE, the multi-site counselor MULTI_SITE and the district admin DISTRICT', () => {
    expect(Object.fromEntries(ROLES.map((role) => [role.code, role.scope]))).to.deep.equal({
      EDUCATOR: 'SITE',
      COUNSELOR_CASELOAD_ONLY: 'SITE',
      COUNSELOR: 'SITE',
      MULTI_SITE_COUNSELOR: 'MULTI_SITE',
      SITE_ADMIN: 'SITE',
      DISTRICT_ADMIN: 'DISTRICT',
    });
  });

  it('when bulk creation is asked about, then only the three educator roles and Site Admin are bulk-creatable', () => {
    expect(ROLES.filter((role) => role.bulkCreatable).map((role) => role.code)).to.deep.equal([
      'EDUCATOR',
      'COUNSELOR_CASELOAD_ONLY',
      'COUNSELOR',
      'SITE_ADMIN',
    ]);
  });

  it('when a role is looked up by code, then roleOf returns it and an unknown code throws', () => {
    expect(roleOf('COUNSELOR').name).to.equal('Counselor');
    expect(() => roleOf('TEACHER' as never)).to.throw('Unknown role code TEACHER');
  });

  it('when a string is checked with isRoleCode, then only the exact codes qualify', () => {
    expect(ROLE_CODES.every(isRoleCode)).to.equal(true);
    expect(isRoleCode('educator')).to.equal(false);
    expect(isRoleCode('Educator')).to.equal(false);
    expect(isRoleCode('TEACHER')).to.equal(false);
  });

  it('when the Site Admin recommendation is read, then it is two per site', () => {
    expect(RECOMMENDED_SITE_ADMINS_PER_SITE).to.equal(2);
  });
});

describe('roleNamed (forgiving match of hand-typed role names)', () => {
  const matches: [string, string][] = [
    ['Educator', 'EDUCATOR'],
    ['educator', 'EDUCATOR'],
    ['  EDUCATOR  ', 'EDUCATOR'],
    ['Counselor—Caseload Only', 'COUNSELOR_CASELOAD_ONLY'],
    ['counselor - caseload only', 'COUNSELOR_CASELOAD_ONLY'],
    ['Counselor – Caseload Only', 'COUNSELOR_CASELOAD_ONLY'],
    ['Counselor — Caseload Only', 'COUNSELOR_CASELOAD_ONLY'],
    ['Counselor–Caseload Only', 'COUNSELOR_CASELOAD_ONLY'],
    ['Counselor-Caseload Only', 'COUNSELOR_CASELOAD_ONLY'],
    ['COUNSELOR_CASELOAD_ONLY', 'COUNSELOR_CASELOAD_ONLY'],
    ['Counselor  -   Caseload   Only', 'COUNSELOR_CASELOAD_ONLY'],
    ['Counselor', 'COUNSELOR'],
    ['multi-site counselor', 'MULTI_SITE_COUNSELOR'],
    ['Multi – Site Counselor', 'MULTI_SITE_COUNSELOR'],
    ['Site Admin', 'SITE_ADMIN'],
    ['site admin', 'SITE_ADMIN'],
    ['Site  Admin', 'SITE_ADMIN'],
    ['SITE_ADMIN', 'SITE_ADMIN'],
    ['District Admin', 'DISTRICT_ADMIN'],
    ['Ｅｄｕｃａｔｏｒ', 'EDUCATOR'],
  ];
  for (const [written, code] of matches) {
    it(`when "${written}" is written, then it names ${code}`, () => {
      expect(roleNamed(written)?.code).to.equal(code);
    });
  }

  for (const written of ['', '   ', 'Teacher', 'Counselor Caseload', 'Admin', 'Educators', 'Site Administrator']) {
    it(`when "${written}" is written, then it names no role`, () => {
      expect(roleNamed(written)).to.equal(undefined);
    });
  }
});
