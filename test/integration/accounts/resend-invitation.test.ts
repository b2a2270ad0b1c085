import { expect } from 'chai';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describeOnEachDatabase } from '../../support/databases';
import { startTestServer, type TestServer } from '../../support/test-server';

const CREATE = `mutation($input: CreateEducatorAccountInput!) { createEducatorAccount(input: $input) { account { id } userErrors { code } } }`;
const RESEND = `mutation($id: ID!) { resendInvitation(input: { accountId: $id }) { account { email status } userErrors { code message } } }`;
const REGISTER = `mutation($input: RegisterAccountInput!) { registerAccount(input: $input) { userErrors { code } } }`;
const SITES = '{ schoolSites { id name } }';
const MINUTE_IN_DAYS = 1 / (24 * 60);

describeOnEachDatabase('resendInvitation through HTTP', (database) => {
  let server: TestServer;
  let adminToken: string;
  let site: { partner: string; middle: string };

  before(async () => {
    server = await startTestServer(database, { maxInvitationsPerAdminPerHour: 3 });
  });
  beforeEach(async () => {
    await server.reset();
    for (const file of readdirSync(server.outboxDir)) rmSync(join(server.outboxDir, file));
    adminToken = await server.signIn(server.demo.districtAdminEmail);
    const sites = (await server.graphql(SITES, {}, adminToken)).data.schoolSites as { id: string; name: string }[];
    site = { partner: sites.find((s) => s.name === 'Demo Partner High')!.id, middle: sites.find((s) => s.name === 'Demo Middle School')!.id };
  });
  after(async () => {
    await server?.close();
  });

  const create = async (email: string, schoolSiteId = site.partner) => {
    const response = await server.graphql(
      CREATE,
      { input: { firstName: 'Ada', lastName: 'Lovelace', email, roleCode: 'EDUCATOR', schoolSiteIds: [schoolSiteId], agreementAccepted: true } },
      adminToken,
    );
    expect(response.data?.createEducatorAccount?.userErrors, response.text).to.deep.equal([]);
    return response.data.createEducatorAccount.account.id as string;
  };
  const resend = async (id: string, token = adminToken) => (await server.graphql(RESEND, { id }, token)).data?.resendInvitation;
  const codesOf = (payload: { userErrors: { code: string }[] }) => payload.userErrors.map((error) => error.code);
  const audited = async () =>
    (await server.application.dataSource.query<{ outcome: string }[]>("SELECT outcome FROM audit_event WHERE action = 'INVITATION_RESENT' ORDER BY id")).map(
      (row) => row.outcome,
    );

  it('when a pending account is resent right after its creation, then a second invitation with the same code goes out, recorded', async () => {
    const id = await create('ada@example.org');

    const payload = await resend(id);

    expect(payload).to.deep.equal({ account: { email: 'ada@example.org', status: 'PENDING_REGISTRATION' }, userErrors: [] });
    const emails = (await server.deliveredEmails()).filter((eml) => eml.includes('To: ada@example.org'));
    expect(emails).to.have.length(2);
    const codes = emails.map((eml) => /Registration code: (\S+)/.exec(eml)![1]);
    expect(codes[0]).to.equal(codes[1]);
    expect(await audited()).to.deep.equal(['SUCCEEDED']);
  });

  it('when resent again within RESEND_INVITATION_MIN_MINUTES, then RESEND_TOO_SOON with when to try; after the wait it goes', async () => {
    const id = await create('ada@example.org');
    await resend(id);

    const tooSoon = await resend(id);
    server.clock.advanceDays(10 * MINUTE_IN_DAYS + MINUTE_IN_DAYS / 60);
    adminToken = await server.signIn(server.demo.districtAdminEmail);
    const later = await resend(id);

    expect(codesOf(tooSoon)).to.deep.equal(['RESEND_TOO_SOON']);
    expect(tooSoon.userErrors[0].message).to.match(/at \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC \(in 10 minutes\)/);
    expect(codesOf(later)).to.deep.equal([]);
    expect(await server.deliveredEmails()).to.have.length(3);
    expect(await audited()).to.deep.equal(['SUCCEEDED', 'RESEND_TOO_SOON', 'SUCCEEDED']);
  });

  it('when the account registered or expired, then NOT_PENDING and nothing is sent', async () => {
    const registered = await create('ada@example.org');
    const code = /Registration code: (\S+)/.exec((await server.deliveredEmails())[0])![1];
    await server.graphql(REGISTER, {
      input: { email: 'ada@example.org', registrationCode: code, password: 'a long enough password', educationalInterestAccepted: true },
    });
    const expiring = await create('old@example.org');
    server.clock.advanceDays(61);
    adminToken = await server.signIn(server.demo.districtAdminEmail);
    await server.deliveredEmails();

    expect(codesOf(await resend(registered))).to.deep.equal(['NOT_PENDING']);
    expect(codesOf(await resend(expiring))).to.deep.equal(['NOT_PENDING']);
    expect(await server.deliveredEmails(), 'nothing more delivered').to.deep.equal([]);
  });

  it("when the admin's hourly invitation allowance is used up, then INVITATION_LIMIT_REACHED and nothing is sent", async () => {
    const first = await create('one@example.org');
    const second = await create('two@example.org');
    expect(codesOf(await resend(first))).to.deep.equal([]);

    expect(codesOf(await resend(second))).to.deep.equal(['INVITATION_LIMIT_REACHED']);
    expect(await server.deliveredEmails()).to.have.length(3);
  });

  it('when a Site Admin resends an account of another site, then FORBIDDEN, the same as for an unknown id, and the refusal is recorded', async () => {
    const elsewhere = await create('ada@example.org', site.middle);
    const siteAdmin = await server.signIn(server.demo.siteAdminEmail);

    const answer = await server.graphql(RESEND, { id: elsewhere }, siteAdmin);
    const unknown = await server.graphql(RESEND, { id: server.application.publicIds.encode('account', 987_654) }, siteAdmin);

    expect(answer.errors?.map((error) => error.extensions?.code)).to.deep.equal(['FORBIDDEN']);
    expect(answer.text).to.equal(unknown.text);
    expect(await audited()).to.deep.equal(['FORBIDDEN', 'FORBIDDEN']);
  });
});
