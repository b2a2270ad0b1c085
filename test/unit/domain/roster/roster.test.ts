import { expect } from 'chai';
import { defaultRoleFor, MAPPABLE_ROLES, matchSchool } from '../../../../src/domain/roster/roster';
import { batchFileName, mappingFor } from '../../../../src/domain/roster/roster-mapping';
import { previewRoster } from '../../../../src/domain/roster/roster-preview';
import { templateCsvFor } from '../../../../src/domain/roster/roster-template';
import type { SchoolSite } from '../../../../src/domain/school/school-site';

const site = (id: number, name: string, externalId: string | null = null): SchoolSite => ({ id, name, districtId: 1, externalId });

describe('OneRoster role mapping and school matching', () => {
  it('when no one changed the mapping, then teacher, counselor, principal and siteAdministrator (and 1.1 administrator) map to bulk roles and nothing else does', () => {
    expect(
      ['teacher', 'counselor', 'principal', 'siteAdministrator', 'administrator', 'aide', 'districtAdministrator', 'proctor'].map((role) =>
        defaultRoleFor('1.2', role),
      ),
    ).to.deep.equal(['EDUCATOR', 'COUNSELOR', 'SITE_ADMIN', 'SITE_ADMIN', null, null, null, null]);
    expect(defaultRoleFor('1.1', 'administrator')).to.equal('SITE_ADMIN');
    expect(defaultRoleFor('1.1', 'aide')).to.equal(null);
  });

  it('when the mappable roles are listed, then they are the four bulk roles', () => {
    expect(MAPPABLE_ROLES.map((role) => role.code)).to.deep.equal(['EDUCATOR', 'COUNSELOR_CASELOAD_ONLY', 'COUNSELOR', 'SITE_ADMIN']);
  });

  it("when a school's identifier is a site's external identifier, then it matches that site first, whatever the names", () => {
    const sites = [site(1, 'Lincoln High', ' ph-001 '), site(2, 'Partner High')];
    expect(matchSchool({ name: 'Partner High', identifier: 'PH-001' }, sites)).to.deep.equal({ site: sites[0], by: 'IDENTIFIER' });
  });

  it('when only the names agree, letter case, spaces and punctuation aside, then it matches by name', () => {
    const sites = [site(1, "St. Mary's High"), site(2, 'Demo Middle School')];
    expect(matchSchool({ name: 'st marys  HIGH', identifier: 'X-9' }, sites)).to.deep.equal({ site: sites[0], by: 'NAME' });
    expect(matchSchool({ name: 'Lincoln Elementary', identifier: null }, sites)).to.equal(null);
  });

  it('when two sites share the name, then the school is left for the admin to map', () => {
    expect(matchSchool({ name: 'North', identifier: null }, [site(1, 'North'), site(2, 'north')])).to.equal(null);
  });

  it('when the preview is built, then staff are counted per school and role, and staff at non-school orgs are reported', () => {
    const preview = previewRoster(
      {
        version: '1.2',
        orgs: [
          { sourcedId: 'd', name: 'District Office', identifier: null, type: 'district' },
          { sourcedId: 'h', name: 'Partner High', identifier: null, type: 'school' },
          { sourcedId: 'l', name: 'Lincoln', identifier: null, type: 'school' },
        ],
        staffGroups: [
          { orgSourcedId: 'h', rosterRole: 'teacher', count: 3 },
          { orgSourcedId: 'h', rosterRole: 'aide', count: 1 },
          { orgSourcedId: 'd', rosterRole: 'districtAdministrator', count: 2 },
          { orgSourcedId: 'nowhere', rosterRole: 'teacher', count: 1 },
        ],
        ignored: { students: 10, guardians: 2, disabled: 1, toBeDeleted: 0 },
      },
      [site(7, 'Partner High')],
    );
    expect(preview.schools.map((school) => [school.sourcedId, school.staffCount, school.match?.site.id ?? null, school.nonSchool])).to.deep.equal([
      ['d', 2, null, true],
      ['h', 4, 7, false],
      ['l', 0, null, false],
    ]);
    expect(preview.roleMappings).to.deep.equal([
      { rosterRole: 'teacher', staffCount: 4, roleCode: 'EDUCATOR' },
      { rosterRole: 'districtAdministrator', staffCount: 2, roleCode: null },
      { rosterRole: 'aide', staffCount: 1, roleCode: null },
    ]);
    expect(preview.staffNotAtSchool).to.equal(3);
  });

  it("when a school's staff become a template file, then it has the template's header, the roles' display names, and unmapped roles left out", () => {
    const staff = [
      { lineNumber: 2, orgSourcedId: 'h', rosterRole: 'teacher', givenName: 'Lee', familyName: 'Smith, Jr.', email: 'lee@example.org' },
      { lineNumber: 3, orgSourcedId: 'h', rosterRole: 'aide', givenName: 'Al', familyName: 'Aide', email: 'al@example.org' },
      { lineNumber: 4, orgSourcedId: 'h', rosterRole: 'counselor', givenName: 'Cy', familyName: 'Co', email: 'cy@example.org' },
    ];
    const file = templateCsvFor(staff, (role) => (role === 'teacher' ? 'EDUCATOR' : role === 'counselor' ? 'COUNSELOR_CASELOAD_ONLY' : null));
    expect(file).to.deep.equal({
      csv: 'First Name,Last Name,Email,User Role\r\nLee,"Smith, Jr.",lee@example.org,Educator\r\nCy,Co,cy@example.org,Counselor—Caseload Only\r\n',
      rows: 2,
    });
  });

  describe('the mapping an import runs by', () => {
    const orgs = [
      { sourcedId: 'h', name: 'Partner High', identifier: null, type: 'school' },
      { sourcedId: 'l', name: 'Lincoln', identifier: null, type: 'school' },
      { sourcedId: 'm', name: 'Middle', identifier: null, type: 'school' },
      { sourcedId: 'd', name: 'District Office', identifier: null, type: 'district' },
    ];
    const sites = [site(7, 'Partner High'), site(8, 'Middle')];

    it('when schools and roles are not named, then they keep their match and their default; named ones follow the choice, null importing nothing', () => {
      const mapping = mappingFor({ version: '1.2', orgs }, sites, {
        schoolMappings: [
          { sourcedId: 'l', schoolSiteId: 8 },
          { sourcedId: 'm', schoolSiteId: null },
        ],
        roleMappings: [
          { rosterRole: 'aide', roleCode: 'EDUCATOR' },
          { rosterRole: 'teacher', roleCode: null },
        ],
      });
      if (!mapping.ok) throw new Error(mapping.error.message);
      expect(mapping.value.schools.map(({ org, site: target }) => [org.sourcedId, target.id])).to.deep.equal([
        ['h', 7],
        ['l', 8],
      ]);
      expect(['aide', 'teacher', 'counselor', 'proctor'].map(mapping.value.roleFor)).to.deep.equal(['EDUCATOR', null, 'COUNSELOR', null]);
    });

    it('when a role is mapped to a role bulk upload cannot create, or a school to a site outside the district, then the mapping is refused', () => {
      const role = mappingFor({ version: '1.2', orgs }, sites, { schoolMappings: [], roleMappings: [{ rosterRole: 'teacher', roleCode: 'DISTRICT_ADMIN' }] });
      const outside = mappingFor({ version: '1.2', orgs }, sites, { schoolMappings: [{ sourcedId: 'l', schoolSiteId: 99 }], roleMappings: [] });
      const undecoded = mappingFor({ version: '1.2', orgs }, sites, { schoolMappings: [{ sourcedId: 'l', schoolSiteId: undefined }], roleMappings: [] });
      expect([role, outside, undecoded].map((result) => (result.ok ? 'ok' : result.error.code))).to.deep.equal([
        'INVALID_ROLE_MAPPING',
        'SITE_NOT_IN_DISTRICT',
        'SITE_NOT_IN_DISTRICT',
      ]);
    });

    it("when a school's name is long, then its batch's file name is cut at 255 characters", () => {
      expect(batchFileName('roster.zip', 'x'.repeat(300))).to.have.length(255);
      expect(batchFileName('roster.zip', 'Lincoln')).to.equal('roster.zip · Lincoln');
    });
  });
});
