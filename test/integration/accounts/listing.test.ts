import { expect } from 'chai';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_DISTRICT } from '../../../src/cli/demo-district';
import { DistrictRecord, SchoolSiteRecord } from '../../../src/infrastructure/persistence/records/records';
import { describeOnEachDatabase } from '../../support/databases';
import { startTestServer, type GraphQLResponse, type TestServer } from '../../support/test-server';

const CREATE = `mutation($input: CreateEducatorAccountInput!) { createEducatorAccount(input: $input) { account { id } userErrors { code } } }`;
const LIST = `query($site: ID!, $first: Int, $after: String) {
  educatorAccounts(schoolSiteId: $site, first: $first, after: $after) {
    nodes { id email status role { code } schoolSites { name } }
    pageInfo { hasNextPage endCursor }
    totalCount
  }
}`;
const SITES = '{ schoolSites { id name siteAdminCount district { name } } }';
const REGISTER = `mutation($input: RegisterAccountInput!) { registerAccount(input: $input) { userErrors { code } } }`;

describeOnEachDatabase('educatorAccounts and schoolSites through HTTP', (database) => {
  let server: TestServer;
  let adminToken: string;
  let site: { partner: string; middle: string };

  before(async () => {
    server = await startTestServer(database);
  });
  beforeEach(async () => {
    await server.reset();
    // MySQL's TRUNCATE restarts outbox ids, so .eml names repeat; an empty outbox keeps deliveredEmails() exact.
    for (const file of readdirSync(server.outboxDir)) rmSync(join(server.outboxDir, file));
    adminToken = await server.signIn(server.demo.districtAdminEmail);
    const sites = (await server.graphql(SITES, {}, adminToken)).data.schoolSites as { id: string; name: string }[];
    site = { partner: sites.find((s) => s.name === 'Demo Partner High')!.id, middle: sites.find((s) => s.name === 'Demo Middle School')!.id };
  });
  after(async () => {
    await server?.close();
  });

  const createAt = async (schoolSiteId: string, email: string, roleCode = 'EDUCATOR', token = adminToken) => {
    const response = await server.graphql(
      CREATE,
      { input: { firstName: 'Test', lastName: 'Person', email, roleCode, schoolSiteIds: [schoolSiteId], agreementAccepted: true } },
      token,
    );
    expect(response.data?.createEducatorAccount?.userErrors, response.text).to.deep.equal([]);
    return response.data.createEducatorAccount.account.id as string;
  };

  const errorCodes = (response: { errors?: { extensions?: { code?: string } }[] }) => response.errors?.map((error) => error.extensions?.code);

  describe('educatorAccounts pagination', () => {
    it('when seven accounts are walked three at a time, then pages of 3, 3 and 1 come oldest first with the total and hasNextPage', async () => {
      const created: string[] = [];
      for (let index = 1; index <= 7; index += 1) created.push(await createAt(site.middle, `person${index}@example.org`));
      await createAt(site.partner, 'elsewhere@example.org');

      const pages: { emails: string[]; hasNextPage: boolean; totalCount: number }[] = [];
      const ids: string[] = [];
      let after: string | null = null;
      for (let guard = 0; guard < 10; guard += 1) {
        const response: GraphQLResponse = await server.graphql(LIST, { site: site.middle, first: 3, after }, adminToken);
        expect(response.errors, response.text).to.equal(undefined);
        const connection: { nodes: { id: string; email: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string }; totalCount: number } =
          response.data.educatorAccounts;
        pages.push({ emails: connection.nodes.map((node) => node.email), hasNextPage: connection.pageInfo.hasNextPage, totalCount: connection.totalCount });
        ids.push(...connection.nodes.map((node) => node.id));
        if (!connection.pageInfo.hasNextPage) break;
        after = connection.pageInfo.endCursor;
      }

      expect(pages).to.deep.equal([
        { emails: ['person1@example.org', 'person2@example.org', 'person3@example.org'], hasNextPage: true, totalCount: 7 },
        { emails: ['person4@example.org', 'person5@example.org', 'person6@example.org'], hasNextPage: true, totalCount: 7 },
        { emails: ['person7@example.org'], hasNextPage: false, totalCount: 7 },
      ]);
      expect(ids).to.deep.equal(created);
    });

    it('when the page size matches the count exactly, then hasNextPage is false and the end cursor leads to an empty page', async () => {
      for (let index = 1; index <= 3; index += 1) await createAt(site.middle, `person${index}@example.org`);

      const first = (await server.graphql(LIST, { site: site.middle, first: 3 }, adminToken)).data.educatorAccounts;
      const next = (await server.graphql(LIST, { site: site.middle, first: 3, after: first.pageInfo.endCursor }, adminToken)).data.educatorAccounts;

      expect([first.nodes.length, first.pageInfo.hasNextPage]).to.deep.equal([3, false]);
      expect(next).to.deep.equal({ nodes: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: 3 });
    });

    it('when no page size is given, then up to 50 come; the Site Admin sees their own site with the seeded Site Admin', async () => {
      await createAt(site.partner, 'person1@example.org');
      const siteAdminToken = await server.signIn(server.demo.siteAdminEmail);

      const response = await server.graphql(LIST, { site: site.partner }, siteAdminToken);

      expect(response.data.educatorAccounts.totalCount).to.equal(2);
      expect(response.data.educatorAccounts.nodes.map((node: { email: string; role: { code: string } }) => [node.email, node.role.code])).to.deep.equal([
        [server.demo.siteAdminEmail, 'SITE_ADMIN'],
        ['person1@example.org', 'EDUCATOR'],
      ]);
    });

    it('when first is 101 or negative, then BAD_USER_INPUT; 100 is accepted', async () => {
      const tooMany = await server.graphql(LIST, { site: site.middle, first: 101 }, adminToken);
      const negative = await server.graphql(LIST, { site: site.middle, first: -1 }, adminToken);
      const hundred = await server.graphql(LIST, { site: site.middle, first: 100 }, adminToken);

      expect(errorCodes(tooMany)).to.deep.equal(['BAD_USER_INPUT']);
      expect(errorCodes(negative)).to.deep.equal(['BAD_USER_INPUT']);
      expect(hundred.errors).to.equal(undefined);
      expect(hundred.data.educatorAccounts.totalCount).to.equal(0);
    });

    it('when the after cursor is forged, tampered or another kind of id, then BAD_USER_INPUT', async () => {
      await createAt(site.middle, 'person1@example.org');
      await createAt(site.middle, 'person2@example.org');
      const real = (await server.graphql(LIST, { site: site.middle, first: 1 }, adminToken)).data.educatorAccounts.pageInfo.endCursor as string;
      const tampered = `${real.slice(0, 7)}${real[7] === 'A' ? 'B' : 'A'}${real.slice(8)}`;

      const codes: unknown[] = [];
      for (const after of ['bm90LWEtY3Vyc29y', '1', tampered, site.middle, server.application.publicIds.encode('account', 1)]) {
        codes.push(errorCodes(await server.graphql(LIST, { site: site.middle, first: 1, after }, adminToken)));
      }

      expect(codes).to.deep.equal(Array(5).fill(['BAD_USER_INPUT']));
    });

    it('when a Site Admin lists another site, a site of another district or a garbage id, then FORBIDDEN', async () => {
      const siteAdminToken = await server.signIn(server.demo.siteAdminEmail);
      const district = await server.application.dataSource.getRepository(DistrictRecord).save({ name: 'Elsewhere Unified', createdAt: Date.now() });
      const elsewhere = await server.application.dataSource
        .getRepository(SchoolSiteRecord)
        .save({ name: 'Elsewhere High', districtId: district.id, createdAt: Date.now() });
      const elsewhereId = server.application.publicIds.encode('site', elsewhere.id);

      const codes = [
        errorCodes(await server.graphql(LIST, { site: site.middle }, siteAdminToken)),
        errorCodes(await server.graphql(LIST, { site: elsewhereId }, siteAdminToken)),
        errorCodes(await server.graphql(LIST, { site: elsewhereId }, adminToken)),
        errorCodes(await server.graphql(LIST, { site: 'garbage' }, adminToken)),
      ];

      expect(codes).to.deep.equal(Array(4).fill(['FORBIDDEN']));
    });

    it('when nobody is signed in, then UNAUTHENTICATED', async () => {
      expect(errorCodes(await server.graphql(LIST, { site: site.middle }))).to.deep.equal(['UNAUTHENTICATED']);
    });
  });

  describe('schoolSites', () => {
    it('when the District Admin asks, then both district sites come ordered by name with their district and Site Admin counts', async () => {
      const response = await server.graphql(SITES, {}, adminToken);

      expect(
        response.data.schoolSites.map(({ name, siteAdminCount, district }: { name: string; siteAdminCount: number; district: { name: string } }) => ({
          name,
          siteAdminCount,
          district,
        })),
      ).to.deep.equal([
        { name: 'Demo Middle School', siteAdminCount: 0, district: { name: DEMO_DISTRICT } },
        { name: 'Demo Partner High', siteAdminCount: 1, district: { name: DEMO_DISTRICT } },
      ]);
    });

    it('when the Site Admin asks, then only their own site comes', async () => {
      const response = await server.graphql(SITES, {}, await server.signIn(server.demo.siteAdminEmail));

      expect(response.data.schoolSites.map((s: { id: string; name: string }) => [s.id, s.name])).to.deep.equal([[site.partner, 'Demo Partner High']]);
    });

    it('when a registered Educator asks, then no site comes', async () => {
      await createAt(site.partner, 'eddie@example.org');
      const code = /Registration code: (\S+)/.exec((await server.deliveredEmails())[0])![1];
      await server.graphql(REGISTER, {
        input: { email: 'eddie@example.org', registrationCode: code, password: 'educator password here', educationalInterestAccepted: true },
      });

      const response = await server.graphql(SITES, {}, await server.signIn('eddie@example.org', 'educator password here'));

      expect(response.errors).to.equal(undefined);
      expect(response.data.schoolSites).to.deep.equal([]);
    });

    it('when nobody is signed in, then UNAUTHENTICATED', async () => {
      expect(errorCodes(await server.graphql(SITES))).to.deep.equal(['UNAUTHENTICATED']);
    });

    it('when Site Admins are created, then siteAdminCount counts pending ones and stops counting them once expired', async () => {
      await createAt(site.middle, 'middle.admin@example.org', 'SITE_ADMIN');
      await createAt(site.partner, 'second.admin@example.org', 'SITE_ADMIN');
      await createAt(site.partner, 'not.an.admin@example.org', 'COUNSELOR');
      const counts = async (token: string) =>
        Object.fromEntries(
          (await server.graphql(SITES, {}, token)).data.schoolSites.map((s: { name: string; siteAdminCount: number }) => [s.name, s.siteAdminCount]),
        );

      expect(await counts(adminToken)).to.deep.equal({ 'Demo Middle School': 1, 'Demo Partner High': 2 });

      server.clock.advanceDays(61);
      expect(await counts(await server.signIn(server.demo.districtAdminEmail))).to.deep.equal({ 'Demo Middle School': 0, 'Demo Partner High': 1 });
    });
  });
});
