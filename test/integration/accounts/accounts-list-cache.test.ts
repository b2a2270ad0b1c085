import { expect } from 'chai';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { csvFile, educatorRows } from '../../support/csv-fixtures';
import { describeOnEachDatabase } from '../../support/databases';
import { readableEmail } from '../../support/emails';
import { statementsOf } from '../../support/statements';
import { startTestServer, type TestServer } from '../../support/test-server';
import { uploadFile } from '../uploads/upload-kit';

const PAGE = `query($status: AccountStatus) { educatorAccounts(status: $status, first: 100, sort: { field: EMAIL, direction: ASC }) {
  totalCount nodes { email lastName status registrationDeadline role { code name } schoolSites { id name } } } }`;
const CREATE = `mutation($input: CreateEducatorAccountInput!) { createEducatorAccount(input: $input) { account { id } userErrors { code } } }`;
const REGISTER = `mutation($input: RegisterAccountInput!) { registerAccount(input: $input) { account { status } userErrors { code } } }`;
const DEACTIVATE = `mutation($id: ID!) { deactivateEducatorAccount(input: { accountId: $id }) { userErrors { code } } }`;
const REACTIVATE = `mutation($id: ID!) { reactivateEducatorAccount(input: { accountId: $id }) { userErrors { code } } }`;
const RECREATE = `mutation($id: ID!) { recreateEducatorAccount(input: { accountId: $id }) { userErrors { code } } }`;
const UPDATE = `mutation($id: ID!) { updateEducatorAccount(input: { accountId: $id, lastName: "López Ruiz" }) { userErrors { code } } }`;
const UNDO = `mutation($id: ID!) { undoUploadBatch(input: { batchId: $id }) { userErrors { code } } }`;
/** The viewer's account with their district's answers counter: all a kept answer costs. */
const STATEMENTS_OF_A_KEPT_ANSWER = 1;
const DAY_MS = 86_400_000;

