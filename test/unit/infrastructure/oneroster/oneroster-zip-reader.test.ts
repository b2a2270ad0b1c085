import { expect } from 'chai';
import type { Roster } from '../../../../src/domain/roster/roster';
import { readOneRosterZip } from '../../../../src/infrastructure/oneroster/oneroster-zip-reader';
import {
  csvOf,
  DEMO_ORGS,
  DEMO_PEOPLE,
  demoPeople11,
  manifestOf,
  ORGS_COLUMNS,
  oneRoster11Zip,
  oneRoster12Zip,
  ROLES_12_COLUMNS,
  USERS_12_COLUMNS,
  zipOf,
} from '../../../support/roster-fixtures';

const read = async (zip: Buffer): Promise<Roster> => {
  const result = await readOneRosterZip(zip);
  if (!result.ok) throw new Error(`refused: ${result.error.reason}`);
  return result.value;
};

const refusal = async (zip: Buffer): Promise<string> => {
  const result = await readOneRosterZip(zip);
  if (result.ok) throw new Error('expected a refusal');
  return result.error.reason;
};

describe('Reading a OneRoster CSV zip', () => {
  it('when a 1.2 export is read, then its staff are kept at their primary role and org, and students, guardians, disabled and to-be-deleted users are counted', async () => {
    const roster = await read(oneRoster12Zip({ orgs: DEMO_ORGS, people: DEMO_PEOPLE }));

    expect(roster.version).to.equal('1.2');
    expect(roster.orgs.map((org) => org.sourcedId)).to.deep.equal(['org-district', 'org-high', 'org-middle', 'org-lincoln']);
    expect(roster.orgs[1]).to.deep.equal({ sourcedId: 'org-high', name: 'Partner High (Demo)', identifier: 'PH-001', type: 'school' });
    expect(roster.staff.map((person) => [person.email, person.rosterRole, person.orgSourcedId])).to.deep.equal([
      ['ada.lovelace@demo-usd.example.org', 'teacher', 'org-high'],
      ['alan.turing@demo-usd.example.org', 'teacher', 'org-high'],
      ['carl.rogers@demo-usd.example.org', 'counselor', 'org-high'],
      ['maria.montessori@demo-usd.example.org', 'principal', 'org-middle'],
      ['john.dewey@demo-usd.example.org', 'teacher', 'org-middle'],
      ['anne.sullivan@demo-usd.example.org', 'teacher', 'org-lincoln'],
      ['amos.aide@demo-usd.example.org', 'aide', 'org-lincoln'],
      ['dana.office@demo-usd.example.org', 'districtAdministrator', 'org-district'],
    ]);
    // users.csv lines: the header is line 1.
    expect(roster.staff[0]).to.include({ lineNumber: 2, givenName: 'Ada', familyName: 'Lovelace' });
    expect(roster.ignored).to.deep.equal({ students: 3, guardians: 2, disabled: 1, toBeDeleted: 1 });
  });

  it('when a 1.1 export is read, then each user is placed at the first of their orgs that is a school', async () => {
    const people = demoPeople11().map((person) =>
      person.sourcedId === 'u-t1' ? { ...person, org: 'org-district', moreOrgs: ['org-middle', 'org-high'] } : person,
    );
    const roster = await read(oneRoster11Zip({ orgs: DEMO_ORGS, people, method: 'store' }));

    expect(roster.version).to.equal('1.1');
    expect(roster.staff.find((person) => person.email.startsWith('ada'))).to.include({ orgSourcedId: 'org-middle', rosterRole: 'teacher' });
    expect(roster.staff.find((person) => person.email.startsWith('maria'))).to.include({ orgSourcedId: 'org-middle', rosterRole: 'administrator' });
    expect(roster.staff.find((person) => person.email.startsWith('dana'))).to.include({ orgSourcedId: 'org-district', rosterRole: 'administrator' });
    expect(roster.ignored).to.deep.equal({ students: 3, guardians: 2, disabled: 1, toBeDeleted: 1 });
  });

  it('when the manifest says 1.0, then it is read by the 1.1 rules', async () => {
    const zip = oneRoster11Zip({ orgs: DEMO_ORGS, people: demoPeople11(), manifest: { 'oneroster.version': '1.0' } });
    expect((await read(zip)).version).to.equal('1.1');
  });

  it('when a 1.2 user has several roles, then the primary one counts, wherever it is listed', async () => {
    const users = csvOf(USERS_12_COLUMNS, [{ sourcedId: 'u1', enabledUser: 'true', givenName: 'Pia', familyName: 'Prim', email: 'pia@example.org' }]);
    const roles = csvOf(ROLES_12_COLUMNS, [
      { sourcedId: 'r1', userSourcedId: 'u1', roleType: 'secondary', role: 'teacher', orgSourcedId: 'org-high' },
      { sourcedId: 'r2', userSourcedId: 'u1', roleType: 'primary', role: 'counselor', orgSourcedId: 'org-middle' },
      { sourcedId: 'r3', userSourcedId: 'u1', roleType: 'secondary', role: 'teacher', orgSourcedId: 'org-lincoln' },
    ]);
    const zip = zipOf({ 'manifest.csv': manifestOf('1.2'), 'orgs.csv': csvOf(ORGS_COLUMNS, DEMO_ORGS), 'users.csv': users, 'roles.csv': roles });

    expect((await read(zip)).staff).to.deep.equal([
      { lineNumber: 2, orgSourcedId: 'org-middle', rosterRole: 'counselor', givenName: 'Pia', familyName: 'Prim', email: 'pia@example.org' },
    ]);
  });

  it("when a 1.2 user's only role rows are to be deleted, then the user is counted as to be deleted", async () => {
    const users = csvOf(USERS_12_COLUMNS, [{ sourcedId: 'u1', enabledUser: 'true', givenName: 'Ola', familyName: 'Old', email: 'ola@example.org' }]);
    const roles = csvOf(ROLES_12_COLUMNS, [
      { sourcedId: 'r1', status: 'tobedeleted', userSourcedId: 'u1', roleType: 'primary', role: 'teacher', orgSourcedId: 'org-high' },
    ]);
    const zip = zipOf({ 'manifest.csv': manifestOf('1.2'), 'orgs.csv': csvOf(ORGS_COLUMNS, DEMO_ORGS), 'users.csv': users, 'roles.csv': roles });

    const roster = await read(zip);
    expect(roster.staff).to.deep.equal([]);
    expect(roster.ignored.toBeDeleted).to.equal(1);
  });

  it('when the columns are in another order, with extra ones and a byte-order mark, then they are found by their header name', async () => {
    const columns = ['email', 'x-custom', ...[...USERS_12_COLUMNS].reverse().filter((column) => column !== 'email')];
    const users =
      '\uFEFF' + csvOf(columns, [{ sourcedId: 'u1', enabledUser: 'true', givenName: 'Rae', familyName: 'Order', email: 'rae@example.org', 'x-custom': 'x' }]);
    const roles = csvOf(ROLES_12_COLUMNS, [{ sourcedId: 'r1', userSourcedId: 'u1', roleType: 'primary', role: 'teacher', orgSourcedId: 'org-high' }]);
    const zip = zipOf({
      'export/manifest.csv': manifestOf('1.2'),
      'export/orgs.csv': csvOf(ORGS_COLUMNS, DEMO_ORGS),
      'export/users.csv': users,
      'export/roles.csv': roles,
    });

    expect((await read(zip)).staff).to.deep.equal([
      { lineNumber: 2, orgSourcedId: 'org-high', rosterRole: 'teacher', givenName: 'Rae', familyName: 'Order', email: 'rae@example.org' },
    ]);
  });

  describe('refusals, each with what to do', () => {
    it('when the file is not a zip, then it is refused', async () => {
      expect(await refusal(Buffer.from('First Name,Last Name\r\n'))).to.match(/not a zip file\. Upload the OneRoster CSV export/);
    });

    it('when the zip has no manifest.csv, then it is refused', async () => {
      expect(await refusal(zipOf({ 'orgs.csv': csvOf(ORGS_COLUMNS, DEMO_ORGS) }))).to.match(
        /no manifest\.csv.*Export the roster from your SIS as OneRoster 1\.1 or 1\.2 CSV/,
      );
    });

    it('when the version is unknown, then it is refused naming it', async () => {
      const zip = oneRoster12Zip({ orgs: DEMO_ORGS, people: DEMO_PEOPLE, manifest: { 'oneroster.version': '2.0' } });
      expect(await refusal(zip)).to.equal('OneRoster version 2.0 is not supported. Export the roster as OneRoster 1.1 or 1.2 CSV.');
    });

    it('when a 1.2 export has no roles.csv, then it is refused', async () => {
      const zip = oneRoster12Zip({ orgs: DEMO_ORGS, people: DEMO_PEOPLE, omit: ['roles.csv'] });
      expect(await refusal(zip)).to.match(/no roles\.csv\. A OneRoster 1\.2 export needs orgs\.csv, users\.csv, roles\.csv/);
    });

    it('when users.csv is missing, then it is refused', async () => {
      expect(await refusal(oneRoster11Zip({ orgs: DEMO_ORGS, people: DEMO_PEOPLE, omit: ['users.csv'] }))).to.match(/no users\.csv/);
    });

    it('when a required column is missing, then it is refused naming it', async () => {
      const orgs = csvOf(
        ORGS_COLUMNS.filter((column) => column !== 'identifier'),
        DEMO_ORGS,
      );
      const zip = oneRoster11Zip({ orgs: DEMO_ORGS, people: demoPeople11(), replace: { 'orgs.csv': orgs } });
      expect(await refusal(zip)).to.equal('orgs.csv has no identifier column. Export the roster again as OneRoster CSV with every column of orgs.csv.');
    });

    it('when the export is a delta, then it is refused: only bulk exports are supported', async () => {
      const zip = oneRoster12Zip({ orgs: DEMO_ORGS, people: DEMO_PEOPLE, manifest: { 'file.users': 'delta' } });
      expect(await refusal(zip)).to.match(/Only bulk exports are supported/);
    });

    it('when the zip unpacks far beyond its size, then it is refused before anything is inflated', async () => {
      const users = 'x'.repeat(4 * 1024 * 1024);
      const zip = oneRoster11Zip({ orgs: DEMO_ORGS, people: [], replace: { 'users.csv': users } });
      expect(await refusal(zip)).to.match(/too large once unpacked/);
    });
  });
});
