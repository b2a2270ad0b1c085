import { expect } from 'chai';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { SINGLE_CREATION_AGREEMENT_VERSION } from '../../../src/application/agreements';
import { DEMO_DISTRICT } from '../../../src/cli/demo-district';
import type { RoleCode } from '../../../src/domain/role/role';
import {
  AgreementAcceptanceRecord,
  DistrictRecord,
  EducatorAccountRecord,
  EducatorAccountSiteRecord,
  OutboxMessageRecord,
  SchoolSiteRecord,
} from '../../../src/infrastructure/persistence/records/records';
import { describeOnEachDatabase } from '../../support/databases';
import { startTestServer, type TestServer } from '../../support/test-server';

const CREATE = `mutation($input: CreateEducatorAccountInput!) {
  createEducatorAccount(input: $input) {
    account { id email firstName lastName status registrationDeadline createdAt role { code name scope } schoolSites { name } district { name } }
    warnings { code message }
    userErrors { code message field }
  }
}`;

const REGISTER = `mutation($input: RegisterAccountInput!) { registerAccount(input: $input) { account { status } userErrors { code } } }`;

type SiteRef = 'partner' | 'middle' | 'other district' | 'garbage';
type Expected = 'ok' | 'FORBIDDEN' | 'ROLE_NOT_ALLOWED' | 'INVALID_SITES';

const SITE_NAMES: Record<SiteRef, string> = { partner: 'Demo Partner High', middle: 'Demo Middle School', 'other district': 'Elsewhere High', garbage: '' };
const SITE_ROLES: RoleCode[] = ['EDUCATOR', 'COUNSELOR_CASELOAD_ONLY', 'COUNSELOR', 'SITE_ADMIN'];

interface MatrixCase {
  role: RoleCode;
  sites: SiteRef[];
  expected: Expected;
}

const DISTRICT_ADMIN_CASES: MatrixCase[] = [
  ...SITE_ROLES.map((role): MatrixCase => ({ role, sites: ['partner'], expected: 'ok' })),
  ...SITE_ROLES.map((role): MatrixCase => ({ role, sites: ['middle'], expected: 'ok' })),
  { role: 'MULTI_SITE_COUNSELOR', sites: ['partner', 'middle'], expected: 'ok' },
  { role: 'DISTRICT_ADMIN', sites: [], expected: 'ok' },
  { role: 'EDUCATOR', sites: [], expected: 'INVALID_SITES' },
  { role: 'COUNSELOR', sites: ['partner', 'middle'], expected: 'INVALID_SITES' },
  { role: 'MULTI_SITE_COUNSELOR', sites: ['partner'], expected: 'INVALID_SITES' },
  { role: 'MULTI_SITE_COUNSELOR', sites: ['partner', 'partner'], expected: 'INVALID_SITES' },
  { role: 'MULTI_SITE_COUNSELOR', sites: [], expected: 'INVALID_SITES' },
  { role: 'DISTRICT_ADMIN', sites: ['partner'], expected: 'INVALID_SITES' },
  { role: 'EDUCATOR', sites: ['other district'], expected: 'FORBIDDEN' },
  { role: 'MULTI_SITE_COUNSELOR', sites: ['partner', 'other district'], expected: 'FORBIDDEN' },
  { role: 'DISTRICT_ADMIN', sites: ['other district'], expected: 'FORBIDDEN' },
  { role: 'SITE_ADMIN', sites: ['garbage'], expected: 'FORBIDDEN' },
];

