import { expect } from 'chai';
import { describeOnEachDatabase } from '../../support/databases';
import { DEMO_ORGS, DEMO_PEOPLE, demoPeople11, oneRoster11Zip, oneRoster12Zip } from '../../support/roster-fixtures';
import { startTestServer, type TestServer } from '../../support/test-server';
import { MIDDLE_SCHOOL, PARTNER_HIGH, readBatch, siteIdsByName } from '../uploads/upload-kit';
import { accountsBySite, SET_EXTERNAL_ID, START_ROSTER_IMPORT, uploadedRoster, uploadRoster } from './roster-kit';

describeOnEachDatabase('Importing staff from a OneRoster export', (database) => {
  let server: TestServer;
  let token: string;
  let sites: Record<string, string>;

  before(async () => {
    server = await startTestServer(database);
  });
  beforeEach(async () => {
    await server.reset();
    token = await server.signIn(server.demo.districtAdminEmail);
    sites = await siteIdsByName(server);
    const set = await server.graphql(SET_EXTERNAL_ID, { input: { schoolSiteId: sites[PARTNER_HIGH], externalId: ' PH-001 ' } }, token);
    expect(set.data.setSchoolSiteExternalId).to.deep.equal({
      schoolSite: { id: sites[PARTNER_HIGH], name: PARTNER_HIGH, externalId: 'PH-001' },
      userErrors: [],
    });
  });
  after(async () => {
    await server.close();
  });

  const start = async (input: Record<string, unknown>) => {
    const response = await server.graphql(START_ROSTER_IMPORT, { input }, token);
    expect(response.errors, response.text).to.equal(undefined);
    return response.data.startRosterImport;
  };

  it('when a 1.2 export is uploaded, then the preview matches schools by identifier and by name, maps the roles by default and counts what it ignores', async () => {
    const roster = await uploadedRoster(server, token, oneRoster12Zip({ orgs: DEMO_ORGS, people: DEMO_PEOPLE }));

    expect(roster).to.include({ fileName: 'roster.zip', version: '1.2', startedAt: null, staffNotAtSchool: 1 });
    expect(roster.schools).to.deep.equal([
      {
        sourcedId: 'org-middle',
        name: 'Demo  middle school',
        identifier: 'MS-002',
        staffCount: 2,
        matchedSite: { id: sites[MIDDLE_SCHOOL], name: MIDDLE_SCHOOL },
        matchedBy: 'NAME',
        nonSchool: false,
      },
      {
        sourcedId: 'org-district',
        name: 'Demo Unified School District',
        identifier: 'D-100',
        staffCount: 1,
        matchedSite: null,
        matchedBy: null,
        nonSchool: true,
      },
      { sourcedId: 'org-lincoln', name: 'Lincoln Elementary', identifier: 'LE-003', staffCount: 2, matchedSite: null, matchedBy: null, nonSchool: false },
      {
        sourcedId: 'org-high',
        name: 'Partner High (Demo)',
        identifier: 'PH-001',
        staffCount: 3,
        matchedSite: { id: sites[PARTNER_HIGH], name: PARTNER_HIGH },
        matchedBy: 'IDENTIFIER',
        nonSchool: false,
      },
    ]);
    expect(roster.roleMappings).to.deep.equal([
      { rosterRole: 'teacher', staffCount: 4, roleCode: 'EDUCATOR' },
      { rosterRole: 'aide', staffCount: 1, roleCode: null },
      { rosterRole: 'counselor', staffCount: 1, roleCode: 'COUNSELOR' },
      { rosterRole: 'districtAdministrator', staffCount: 1, roleCode: null },
      { rosterRole: 'principal', staffCount: 1, roleCode: 'SITE_ADMIN' },
    ]);
    expect(roster.ignored).to.deep.equal({ students: 3, guardians: 2, disabled: 1, toBeDeleted: 1 });
    expect(roster.batches).to.deep.equal([]);
  });

  it('when the import is started with a school mapped and a role changed, then one batch per school creates the staff at the mapped sites, each under its school in the log', async () => {
    const roster = await uploadedRoster(server, token, oneRoster12Zip({ orgs: DEMO_ORGS, people: DEMO_PEOPLE }), 'district-export.zip');

    const started = await start({
      rosterImportId: roster.id,
      schoolMappings: [{ sourcedId: 'org-lincoln', schoolSiteId: sites[MIDDLE_SCHOOL] }],
      roleMappings: [
        { rosterRole: 'aide', roleCode: 'EDUCATOR' },
        { rosterRole: 'counselor', roleCode: 'COUNSELOR_CASELOAD_ONLY' },
      ],
    });
    expect(started.userErrors).to.deep.equal([]);
    expect(started.rosterImport.startedAt).to.be.a('string');
    expect(started.rosterImport.batches.map((batch: any) => [batch.fileName, batch.schoolSite.name, batch.status, batch.totalRows])).to.have.deep.members([
      ['district-export.zip · Partner High (Demo)', PARTNER_HIGH, 'QUEUED', 3],
      ['district-export.zip · Demo  middle school', MIDDLE_SCHOOL, 'QUEUED', 2],
      ['district-export.zip · Lincoln Elementary', MIDDLE_SCHOOL, 'QUEUED', 2],
    ]);

    await server.processUploads();

    expect(await accountsBySite(server)).to.deep.equal({
      [PARTNER_HIGH]: [
        'ada.lovelace@demo-usd.example.org EDUCATOR',
        'alan.turing@demo-usd.example.org EDUCATOR',
        'carl.rogers@demo-usd.example.org COUNSELOR_CASELOAD_ONLY',
      ],
      [MIDDLE_SCHOOL]: [
        'amos.aide@demo-usd.example.org EDUCATOR',
        'anne.sullivan@demo-usd.example.org EDUCATOR',
        'john.dewey@demo-usd.example.org EDUCATOR',
        'maria.montessori@demo-usd.example.org SITE_ADMIN',
      ],
    });
    const log = await server.graphql('{ uploadBatches(first: 10) { nodes { fileName status recordsCreated schoolSite { name } } } }', {}, token);
    expect(log.data.uploadBatches.nodes).to.have.deep.members([
      { fileName: 'district-export.zip · Partner High (Demo)', status: 'COMPLETED', recordsCreated: 3, schoolSite: { name: PARTNER_HIGH } },
      { fileName: 'district-export.zip · Demo  middle school', status: 'COMPLETED', recordsCreated: 2, schoolSite: { name: MIDDLE_SCHOOL } },
      { fileName: 'district-export.zip · Lincoln Elementary', status: 'COMPLETED', recordsCreated: 2, schoolSite: { name: MIDDLE_SCHOOL } },
    ]);
    const audit = await server.graphql('{ auditEvents(first: 20) { nodes { action outcome detail schoolSite { name } } } }', {}, token);
    const events = audit.data.auditEvents.nodes.filter((event: any) => event.action !== 'SIGNED_IN' && event.action !== 'SCHOOL_SITE_EXTERNAL_ID_SET');
    expect(events).to.have.deep.members([
      { action: 'ROSTER_UPLOADED', outcome: 'SUCCEEDED', detail: 'district-export.zip', schoolSite: null },
      { action: 'ROSTER_IMPORT_STARTED', outcome: 'SUCCEEDED', detail: 'district-export.zip: 3 uploads', schoolSite: null },
      { action: 'ACCOUNTS_UPLOADED', outcome: 'SUCCEEDED', detail: 'district-export.zip · Partner High (Demo)', schoolSite: { name: PARTNER_HIGH } },
      { action: 'ACCOUNTS_UPLOADED', outcome: 'SUCCEEDED', detail: 'district-export.zip · Demo  middle school', schoolSite: { name: MIDDLE_SCHOOL } },
      { action: 'ACCOUNTS_UPLOADED', outcome: 'SUCCEEDED', detail: 'district-export.zip · Lincoln Elementary', schoolSite: { name: MIDDLE_SCHOOL } },
    ]);
    const again = await server.graphql(START_ROSTER_IMPORT, { input: { rosterImportId: roster.id, schoolMappings: [], roleMappings: [] } }, token);
    expect(again.data.startRosterImport.userErrors.map((error: any) => error.code)).to.deep.equal(['ROSTER_ALREADY_STARTED']);
  });

  it("when next month's export is imported, then only the new teacher is created and the others are skipped", async () => {
    const first = await uploadedRoster(server, token, oneRoster12Zip({ orgs: DEMO_ORGS, people: DEMO_PEOPLE }));
    await start({ rosterImportId: first.id, schoolMappings: [], roleMappings: [] });
    await server.processUploads();
    const newTeacher = {
      sourcedId: 'u-t9',
      role: 'teacher',
      org: 'org-high',
      givenName: 'Grace',
      familyName: 'Hopper',
      email: 'grace.hopper@demo-usd.example.org',
    };

    const next = await uploadedRoster(server, token, oneRoster12Zip({ orgs: DEMO_ORGS, people: [...DEMO_PEOPLE, newTeacher] }), 'december.zip');
    const started = await start({ rosterImportId: next.id, schoolMappings: [], roleMappings: [] });
    await server.processUploads();

    const batches = await Promise.all(started.rosterImport.batches.map((batch: any) => readBatch(server, token, batch.id)));
    expect(batches.map((batch) => [batch.schoolSite.name, batch.recordsCreated, batch.recordsSkipped, batch.recordsFailed])).to.have.deep.members([
      [PARTNER_HIGH, 1, 3, 0],
      [MIDDLE_SCHOOL, 0, 2, 0],
    ]);
    expect((await accountsBySite(server))[PARTNER_HIGH])
      .to.include('grace.hopper@demo-usd.example.org EDUCATOR')
      .and.to.have.length(4);
  });

  it('when a 1.1 export is imported, then administrators at a school become Site Admins and the district office administrator is reported', async () => {
    const roster = await uploadedRoster(server, token, oneRoster11Zip({ orgs: DEMO_ORGS, people: demoPeople11() }));
    expect(roster.version).to.equal('1.1');
    expect(roster.roleMappings).to.deep.include({ rosterRole: 'administrator', staffCount: 2, roleCode: 'SITE_ADMIN' });
    expect(roster.staffNotAtSchool).to.equal(1);

    await start({ rosterImportId: roster.id, schoolMappings: [{ sourcedId: 'org-lincoln', schoolSiteId: null }], roleMappings: [] });
    await server.processUploads();

    expect(await accountsBySite(server)).to.deep.equal({
      [PARTNER_HIGH]: ['ada.lovelace@demo-usd.example.org EDUCATOR', 'alan.turing@demo-usd.example.org EDUCATOR', 'carl.rogers@demo-usd.example.org EDUCATOR'],
      [MIDDLE_SCHOOL]: ['john.dewey@demo-usd.example.org EDUCATOR', 'maria.montessori@demo-usd.example.org SITE_ADMIN'],
    });
  });

  it('when the same import is started twice at once, then one start creates the batches and the other is refused', async () => {
    const roster = await uploadedRoster(server, token, oneRoster12Zip({ orgs: DEMO_ORGS, people: DEMO_PEOPLE }));
    const input = { rosterImportId: roster.id, schoolMappings: [], roleMappings: [] };

    const answers = await Promise.all([start(input), start(input)]);

    const codes = answers.map((answer) => answer.userErrors.map((error: any) => error.code).join(',') || 'STARTED');
    expect(codes.sort()).to.deep.equal(['ROSTER_ALREADY_STARTED', 'STARTED']);
    const [batches] = await server.application.dataSource.query('SELECT COUNT(*) AS n FROM upload_batch');
    expect(Number(batches.n)).to.equal(2);
  });

  it('when the import is checked as a dry run, then nothing is created and it can still be started', async () => {
    const roster = await uploadedRoster(server, token, oneRoster12Zip({ orgs: DEMO_ORGS, people: DEMO_PEOPLE }));

    const checked = await start({ rosterImportId: roster.id, schoolMappings: [], roleMappings: [], dryRun: true });
    await server.processUploads();
    expect(checked.rosterImport.startedAt).to.equal(null);
    expect(checked.rosterImport.batches.map((batch: any) => batch.dryRun)).to.deep.equal([true, true]);
    expect(await accountsBySite(server)).to.deep.equal({});

    const started = await start({ rosterImportId: roster.id, schoolMappings: [], roleMappings: [] });
    await server.processUploads();
    expect(started.userErrors).to.deep.equal([]);
    expect(Object.values(await accountsBySite(server)).flat()).to.have.length(5);
  });

  it('when the mapping names a role that is not a bulk role or a site of another district, then nothing is started', async () => {
    const roster = await uploadedRoster(server, token, oneRoster12Zip({ orgs: DEMO_ORGS, people: DEMO_PEOPLE }));
    const badRole = await start({ rosterImportId: roster.id, schoolMappings: [], roleMappings: [{ rosterRole: 'teacher', roleCode: 'DISTRICT_ADMIN' }] });
    expect(badRole).to.deep.include({ rosterImport: null });
    expect(badRole.userErrors.map((error: any) => error.code)).to.deep.equal(['INVALID_ROLE_MAPPING']);
    const badSite = await start({
      rosterImportId: roster.id,
      schoolMappings: [{ sourcedId: 'org-lincoln', schoolSiteId: 'AAAAAAAAAAAAAAAAAAAAAA' }],
      roleMappings: [],
    });
    expect(badSite.userErrors.map((error: any) => error.code)).to.deep.equal(['SITE_NOT_IN_DISTRICT']);
    const [batches] = await server.application.dataSource.query('SELECT COUNT(*) AS n FROM upload_batch');
    expect(Number(batches.n)).to.equal(0);
  });

  it('when the zip is refused or the agreement is not accepted, then the answer says why and nothing is stored', async () => {
    const delta = await uploadRoster(server, token, oneRoster12Zip({ orgs: DEMO_ORGS, people: DEMO_PEOPLE, manifest: { 'file.users': 'delta' } }));
    expect(delta.data.uploadRoster.roster).to.equal(null);
    expect(delta.data.uploadRoster.userErrors).to.deep.equal([
      {
        code: 'ROSTER_REFUSED',
        message: 'This is a delta export (only the changes). Only bulk exports are supported: export the full roster and upload it.',
        field: ['file'],
      },
    ]);
    const unaccepted = await uploadRoster(server, token, oneRoster12Zip({ orgs: DEMO_ORGS, people: DEMO_PEOPLE }), { agreementAccepted: false });
    expect(unaccepted.data.uploadRoster.userErrors.map((error: any) => error.code)).to.deep.equal(['AGREEMENT_REQUIRED']);
    const [stored] = await server.application.dataSource.query('SELECT COUNT(*) AS n FROM roster_import');
    expect(Number(stored.n)).to.equal(0);
  });

  it('when a site queue is full, then its school is reported and the other schools are still imported', async () => {
    await server.close();
    server = await startTestServer(database, { maxQueuedBatchesPerSite: 1 });
    await server.reset();
    token = await server.signIn(server.demo.districtAdminEmail);
    sites = await siteIdsByName(server);
    const roster = await uploadedRoster(server, token, oneRoster12Zip({ orgs: DEMO_ORGS, people: DEMO_PEOPLE }));

    const started = await start({
      rosterImportId: roster.id,
      schoolMappings: [
        { sourcedId: 'org-high', schoolSiteId: sites[PARTNER_HIGH] },
        { sourcedId: 'org-lincoln', schoolSiteId: sites[MIDDLE_SCHOOL] },
      ],
      roleMappings: [],
    });

    expect(started.userErrors.map((error: any) => [error.code, error.field])).to.deep.equal([['TOO_MANY_QUEUED_UPLOADS', ['schoolMappings', 'org-lincoln']]]);
    expect(started.userErrors[0].message).to.match(/^Lincoln Elementary was not imported: Demo Middle School already has uploads waiting/);
    expect(started.rosterImport.batches.map((batch: any) => batch.schoolSite.name)).to.have.members([PARTNER_HIGH, MIDDLE_SCHOOL]);
    await server.close();
    server = await startTestServer(database);
  });
});

