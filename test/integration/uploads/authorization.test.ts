import { expect } from 'chai';
import { describeOnEachDatabase } from '../../support/databases';
import { startTestServer, type GraphQLResponse, type TestServer } from '../../support/test-server';
import { anEducatorRow, csvFile, educatorRows } from '../../support/csv-fixtures';
import { MIDDLE_SCHOOL, PARTNER_HIGH, countRows, createOtherDistrict, download, siteIdsByName, uploadAndProcess, uploadFile } from './upload-kit';

const LIST_BATCHES = `query($site: ID, $first: Int, $after: String) {
  uploadBatches(schoolSiteId: $site, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } nodes { id fileName status schoolSite { name } }
  }
}`;
const ONE_BATCH = 'query($id: ID!) { uploadBatch(id: $id) { id fileName } }';

describeOnEachDatabase('Who may upload and read the upload log', (database) => {
  let server: TestServer;
  let sites: Record<string, string>;
  let siteAdmin: string;
  let districtAdmin: string;

  before(async () => {
    server = await startTestServer(database);
  });
  after(async () => {
    await server?.close();
  });
  beforeEach(async () => {
    await server.reset();
    sites = await siteIdsByName(server);
    siteAdmin = await server.signIn(server.demo.siteAdminEmail);
    districtAdmin = await server.signIn(server.demo.districtAdminEmail);
  });

  const nothingStored = async () => {
    expect(await countRows(server, 'upload_batch')).to.equal(0);
    expect(await countRows(server, 'upload_file_chunk')).to.equal(0);
    expect(await countRows(server, 'agreement_acceptance WHERE upload_batch_id IS NOT NULL')).to.equal(0);
  };

  const errorCodes = (response: { errors?: { extensions?: { code?: string } }[] }) => (response.errors ?? []).map((error) => error.extensions?.code);

  /** Creates an Educator at Demo Partner High, registers it with the emailed code, and signs it in. */
  const signedInEducator = async (): Promise<string> => {
    const email = 'plain.educator@partner-high.example.org';
    const created = await server.graphql(
      'mutation($input: CreateEducatorAccountInput!) { createEducatorAccount(input: $input) { userErrors { code } } }',
      { input: { firstName: 'Pat', lastName: 'Plain', email, roleCode: 'EDUCATOR', schoolSiteIds: [sites[PARTNER_HIGH]], agreementAccepted: true } },
      siteAdmin,
    );
    expect(created.data.createEducatorAccount.userErrors).to.deep.equal([]);
    const invitation = (await server.deliveredEmails()).find((text) => text.includes(email))!;
    const code = /Registration code: (\S+)/.exec(invitation)![1];
    const password = 'a long enough password 123';
    const registered = await server.graphql(
      'mutation($input: RegisterAccountInput!) { registerAccount(input: $input) { account { status } userErrors { code } } }',
      { input: { email, registrationCode: code, password, educationalInterestAccepted: true } },
    );
    expect(registered.data.registerAccount, registered.text).to.deep.equal({ account: { status: 'ACTIVE' }, userErrors: [] });
    return server.signIn(email, password);
  };

  describe('uploadEducatorAccounts', () => {
    it('when a Site Admin uploads for another site, then it is FORBIDDEN and nothing is stored', async () => {
      const response = await server.upload(siteAdmin, { schoolSiteId: sites[MIDDLE_SCHOOL], content: csvFile(educatorRows(2)) });

      expect(errorCodes(response)).to.deep.equal(['FORBIDDEN']);
      expect(response.data).to.equal(null);
      await nothingStored();
    });

    it("when the site id is garbage, another kind of id, or another district's site, then it is FORBIDDEN and nothing is stored", async () => {
      const other = await createOtherDistrict(server);
      const accountId = (await server.graphql('{ me { id } }', {}, siteAdmin)).data.me.id;

      for (const schoolSiteId of ['garbage', 'AAAAAAAAAAAAAAAAAAAAAA', accountId, other.siteId]) {
        const response = await server.upload(districtAdmin, { schoolSiteId, content: csvFile(educatorRows(2)) });
        expect(errorCodes(response), schoolSiteId).to.deep.equal(['FORBIDDEN']);
      }
      await nothingStored();
    });

    it('when the agreement is not accepted, then userErrors says AGREEMENT_REQUIRED and nothing is stored', async () => {
      const response = await server.upload(siteAdmin, {
        schoolSiteId: sites[PARTNER_HIGH],
        content: csvFile(educatorRows(2)),
        agreementAccepted: false,
        select: 'id',
      });

      expect(response.errors).to.equal(undefined);
      expect(response.data.uploadEducatorAccounts).to.deep.equal({
        batch: null,
        userErrors: [{ code: 'AGREEMENT_REQUIRED', message: response.data.uploadEducatorAccounts.userErrors[0].message, field: ['agreementAccepted'] }],
      });
      await nothingStored();
    });

    it('when nobody is signed in, then it is UNAUTHENTICATED and nothing is stored', async () => {
      const response = await server.upload('', { schoolSiteId: sites[PARTNER_HIGH], content: csvFile(educatorRows(2)) });

      expect(errorCodes(response)).to.deep.equal(['UNAUTHENTICATED']);
      await nothingStored();
    });

    it('when the token is forged, then it is UNAUTHENTICATED', async () => {
      const response = await server.upload(`${siteAdmin.slice(0, -4)}AAAA`, { schoolSiteId: sites[PARTNER_HIGH], content: csvFile(educatorRows(2)) });

      expect(errorCodes(response)).to.deep.equal(['UNAUTHENTICATED']);
      await nothingStored();
    });

    it('when an Educator uploads for their own site, then it is FORBIDDEN and nothing is stored', async () => {
      const educator = await signedInEducator();

      const response = await server.upload(educator, { schoolSiteId: sites[PARTNER_HIGH], content: csvFile(educatorRows(2)) });

      expect(errorCodes(response)).to.deep.equal(['FORBIDDEN']);
      await nothingStored();
    });

    it('when the upload is accepted, then who accepted which agreement version, and for which batch, is recorded', async () => {
      const batch = await uploadFile(server, siteAdmin, { schoolSiteId: sites[PARTNER_HIGH], content: csvFile(educatorRows(2)) });

      const rows = await server.application.dataSource.query(
        'SELECT accepted_by_account_id, agreement, version, upload_batch_id FROM agreement_acceptance WHERE upload_batch_id IS NOT NULL',
      );
      const [siteAdminRow] = await server.application.dataSource.query('SELECT id FROM educator_account WHERE email_normalized = ?', [
        server.demo.siteAdminEmail,
      ]);
      expect(rows).to.have.length(1);
      expect(rows[0]).to.deep.include({
        accepted_by_account_id: siteAdminRow.id,
        agreement: 'BULK_ACCOUNT_CREATION',
        upload_batch_id: server.application.publicIds.decode('batch', batch.id),
      });
      expect(rows[0].version).to.be.a('string').and.not.equal('');
    });
  });

  describe('the upload log', () => {
    /** One batch per site of the demo district, uploaded Partner High first, and one in another district. */
    const threeBatches = async () => {
      const partner = await uploadAndProcess(server, siteAdmin, {
        schoolSiteId: sites[PARTNER_HIGH],
        content: csvFile(educatorRows(1)),
        fileName: 'partner.csv',
      });
      const middle = await uploadAndProcess(server, districtAdmin, {
        schoolSiteId: sites[MIDDLE_SCHOOL],
        content: csvFile(educatorRows(1, 10)),
        fileName: 'middle.csv',
      });
      const other = await createOtherDistrict(server);
      const otherAdmin = await server.signIn(other.adminEmail);
      const elsewhere = await uploadAndProcess(server, otherAdmin, {
        schoolSiteId: other.siteId,
        content: csvFile(educatorRows(1, 20)),
        fileName: 'elsewhere.csv',
      });
      return { partner, middle, elsewhere, otherAdmin, otherSiteId: other.siteId };
    };

    it("when a Site Admin asks for another site's batch or another district's, then uploadBatch is null, exactly as for an id that does not exist", async () => {
      const { partner, middle, elsewhere } = await threeBatches();

      for (const id of [middle.id, elsewhere.id, 'AAAAAAAAAAAAAAAAAAAAAA', 'garbage']) {
        const response = await server.graphql(ONE_BATCH, { id }, siteAdmin);
        expect(response.errors, id).to.equal(undefined);
        expect(response.data.uploadBatch, id).to.equal(null);
      }
      expect((await server.graphql(ONE_BATCH, { id: partner.id }, siteAdmin)).data.uploadBatch).to.deep.equal({ id: partner.id, fileName: 'partner.csv' });
      expect((await server.graphql(ONE_BATCH, { id: middle.id }, districtAdmin)).data.uploadBatch).to.deep.equal({ id: middle.id, fileName: 'middle.csv' });
      expect((await server.graphql(ONE_BATCH, { id: elsewhere.id }, districtAdmin)).data.uploadBatch).to.equal(null);
    });

    it("when a Site Admin lists another site's batches (or a made-up site's), then it is FORBIDDEN", async () => {
      const { otherSiteId } = await threeBatches();

      for (const site of [sites[MIDDLE_SCHOOL], otherSiteId, 'garbage']) {
        const response = await server.graphql(LIST_BATCHES, { site }, siteAdmin);
        expect(errorCodes(response), site).to.deep.equal(['FORBIDDEN']);
      }
      expect(errorCodes(await server.graphql(LIST_BATCHES, { site: otherSiteId }, districtAdmin))).to.deep.equal(['FORBIDDEN']);
    });

    it("when the log is listed without a site, then a District Admin sees every batch of the district newest first and a Site Admin only their site's", async () => {
      const { partner, middle, elsewhere, otherAdmin } = await threeBatches();

      const district = await server.graphql(LIST_BATCHES, {}, districtAdmin);
      expect(district.data.uploadBatches.totalCount).to.equal(2);
      expect(district.data.uploadBatches.nodes.map((node: { id: string }) => node.id)).to.deep.equal([middle.id, partner.id]);
      const site = await server.graphql(LIST_BATCHES, {}, siteAdmin);
      expect(site.data.uploadBatches).to.deep.include({ totalCount: 1 });
      expect(site.data.uploadBatches.nodes).to.deep.equal([
        { id: partner.id, fileName: 'partner.csv', status: 'COMPLETED', schoolSite: { name: PARTNER_HIGH } },
      ]);
      const otherDistrict = await server.graphql(LIST_BATCHES, {}, otherAdmin);
      expect(otherDistrict.data.uploadBatches.nodes.map((node: { id: string }) => node.id)).to.deep.equal([elsewhere.id]);
      const bySite = await server.graphql(LIST_BATCHES, { site: sites[MIDDLE_SCHOOL] }, districtAdmin);
      expect(bySite.data.uploadBatches.nodes.map((node: { id: string }) => node.id)).to.deep.equal([middle.id]);
    });

    it('when nobody is signed in, then the log and its batches are UNAUTHENTICATED and the failures download is 401', async () => {
      const { partner } = await threeBatches();

      expect(errorCodes(await server.graphql(LIST_BATCHES, {}))).to.deep.equal(['UNAUTHENTICATED']);
      expect(errorCodes(await server.graphql(ONE_BATCH, { id: partner.id }))).to.deep.equal(['UNAUTHENTICATED']);
      expect(errorCodes(await server.graphql('{ educatorAccountTemplate { content } }'))).to.deep.equal(['UNAUTHENTICATED']);
      expect((await download(server, `/upload-batches/${partner.id}/failures.csv`)).status).to.equal(401);
    });

    it('when an Educator reads the log, then listing is FORBIDDEN, a batch of their own site is null and its failures are 404', async () => {
      const { partner } = await threeBatches();
      const educator = await signedInEducator();

      expect(errorCodes(await server.graphql(LIST_BATCHES, {}, educator))).to.deep.equal(['FORBIDDEN']);
      expect(errorCodes(await server.graphql(LIST_BATCHES, { site: sites[PARTNER_HIGH] }, educator))).to.deep.equal(['FORBIDDEN']);
      const one = await server.graphql(ONE_BATCH, { id: partner.id }, educator);
      expect(one.errors).to.equal(undefined);
      expect(one.data.uploadBatch).to.equal(null);
      expect((await download(server, `/upload-batches/${partner.id}/failures.csv`, educator)).status).to.equal(404);
    });

    it('when the log is paged two at a time, then first/after walk it newest first with hasNextPage and totalCount', async () => {
      const ids: string[] = [];
      for (let n = 1; n <= 5; n += 1) {
        ids.push(
          (await uploadFile(server, siteAdmin, { schoolSiteId: sites[PARTNER_HIGH], content: csvFile([anEducatorRow(n)]), fileName: `batch-${n}.csv` })).id,
        );
      }
      const seen: string[][] = [];
      let after: string | null = null;
      for (const expectedNext of [true, true, false]) {
        const response: GraphQLResponse = await server.graphql(LIST_BATCHES, { site: sites[PARTNER_HIGH], first: 2, after }, siteAdmin);
        const page = response.data.uploadBatches;
        expect(page.totalCount).to.equal(5);
        expect(page.pageInfo.hasNextPage).to.equal(expectedNext);
        seen.push(page.nodes.map((node: { fileName: string }) => node.fileName));
        after = page.pageInfo.endCursor;
      }

      expect(seen).to.deep.equal([['batch-5.csv', 'batch-4.csv'], ['batch-3.csv', 'batch-2.csv'], ['batch-1.csv']]);
      expect(ids).to.have.length(5);
    });

    it('when a page size over 100, a negative one or a cursor the API never issued is asked for, then it is BAD_USER_INPUT', async () => {
      expect(errorCodes(await server.graphql(LIST_BATCHES, { first: 101 }, siteAdmin))).to.deep.equal(['BAD_USER_INPUT']);
      expect(errorCodes(await server.graphql(LIST_BATCHES, { first: -1 }, siteAdmin))).to.deep.equal(['BAD_USER_INPUT']);
      expect(errorCodes(await server.graphql(LIST_BATCHES, { after: 'garbage' }, siteAdmin))).to.deep.equal(['BAD_USER_INPUT']);
      expect(errorCodes(await server.graphql(LIST_BATCHES, { after: 'AAAAAAAAAAAAAAAAAAAAAA' }, siteAdmin))).to.deep.equal(['BAD_USER_INPUT']);
    });

    it('when failures are paged two at a time, then first/after walk them in line order', async () => {
      const rows = [
        anEducatorRow(1),
        anEducatorRow(2, { email: 'x' }),
        anEducatorRow(3),
        anEducatorRow(4, { role: 'Teacher' }),
        anEducatorRow(5, { role: 'Teacher' }),
        anEducatorRow(6),
        anEducatorRow(7, { email: 'y' }),
        anEducatorRow(8, { email: 'z' }),
      ];
      const batch = await uploadAndProcess(server, siteAdmin, { schoolSiteId: sites[PARTNER_HIGH], content: csvFile(rows) });
      const query = `query($id: ID!, $after: String) { uploadBatch(id: $id) { failures(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { lineNumber code } } } }`;

      const pages: number[][] = [];
      let after: string | null = null;
      for (const expectedNext of [true, true, false]) {
        const response: GraphQLResponse = await server.graphql(query, { id: batch.id, after }, siteAdmin);
        const failures = response.data.uploadBatch.failures;
        expect(failures.totalCount).to.equal(5);
        expect(failures.pageInfo.hasNextPage).to.equal(expectedNext);
        pages.push(failures.nodes.map((node: { lineNumber: number }) => node.lineNumber));
        after = failures.pageInfo.endCursor;
      }

      expect(pages).to.deep.equal([[3, 5], [6, 8], [9]]);
    });
  });
});