const SITE_ADMIN_CASES: MatrixCase[] = [
  ...SITE_ROLES.map((role): MatrixCase => ({ role, sites: ['partner'], expected: 'ok' })),
  ...SITE_ROLES.map((role): MatrixCase => ({ role, sites: ['middle'], expected: 'FORBIDDEN' })),
  { role: 'EDUCATOR', sites: ['other district'], expected: 'FORBIDDEN' },
  { role: 'EDUCATOR', sites: ['garbage'], expected: 'FORBIDDEN' },
  { role: 'MULTI_SITE_COUNSELOR', sites: ['partner', 'middle'], expected: 'FORBIDDEN' },
  { role: 'DISTRICT_ADMIN', sites: ['middle'], expected: 'FORBIDDEN' },
  { role: 'MULTI_SITE_COUNSELOR', sites: ['partner'], expected: 'ROLE_NOT_ALLOWED' },
  { role: 'MULTI_SITE_COUNSELOR', sites: ['partner', 'partner'], expected: 'ROLE_NOT_ALLOWED' },
  { role: 'DISTRICT_ADMIN', sites: [], expected: 'ROLE_NOT_ALLOWED' },
  { role: 'DISTRICT_ADMIN', sites: ['partner'], expected: 'ROLE_NOT_ALLOWED' },
  { role: 'EDUCATOR', sites: [], expected: 'INVALID_SITES' },
  { role: 'SITE_ADMIN', sites: ['partner', 'partner'], expected: 'INVALID_SITES' },
];

const describeSites = (sites: SiteRef[]): string => (sites.length ? sites.join(' + ') : 'no site');

