import { expect } from 'chai';
import { describeOnEachDatabase } from '../../support/databases';
import { startTestServer, type TestServer } from '../../support/test-server';

const CREATE = 'mutation($input: CreateEducatorAccountInput!) { createEducatorAccount(input: $input) { account { id } userErrors { code } } }';
const CREATE_REFUSABLE =
  'mutation($input: CreateEducatorAccountInput!) { createEducatorAccount(input: $input) { account { id } userErrors { code message } } }';

describeOnEachDatabase('Creating accounts concurrently', (database) => {
  let server: TestServer;
  let token: string;
  let siteId: string;

  before(async () => {
    server = await startTestServer(database);
    token = await server.signIn(server.demo.districtAdminEmail);
    siteId = (await server.graphql('{ schoolSites { id } }', {}, token)).data.schoolSites[0].id;
  });
  after(async () => {
    await server.close();
  });

  const create = (email: string, roleCode = 'EDUCATOR') =>
    server.graphql(CREATE, { input: { firstName: 'Ana', lastName: 'Li', email, roleCode, schoolSiteIds: [siteId], agreementAccepted: true } }, token);

  it('when 60 admins create different accounts at the same moment, then every one is created, each with its invitation', async () => {
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, index) => create(`parallel-${index}@example.org`, index % 20 === 0 ? 'SITE_ADMIN' : 'EDUCATOR')),
    );

    expect(results.filter((result) => result.errors).map((result) => result.text)).to.deep.equal([]);
    expect(results.every((result) => result.data.createEducatorAccount.account !== null)).to.equal(true);
    const [accounts] = await server.application.dataSource.query("SELECT COUNT(*) AS n FROM educator_account WHERE email_normalized LIKE 'parallel-%'");
    const [invitations] = await server.application.dataSource.query("SELECT COUNT(*) AS n FROM outbox_message WHERE recipient LIKE 'parallel-%'");
    expect([Number(accounts.n), Number(invitations.n)]).to.deep.equal([60, 60]);
  });

  it('when the same email is created 10 times at once, then exactly one account exists and the others are told EMAIL_TAKEN', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, (_, index) => create(index % 2 ? 'SAME@example.org' : 'same@example.org')));

    expect(results.filter((result) => result.errors)).to.deep.equal([]);
    const codes = results.map((result) => result.data.createEducatorAccount.userErrors.map((error: { code: string }) => error.code).join());
    expect(codes.filter((code) => code === '')).to.have.length(1);
    expect(codes.filter((code) => code === 'EMAIL_TAKEN')).to.have.length(9);
    const [accounts] = await server.application.dataSource.query("SELECT COUNT(*) AS n FROM educator_account WHERE email_normalized = 'same@example.org'");
    expect(Number(accounts.n)).to.equal(1);
  });
});

describeOnEachDatabase('Creating accounts concurrently beyond the hourly limit', (database) => {
  const LIMIT = 15;
  let server: TestServer;
  let token: string;
  let siteId: string;

  before(async () => {
    server = await startTestServer(database, { maxInvitationsPerAdminPerHour: LIMIT });
    token = await server.signIn(server.demo.siteAdminEmail);
    siteId = (await server.graphql('{ schoolSites { id } }', {}, token)).data.schoolSites[0].id;
  });
  after(async () => {
    await server.close();
  });

  const create = (email: string, as = token) =>
    server.graphql(
      CREATE_REFUSABLE,
      { input: { firstName: 'Ana', lastName: 'Li', email, roleCode: 'EDUCATOR', schoolSiteIds: [siteId], agreementAccepted: true } },
      as,
    );

  it(`when one admin sends ${LIMIT + 10} creations at the same moment with a limit of ${LIMIT} an hour, then exactly ${LIMIT} accounts and invitations exist and 10 are refused INVITATION_LIMIT_REACHED`, async () => {
    const results = await Promise.all(Array.from({ length: LIMIT + 10 }, (_, index) => create(`burst-${index}@example.org`)));

    expect(results.filter((result) => result.errors).map((result) => result.text)).to.deep.equal([]);
    const errors = results.flatMap((result) => result.data.createEducatorAccount.userErrors);
    expect(errors.map((error: { code: string }) => error.code)).to.deep.equal(Array(10).fill('INVITATION_LIMIT_REACHED'));
    const [inHour] = errors.map((error: { message: string }) => /the next one at (.+ UTC) \(in (\d+) minutes\)/.exec(error.message));
    expect(inHour, errors[0].message).to.not.equal(null);
    expect(new Date(inHour![1].replace(' ', 'T').replace(' UTC', ':00Z')).getTime()).to.be.greaterThan(server.clock.now().getTime() + 59 * 60_000);
    const [accounts] = await server.application.dataSource.query("SELECT COUNT(*) AS n FROM educator_account WHERE email_normalized LIKE 'burst-%'");
    const [invitations] = await server.application.dataSource.query("SELECT COUNT(*) AS n FROM outbox_message WHERE recipient LIKE 'burst-%'");
    expect([Number(accounts.n), Number(invitations.n)]).to.deep.equal([LIMIT, LIMIT]);
  });

  it('when the limit is reached, then another admin may still create, and the first may again once the hour has passed', async () => {
    const districtAdmin = await server.signIn(server.demo.districtAdminEmail);
    const codes = async (email: string, as?: string) =>
      (await create(email, as)).data.createEducatorAccount.userErrors.map((error: { code: string }) => error.code);

    expect(await codes('after-burst@example.org')).to.deep.equal(['INVITATION_LIMIT_REACHED']);
    expect(await codes('other-admin@example.org', districtAdmin)).to.deep.equal([]);
    server.clock.advanceDays(61 / (24 * 60));
    expect(await codes('next-hour@example.org', await server.signIn(server.demo.siteAdminEmail))).to.deep.equal([]);
  });
});