describeOnEachDatabase('The accounts list answered again from memory', (database) => {
  let server: TestServer;
  let admin: string;
  let partnerHigh: string;

  before(async () => {
    server = await startTestServer(database);
  });
  beforeEach(async () => {
    await server.reset();
    for (const file of readdirSync(server.outboxDir)) rmSync(join(server.outboxDir, file));
    admin = await server.signIn(server.demo.districtAdminEmail);
    const sites = (await server.graphql('{ schoolSites { id name } }', {}, admin)).data.schoolSites as { id: string; name: string }[];
    partnerHigh = sites.find((site) => site.name === 'Demo Partner High')!.id;
  });
  after(async () => {
    await server?.close();
  });

  const ask = async (status: string | null = null) => {
    let data: any;
    const statements = await statementsOf(server, async () => {
      const answer = await server.graphql(PAGE, { status }, admin);
      expect(answer.errors, answer.text).to.equal(undefined);
      data = answer.data;
    });
    const accounts = data.educatorAccounts as {
      totalCount: number;
      nodes: { email: string; lastName: string; status: string; registrationDeadline: string }[];
    };
    return { ...accounts, statusOf: (email: string) => accounts.nodes.find((node) => node.email === email)?.status ?? null, statements };
  };
  const create = async (email: string): Promise<string> => {
    const input = { firstName: 'Ana', lastName: 'López', email, roleCode: 'EDUCATOR', schoolSiteIds: [partnerHigh], agreementAccepted: true };
    const created = await server.graphql(CREATE, { input }, admin);
    expect(created.data.createEducatorAccount.userErrors, created.text).to.deep.equal([]);
    return created.data.createEducatorAccount.account.id as string;
  };
  const mutate = async (mutation: string, id: string): Promise<void> => {
    const answer = await server.graphql(mutation, { id }, admin);
    expect(answer.errors, answer.text).to.equal(undefined);
    expect((Object.values(answer.data)[0] as { userErrors: unknown[] }).userErrors, answer.text).to.deep.equal([]);
  };

  it('when the same page is asked for again and nothing changed, then the same answer comes back from one statement', async () => {
    await create('ana@example.org');

    const first = await ask();
    const again = await ask();

    expect(first.statusOf('ana@example.org')).to.equal('PENDING_REGISTRATION');
    expect(first.statements).to.be.greaterThan(STATEMENTS_OF_A_KEPT_ANSWER);
    expect(again.nodes).to.deep.equal(first.nodes);
    expect(again.statements).to.equal(STATEMENTS_OF_A_KEPT_ANSWER);
  });

  it('when a page does not ask for totalCount, then nothing is counted: one statement fewer than the same page with it', async () => {
    await create('ana@example.org');
    const statementsFor = (fields: string) => statementsOf(server, () => server.graphql(`{ educatorAccounts(first: 10) { ${fields} } }`, {}, admin));

    const withCount = await statementsFor('totalCount nodes { email }');
    const withoutCount = await statementsFor('nodes { email }');

    expect(withoutCount).to.equal(withCount - 1);
  });

  it('when an account is created, registered, deactivated, reactivated, edited, expires and is created again between two asks, then each ask shows it at once', async () => {
    const before = (await ask()).totalCount;
    const id = await create('ana@example.org');
    const created = await ask();
    expect([created.totalCount, created.statusOf('ana@example.org')]).to.deep.equal([before + 1, 'PENDING_REGISTRATION']);

    const invitation = (await server.deliveredEmails()).map(readableEmail).find((eml) => eml.includes('ana@example.org'))!;
    const code = /^Registration code: ([A-Z0-9-]+)$/m.exec(invitation)![1];
    const registered = await server.graphql(REGISTER, {
      input: { email: 'ana@example.org', registrationCode: code, password: 'a sentence is a good password', educationalInterestAccepted: true },
    });
    expect(registered.data.registerAccount.userErrors, registered.text).to.deep.equal([]);
    expect((await ask()).statusOf('ana@example.org')).to.equal('ACTIVE');

    await mutate(DEACTIVATE, id);
    expect((await ask()).statusOf('ana@example.org')).to.equal('DEACTIVATED');
    expect((await ask('DEACTIVATED')).nodes.map((node) => node.email)).to.deep.equal(['ana@example.org']);
    await mutate(REACTIVATE, id);
    expect((await ask()).statusOf('ana@example.org')).to.equal('ACTIVE');
    await mutate(UPDATE, id);
    expect((await ask()).nodes.find((node) => node.email === 'ana@example.org')!.lastName).to.equal('López Ruiz');

    const pendingId = await create('bo@example.org');
    expect((await ask()).statusOf('bo@example.org')).to.equal('PENDING_REGISTRATION');
    // The service's clock measures how long an answer is kept, as it decides statuses: an expiry shows once it has passed.
    server.clock.advanceDays(61);
    admin = await server.signIn(server.demo.districtAdminEmail);
    const expired = await ask();
    expect(expired.statusOf('bo@example.org')).to.equal('EXPIRED');
    await mutate(RECREATE, pendingId);
    const recreated = await ask();
    expect(recreated.statusOf('bo@example.org')).to.equal('PENDING_REGISTRATION');
    const deadline = recreated.nodes.find((node) => node.email === 'bo@example.org')!.registrationDeadline;
    expect(Date.parse(deadline) - server.clock.now().getTime()).to.be.closeTo(60 * DAY_MS, DAY_MS);
  });

  it('when an upload creates accounts and an undo removes them between two asks, then each ask shows it at once', async () => {
    const before = (await ask()).totalCount;
    const siteAdmin = await server.signIn(server.demo.siteAdminEmail);
    const { id } = await uploadFile(server, siteAdmin, { schoolSiteId: partnerHigh, content: csvFile(educatorRows(3)) });
    expect((await ask()).totalCount).to.equal(before);

    await server.processUploads();
    expect((await ask()).totalCount).to.equal(before + 3);

    await mutate(UNDO, id);
    expect((await ask()).totalCount).to.equal(before);
  });

  it('when an account row is changed in SQL behind the service, then the change shows once a kept answer is older than its bound (60 s)', async () => {
    await create('ana@example.org');
    expect((await ask()).statusOf('ana@example.org')).to.equal('PENDING_REGISTRATION');
    await server.application.dataSource.query('UPDATE educator_account SET deactivated_at = ? WHERE email_normalized = ?', [Date.now(), 'ana@example.org']);
    expect((await ask()).statusOf('ana@example.org'), 'kept: nothing moved a counter').to.equal('PENDING_REGISTRATION');

    server.clock.advanceDays(1);
    admin = await server.signIn(server.demo.districtAdminEmail);

    expect((await ask()).statusOf('ana@example.org')).to.equal('DEACTIVATED');
  });
});