describeOnEachDatabase('createEducatorAccount through HTTP', (database) => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer(database);
  });
  beforeEach(async () => {
    await server.reset();
    // MySQL's TRUNCATE restarts outbox ids, so .eml names repeat; an empty outbox keeps deliveredEmails() exact.
    for (const file of readdirSync(server.outboxDir)) rmSync(join(server.outboxDir, file));
  });
  after(async () => {
    await server?.close();
  });

  const repository = <T extends object>(record: new () => T) => server.application.dataSource.getRepository(record);
  const rowCounts = async () => ({
    accounts: await repository(EducatorAccountRecord).count(),
    memberships: await repository(EducatorAccountSiteRecord).count(),
    agreements: await repository(AgreementAcceptanceRecord).count(),
    outbox: await repository(OutboxMessageRecord).count(),
  });

  /** Public ids of the two demo sites, a site of a second district, and an id nobody issued. */
  const siteIds = async (token: string): Promise<Record<SiteRef, string>> => {
    const response = await server.graphql('{ schoolSites { id name } }', {}, token);
    const byName = new Map<string, string>(response.data.schoolSites.map((site: { id: string; name: string }) => [site.name, site.id]));
    const district = await repository(DistrictRecord).save({ name: 'Elsewhere Unified', createdAt: Date.now() });
    const elsewhere = await repository(SchoolSiteRecord).save({ name: SITE_NAMES['other district'], districtId: district.id, createdAt: Date.now() });
    return {
      partner: byName.get(SITE_NAMES.partner)!,
      middle: byName.get(SITE_NAMES.middle)!,
      'other district': server.application.publicIds.encode('site', elsewhere.id),
      garbage: 'not-a-site-id-at-all',
    };
  };

  const input = (overrides: Record<string, unknown> = {}) => ({
    firstName: 'Ana',
    lastName: 'López',
    email: 'ana.lopez@example.org',
    roleCode: 'EDUCATOR',
    schoolSiteIds: [] as string[],
    agreementAccepted: true,
    ...overrides,
  });

  const create = (token: string | undefined, overrides: Record<string, unknown>) => server.graphql(CREATE, { input: input(overrides) }, token);

  const expectCase = async (token: string, ids: Record<SiteRef, string>, matrixCase: MatrixCase) => {
    const before = await rowCounts();
    const response = await create(token, {
      email: `${matrixCase.role.toLowerCase()}@example.org`,
      roleCode: matrixCase.role,
      schoolSiteIds: matrixCase.sites.map((site) => ids[site]),
    });

    if (matrixCase.expected === 'FORBIDDEN') {
      expect(
        response.errors?.map((error) => error.extensions?.code),
        response.text,
      ).to.deep.equal(['FORBIDDEN']);
      expect(response.data).to.equal(null);
      expect(await rowCounts()).to.deep.equal(before);
      return;
    }
    const payload = response.data?.createEducatorAccount;
    expect(response.errors, response.text).to.equal(undefined);
    if (matrixCase.expected !== 'ok') {
      expect(payload.userErrors.map((error: { code: string }) => error.code)).to.deep.equal([matrixCase.expected]);
      expect(payload.account).to.equal(null);
      expect(await rowCounts()).to.deep.equal(before);
      return;
    }
    expect(payload.userErrors).to.deep.equal([]);
    expect(payload.account.role.code).to.equal(matrixCase.role);
    expect(payload.account.status).to.equal('PENDING_REGISTRATION');
    expect(payload.account.district.name).to.equal(DEMO_DISTRICT);
    expect(payload.account.schoolSites.map((site: { name: string }) => site.name).sort()).to.deep.equal(
      matrixCase.sites.map((site) => SITE_NAMES[site]).sort(),
    );
    const after = await rowCounts();
    expect(after).to.deep.equal({
      accounts: before.accounts + 1,
      memberships: before.memberships + matrixCase.sites.length,
      agreements: before.agreements + 1,
      outbox: before.outbox + 1,
    });
    const row = await repository(EducatorAccountRecord).findOneByOrFail({ emailNormalized: `${matrixCase.role.toLowerCase()}@example.org` });
    expect(row.roleCode).to.equal(matrixCase.role);
  };

  describe('as the District Admin', () => {
    for (const matrixCase of DISTRICT_ADMIN_CASES) {
      it(`when creating role ${matrixCase.role} for ${describeSites(matrixCase.sites)}, then ${matrixCase.expected}`, async () => {
        const token = await server.signIn(server.demo.districtAdminEmail);
        await expectCase(token, await siteIds(token), matrixCase);
      });
    }
  });

  describe('as the Site Admin of Demo Partner High', () => {
    for (const matrixCase of SITE_ADMIN_CASES) {
      it(`when creating role ${matrixCase.role} for ${describeSites(matrixCase.sites)}, then ${matrixCase.expected}`, async () => {
        const ids = await siteIds(await server.signIn(server.demo.districtAdminEmail));
        await expectCase(await server.signIn(server.demo.siteAdminEmail), ids, matrixCase);
      });
    }
  });

  it('when a registered Educator tries to create any role, even at their own site, then FORBIDDEN every time and nothing is written', async () => {
    const adminToken = await server.signIn(server.demo.districtAdminEmail);
    const ids = await siteIds(adminToken);
    await create(adminToken, { email: 'eddie.educator@example.org', schoolSiteIds: [ids.partner] });
    const [invitation] = await server.deliveredEmails();
    const code = /Registration code: (\S+)/.exec(invitation)![1];
    const registered = await server.graphql(REGISTER, {
      input: { email: 'eddie.educator@example.org', registrationCode: code, password: 'educators cannot create', educationalInterestAccepted: true },
    });
    expect(registered.data.registerAccount).to.deep.equal({ account: { status: 'ACTIVE' }, userErrors: [] });
    const educatorToken = await server.signIn('eddie.educator@example.org', 'educators cannot create');
    const before = await rowCounts();

    for (const role of ['EDUCATOR', 'COUNSELOR_CASELOAD_ONLY', 'COUNSELOR', 'SITE_ADMIN', 'MULTI_SITE_COUNSELOR', 'DISTRICT_ADMIN'] as RoleCode[]) {
      await expectCase(educatorToken, ids, {
        role,
        sites: role === 'DISTRICT_ADMIN' ? [] : role === 'MULTI_SITE_COUNSELOR' ? ['partner', 'middle'] : ['partner'],
        expected: 'FORBIDDEN',
      });
    }
    expect(await rowCounts()).to.deep.equal(before);
  });

  it('when nobody is signed in, then UNAUTHENTICATED and nothing is written', async () => {
    const ids = await siteIds(await server.signIn(server.demo.districtAdminEmail));
    const before = await rowCounts();

    const response = await create(undefined, { schoolSiteIds: [ids.partner] });

    expect(response.errors?.map((error) => error.extensions?.code)).to.deep.equal(['UNAUTHENTICATED']);
    expect(await rowCounts()).to.deep.equal(before);
  });

  it('when a forged bearer token is sent, then UNAUTHENTICATED and nothing is written', async () => {
    const ids = await siteIds(await server.signIn(server.demo.districtAdminEmail));
    const before = await rowCounts();

    const response = await create('eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.', { schoolSiteIds: [ids.partner] });

    expect(response.errors?.map((error) => error.extensions?.code)).to.deep.equal(['UNAUTHENTICATED']);
    expect(await rowCounts()).to.deep.equal(before);
  });

  it('when a raw internal site number is sent instead of a public id, then FORBIDDEN', async () => {
    const token = await server.signIn(server.demo.districtAdminEmail);
    const before = await rowCounts();

    const response = await create(token, { schoolSiteIds: [String(server.demo.siteIds[0])] });

    expect(response.errors?.map((error) => error.extensions?.code)).to.deep.equal(['FORBIDDEN']);
    expect(await rowCounts()).to.deep.equal(before);
  });

  it('when the agreement is not accepted, then AGREEMENT_REQUIRED and nothing is written', async () => {
    const token = await server.signIn(server.demo.districtAdminEmail);
    const ids = await siteIds(token);
    const before = await rowCounts();

    const response = await create(token, { schoolSiteIds: [ids.partner], agreementAccepted: false });

    expect(response.data.createEducatorAccount.account).to.equal(null);
    expect(response.data.createEducatorAccount.userErrors).to.deep.equal([
      { code: 'AGREEMENT_REQUIRED', message: 'Accept the account creation agreement to create this account.', field: ['agreementAccepted'] },
    ]);
    expect(await rowCounts()).to.deep.equal(before);
    expect(await server.deliveredEmails()).to.deep.equal([]);
  });

  it('when the agreement is accepted, then who accepted which version, when and for which account is recorded', async () => {
    const token = await server.signIn(server.demo.siteAdminEmail);
    const ids = await siteIds(await server.signIn(server.demo.districtAdminEmail));

    const response = await create(token, { schoolSiteIds: [ids.partner] });

    const account = response.data.createEducatorAccount.account;
    const created = await repository(EducatorAccountRecord).findOneByOrFail({ emailNormalized: 'ana.lopez@example.org' });
    const siteAdmin = await repository(EducatorAccountRecord).findOneByOrFail({ emailNormalized: server.demo.siteAdminEmail });
    const acceptances = await repository(AgreementAcceptanceRecord).find();
    expect(acceptances).to.have.length(1);
    expect(acceptances[0]).to.include({
      acceptedByAccountId: siteAdmin.id,
      agreement: 'SINGLE_ACCOUNT_CREATION',
      version: SINGLE_CREATION_AGREEMENT_VERSION,
      subjectAccountId: created.id,
      uploadBatchId: null,
    });
    expect(new Date(acceptances[0].acceptedAt).toISOString()).to.equal(account.createdAt);
    expect(created.createdByAccountId).to.equal(siteAdmin.id);
  });

  it('when the email is taken, in any case or with spaces around it, then EMAIL_TAKEN and nothing more is written', async () => {
    const token = await server.signIn(server.demo.districtAdminEmail);
    const ids = await siteIds(token);
    const first = await create(token, { email: 'Ana.Lopez@Example.org', schoolSiteIds: [ids.partner] });
    expect(first.data.createEducatorAccount.account.email).to.equal('Ana.Lopez@Example.org');
    const before = await rowCounts();

    const codes: string[] = [];
    for (const email of [
      'ana.lopez@example.org',
      'ANA.LOPEZ@EXAMPLE.ORG',
      '  Ana.Lopez@example.org  ',
      '\tana.LOPEZ@example.ORG\n',
      'SITE.ADMIN@demo-partner-high.example.org',
    ]) {
      const response = await create(token, { email, schoolSiteIds: [ids.middle], roleCode: 'COUNSELOR' });
      expect(response.data.createEducatorAccount.account, email).to.equal(null);
      codes.push(...response.data.createEducatorAccount.userErrors.map((error: { code: string }) => error.code));
    }

    expect(codes).to.deep.equal(Array(5).fill('EMAIL_TAKEN'));
    expect(await rowCounts()).to.deep.equal(before);
    const stored = await repository(EducatorAccountRecord).findOneByOrFail({ emailNormalized: 'ana.lopez@example.org' });
    expect(stored.roleCode).to.equal('EDUCATOR');
  });

  it('when the email is not an address, then INVALID_EMAIL on the email field and nothing is written', async () => {
    const token = await server.signIn(server.demo.districtAdminEmail);
    const ids = await siteIds(token);
    const before = await rowCounts();

    for (const email of ['not-an-email', '', '   ', 'ana@example', 'ana lopez@example.org']) {
      const response = await create(token, { email, schoolSiteIds: [ids.partner] });
      expect(
        response.data.createEducatorAccount.userErrors.map((error: { code: string; field: string[] }) => [error.code, error.field]),
        email,
      ).to.deep.equal([['INVALID_EMAIL', ['email']]]);
    }
    expect(await rowCounts()).to.deep.equal(before);
  });

  it('when a name is blank, too long or holds a control character, then INVALID_NAME on that field and nothing is written', async () => {
    const token = await server.signIn(server.demo.districtAdminEmail);
    const ids = await siteIds(token);
    const before = await rowCounts();

    const cases: [Record<string, string>, string[]][] = [
      [{ firstName: '   ' }, ['firstName']],
      [{ firstName: 'x'.repeat(101) }, ['firstName']],
      [{ firstName: 'Ana\tMaría' }, ['firstName']],
      [{ lastName: '' }, ['lastName']],
      [{ lastName: 'López\nDROP TABLE' }, ['lastName']],
      [{ lastName: '😀'.repeat(101) }, ['lastName']],
    ];
    for (const [names, field] of cases) {
      const response = await create(token, { ...names, schoolSiteIds: [ids.partner] });
      expect(
        response.data.createEducatorAccount.userErrors.map((error: { code: string; field: string[] }) => [error.code, error.field]),
        JSON.stringify(names),
      ).to.deep.equal([['INVALID_NAME', field]]);
    }
    expect(await rowCounts()).to.deep.equal(before);
  });

  it('when a name carries a link, an email address or an invisible character, or the email a zero-width space, then INVALID_NAME or INVALID_EMAIL and no invitation is queued', async () => {
    const token = await server.signIn(server.demo.districtAdminEmail);
    const ids = await siteIds(token);
    const before = await rowCounts();

    const cases: [Record<string, string>, string, string[]][] = [
      [{ firstName: 'Your account is locked, verify at https://evil.example/login' }, 'INVALID_NAME', ['firstName']],
      [{ firstName: 'Ana www.evil.example' }, 'INVALID_NAME', ['firstName']],
      [{ lastName: 'evil.example/login' }, 'INVALID_NAME', ['lastName']],
      [{ lastName: 'Write to help@evil.example' }, 'INVALID_NAME', ['lastName']],
      [{ lastName: 'López\u2028Click below' }, 'INVALID_NAME', ['lastName']],
      [{ firstName: 'A\u200Bna' }, 'INVALID_NAME', ['firstName']],
      [{ email: '\u200Bana.lopez@example.org' }, 'INVALID_EMAIL', ['email']],
    ];
    for (const [fields, code, field] of cases) {
      const response = await create(token, { ...fields, schoolSiteIds: [ids.partner] });
      expect(
        response.data.createEducatorAccount.userErrors.map((error: { code: string; field: string[] }) => [error.code, error.field]),
        JSON.stringify(fields),
      ).to.deep.equal([[code, field]]);
    }
    expect(await rowCounts()).to.deep.equal(before);
  });

  it('when names use accents, CJK and emoji (100 code points), then they are stored and returned exactly', async () => {
    const token = await server.signIn(server.demo.districtAdminEmail);
    const ids = await siteIds(token);
    const lastName = `Nguyễn 王 😀${'é'.repeat(90)}`;
    const firstName = '😀'.repeat(100);

    const response = await create(token, { firstName: `  ${firstName} `, lastName, schoolSiteIds: [ids.partner] });

    expect(response.data.createEducatorAccount.userErrors).to.deep.equal([]);
    expect(response.data.createEducatorAccount.account).to.include({ firstName, lastName });
    const stored = await repository(EducatorAccountRecord).findOneByOrFail({ emailNormalized: 'ana.lopez@example.org' });
    expect([stored.firstName, stored.lastName]).to.deep.equal([firstName, lastName]);
  });

  it('when a third Site Admin is created for a site, then it succeeds with a SITE_ADMIN_RECOMMENDATION naming 3; the second gave none', async () => {
    const token = await server.signIn(server.demo.siteAdminEmail);
    const ids = await siteIds(await server.signIn(server.demo.districtAdminEmail));

    const second = await create(token, { email: 'second.admin@example.org', roleCode: 'SITE_ADMIN', schoolSiteIds: [ids.partner] });
    const third = await create(token, { email: 'third.admin@example.org', roleCode: 'SITE_ADMIN', schoolSiteIds: [ids.partner] });

    expect(second.data.createEducatorAccount.userErrors).to.deep.equal([]);
    expect(second.data.createEducatorAccount.warnings).to.deep.equal([]);
    expect(third.data.createEducatorAccount.userErrors).to.deep.equal([]);
    expect(third.data.createEducatorAccount.account.email).to.equal('third.admin@example.org');
    expect(third.data.createEducatorAccount.warnings).to.have.length(1);
    expect(third.data.createEducatorAccount.warnings[0].code).to.equal('SITE_ADMIN_RECOMMENDATION');
    expect(third.data.createEducatorAccount.warnings[0].message).to.match(/\b3 Site Admins\b/);
    expect(await repository(EducatorAccountRecord).countBy({ roleCode: 'SITE_ADMIN' })).to.equal(3);
  });

  it('when a Site Admin is created at the other site, then no warning is given for it', async () => {
    const token = await server.signIn(server.demo.districtAdminEmail);
    const ids = await siteIds(token);
    await create(token, { email: 'second.admin@example.org', roleCode: 'SITE_ADMIN', schoolSiteIds: [ids.partner] });

    const response = await create(token, { email: 'middle.admin@example.org', roleCode: 'SITE_ADMIN', schoolSiteIds: [ids.middle] });

    expect(response.data.createEducatorAccount.userErrors).to.deep.equal([]);
    expect(response.data.createEducatorAccount.warnings).to.deep.equal([]);
  });

  it('when inputs break the shape limits (unknown role, 1000+ character email), then BAD_USER_INPUT and nothing is written', async () => {
    const token = await server.signIn(server.demo.districtAdminEmail);
    const ids = await siteIds(token);
    const before = await rowCounts();

    const unknownRole = await create(token, { roleCode: 'TEACHER', schoolSiteIds: [ids.partner] });
    const hugeEmail = await create(token, { email: `${'a'.repeat(1001)}@example.org`, schoolSiteIds: [ids.partner] });

    expect(unknownRole.errors?.map((error) => error.extensions?.code)).to.deep.equal(['BAD_USER_INPUT']);
    expect(hugeEmail.errors?.map((error) => error.extensions?.code)).to.deep.equal(['BAD_USER_INPUT']);
    expect(await rowCounts()).to.deep.equal(before);
  });
});