describeOnEachDatabase("Setting a school site's external identifier", (database) => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer(database);
  });
  beforeEach(async () => {
    await server.reset();
  });
  after(async () => {
    await server.close();
  });

  it('when the identifier is invalid or another site of the district has it, then it is refused; empty clears it', async () => {
    const token = await server.signIn(server.demo.districtAdminEmail);
    const sites = await siteIdsByName(server);
    const set = (schoolSiteId: string, externalId: string | null) => server.graphql(SET_EXTERNAL_ID, { input: { schoolSiteId, externalId } }, token);

    expect((await set(sites[PARTNER_HIGH], 'CA-123')).data.setSchoolSiteExternalId.schoolSite.externalId).to.equal('CA-123');
    const taken = (await set(sites[MIDDLE_SCHOOL], 'CA-123')).data.setSchoolSiteExternalId;
    expect(taken.schoolSite).to.equal(null);
    expect(taken.userErrors.map((error: any) => [error.code, error.field])).to.deep.equal([['EXTERNAL_ID_TAKEN', ['externalId']]]);
    expect((await set(sites[MIDDLE_SCHOOL], 'x'.repeat(65))).data.setSchoolSiteExternalId.userErrors[0].code).to.equal('INVALID_EXTERNAL_ID');
    expect((await set(sites[MIDDLE_SCHOOL], 'tab\there')).data.setSchoolSiteExternalId.userErrors[0].code).to.equal('INVALID_EXTERNAL_ID');
    expect((await set(sites[PARTNER_HIGH], '   ')).data.setSchoolSiteExternalId.schoolSite.externalId).to.equal(null);
    expect((await set(sites[MIDDLE_SCHOOL], 'CA-123')).data.setSchoolSiteExternalId.userErrors).to.deep.equal([]);
    const listed = await server.graphql('{ schoolSites { name externalId } }', {}, token);
    expect(listed.data.schoolSites).to.have.deep.members([
      { name: PARTNER_HIGH, externalId: null },
      { name: MIDDLE_SCHOOL, externalId: 'CA-123' },
    ]);
  });

  it('when a Site Admin sets it, then it is FORBIDDEN and nothing changes', async () => {
    const sites = await siteIdsByName(server);
    const token = await server.signIn(server.demo.siteAdminEmail);
    const answer = await server.graphql(SET_EXTERNAL_ID, { input: { schoolSiteId: sites[PARTNER_HIGH], externalId: 'PH-1' } }, token);
    expect(answer.errors?.map((error) => error.extensions?.code)).to.deep.equal(['FORBIDDEN']);
    const [row] = await server.application.dataSource.query('SELECT COUNT(*) AS n FROM school_site WHERE external_id IS NOT NULL');
    expect(Number(row.n)).to.equal(0);
  });

  it('when a Site Admin uploads a roster or reads an import, then it is FORBIDDEN', async () => {
    const token = await server.signIn(server.demo.siteAdminEmail);
    const upload = await uploadRoster(server, token, oneRoster12Zip({ orgs: DEMO_ORGS, people: DEMO_PEOPLE }));
    expect(upload.errors?.map((error) => error.extensions?.code)).to.deep.equal(['FORBIDDEN']);
    const anonymous = await uploadRoster(server, undefined, oneRoster12Zip({ orgs: DEMO_ORGS, people: DEMO_PEOPLE }));
    expect(anonymous.errors?.map((error) => error.extensions?.code)).to.deep.equal(['UNAUTHENTICATED']);
    const [stored] = await server.application.dataSource.query('SELECT COUNT(*) AS n FROM roster_import');
    expect(Number(stored.n)).to.equal(0);
  });
});
