import { expect } from 'chai';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { EducatorAccountRecord, OutboxMessageRecord } from '../../../src/infrastructure/persistence/records/records';
import { describeOnEachDatabase } from '../../support/databases';
import { readableEmail } from '../../support/emails';
import { startTestServer, type TestServer } from '../../support/test-server';

const CREATE = `mutation($input: CreateEducatorAccountInput!) {
  createEducatorAccount(input: $input) { account { id email status registrationDeadline createdAt } userErrors { code message } }
}`;
const REGISTER = `mutation($input: RegisterAccountInput!) {
  registerAccount(input: $input) { account { id email status role { code } } userErrors { code message field } }
}`;
const SIGN_IN = `mutation($input: SignInInput!) { signIn(input: $input) { token userErrors { code } } }`;
const LIST = `query($site: ID!) { educatorAccounts(schoolSiteId: $site, first: 100) { nodes { id email status registrationDeadline } totalCount } }`;

const PASSWORD = 'a sentence is a good password';
const CODE_LINE = /^Registration code: ([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})$/m;
const DAY_MS = 24 * 60 * 60 * 1000;

const codeIn = (eml: string): string => {
  const match = CODE_LINE.exec(readableEmail(eml));
  if (!match) throw new Error(`No registration code line in:\n${eml}`);
  return match[1];
};

describeOnEachDatabase('Invitation and registration through HTTP', (database) => {
  let server: TestServer;
  let adminToken: string;
  let partnerHigh: string;

  before(async () => {
    server = await startTestServer(database);
  });
  beforeEach(async () => {
    await server.reset();
    // MySQL's TRUNCATE restarts outbox ids, so .eml names repeat; an empty outbox keeps deliveredEmails() exact.
    for (const file of readdirSync(server.outboxDir)) rmSync(join(server.outboxDir, file));
    adminToken = await server.signIn(server.demo.districtAdminEmail);
    const sites = await server.graphql('{ schoolSites { id name } }', {}, adminToken);
    partnerHigh = sites.data.schoolSites.find((site: { name: string }) => site.name === 'Demo Partner High').id;
  });
  after(async () => {
    await server?.close();
  });

  const createEducator = async (email = 'ana.lopez@example.org', token = adminToken) => {
    const response = await server.graphql(
      CREATE,
      { input: { firstName: 'Ana', lastName: 'López', email, roleCode: 'EDUCATOR', schoolSiteIds: [partnerHigh], agreementAccepted: true } },
      token,
    );
    expect(response.data?.createEducatorAccount?.userErrors, response.text).to.deep.equal([]);
    return response.data.createEducatorAccount.account as { id: string; email: string; status: string; registrationDeadline: string; createdAt: string };
  };

  const register = (overrides: Record<string, unknown>) =>
    server.graphql(REGISTER, {
      input: { email: 'ana.lopez@example.org', registrationCode: '', password: PASSWORD, educationalInterestAccepted: true, ...overrides },
    });

  const userErrorCodes = (response: { data?: any }) => response.data.registerAccount.userErrors.map((error: { code: string }) => error.code);

  const statusOf = async (email: string, token = adminToken) => {
    const listing = await server.graphql(LIST, { site: partnerHigh }, token);
    return listing.data.educatorAccounts.nodes.find((node: { email: string }) => node.email === email)?.status;
  };

  it('when an account is created, then one invitation is queued in the outbox and delivered as an .eml with the code line and the deadline', async () => {
    const account = await createEducator();
    expect(await server.application.dataSource.getRepository(OutboxMessageRecord).countBy({ recipient: 'ana.lopez@example.org', status: 'PENDING' })).to.equal(
      1,
    );

    const emails = await server.deliveredEmails();

    expect(emails).to.have.length(1);
    const text = readableEmail(emails[0]);
    expect(text).to.match(/^To: ana\.lopez@example\.org$/m);
    expect(text).to.match(CODE_LINE);
    expect(codeIn(emails[0])).to.match(/^[ABCDEFGHJKMNPQRSTVWXYZ23456789-]+$/);
    expect(text).to.contain(`Register it by ${account.registrationDeadline.slice(0, 10)}`);
    expect(new Date(account.registrationDeadline).getTime() - new Date(account.createdAt).getTime()).to.equal(60 * DAY_MS);
    expect(await server.application.dataSource.getRepository(OutboxMessageRecord).countBy({ status: 'SENT' })).to.equal(1);
    expect(await server.deliveredEmails(), 'delivered once only').to.deep.equal([]);
  });

  it('when an invitation waits in the outbox, then neither the outbox nor the account holds the code', async () => {
    await createEducator();
    const [waiting] = await server.application.dataSource.query("SELECT * FROM outbox_message WHERE template = 'invitation'");
    const [account] = await server.application.dataSource.query("SELECT * FROM educator_account WHERE email_normalized = 'ana.lopez@example.org'");
    const code = codeIn((await server.deliveredEmails())[0]);

    const stored = JSON.stringify([waiting, account]);
    expect(waiting.account_id).to.equal(account.id);
    expect(stored).not.to.contain(code);
    expect(stored).not.to.contain(code.replace(/-/g, ''));
  });

  it('when the educator registers with the emailed code, then the account is ACTIVE and they can sign in', async () => {
    const created = await createEducator();
    const code = codeIn((await server.deliveredEmails())[0]);

    const response = await register({ registrationCode: code });

    expect(response.data.registerAccount).to.deep.equal({
      account: { id: created.id, email: 'ana.lopez@example.org', status: 'ACTIVE', role: { code: 'EDUCATOR' } },
      userErrors: [],
    });
    expect(await statusOf('ana.lopez@example.org')).to.equal('ACTIVE');
    const token = await server.signIn('ana.lopez@example.org', PASSWORD);
    const me = await server.graphql('{ me { email status role { code } schoolSites { name } } }', {}, token);
    expect(me.data.me).to.deep.equal({
      email: 'ana.lopez@example.org',
      status: 'ACTIVE',
      role: { code: 'EDUCATOR' },
      schoolSites: [{ name: 'Demo Partner High' }],
    });
  });

  it('when the educator has not registered yet, then signing in is refused with INVALID_CREDENTIALS', async () => {
    await createEducator();

    const response = await server.graphql(SIGN_IN, { input: { username: 'ana.lopez@example.org', password: PASSWORD } });

    expect(response.data.signIn).to.deep.equal({ token: null, userErrors: [{ code: 'INVALID_CREDENTIALS' }] });
  });

  it('when the code is typed in lower case without dashes and the email in capitals, then registration still succeeds', async () => {
    await createEducator();
    const code = codeIn((await server.deliveredEmails())[0]);

    const response = await register({ email: ' ANA.LOPEZ@EXAMPLE.ORG ', registrationCode: code.replace(/-/g, '').toLowerCase() });

    expect(userErrorCodes(response)).to.deep.equal([]);
    expect(response.data.registerAccount.account.status).to.equal('ACTIVE');
  });

  it('when the code is used a second time, then INVALID_CODE and the first password still works', async () => {
    await createEducator();
    const code = codeIn((await server.deliveredEmails())[0]);
    await register({ registrationCode: code });

    const again = await register({ registrationCode: code, password: 'an attacker chose this one' });

    expect(again.data.registerAccount.account).to.equal(null);
    expect(userErrorCodes(again)).to.deep.equal(['INVALID_CODE']);
    const wrong = await server.graphql(SIGN_IN, { input: { username: 'ana.lopez@example.org', password: 'an attacker chose this one' } });
    expect(wrong.data.signIn.userErrors).to.deep.equal([{ code: 'INVALID_CREDENTIALS' }]);
    expect(await server.signIn('ana.lopez@example.org', PASSWORD)).to.be.a('string');
  });

  it('when the code is wrong, then INVALID_CODE and the account stays PENDING_REGISTRATION', async () => {
    await createEducator();

    const response = await register({ registrationCode: 'AAAA-BBBB-CCCC' });

    expect(response.data.registerAccount.userErrors).to.deep.equal([
      {
        code: 'INVALID_CODE',
        message: 'That registration code is not valid or was already used. Check the code in your invitation email.',
        field: ['registrationCode'],
      },
    ]);
    expect(await statusOf('ana.lopez@example.org')).to.equal('PENDING_REGISTRATION');
  });

  it('when wrong codes are tried five times, then even the right code is refused with TOO_MANY_ATTEMPTS', async () => {
    await createEducator();
    const code = codeIn((await server.deliveredEmails())[0]);
    const wrongCodes: string[] = [];
    for (let attempt = 0; attempt < 5; attempt += 1)
      wrongCodes.push(...userErrorCodes(await register({ registrationCode: `WRNG-CODE-00${attempt}${attempt}` })));

    const right = await register({ registrationCode: code });

    expect(wrongCodes).to.deep.equal(Array(5).fill('INVALID_CODE'));
    expect(userErrorCodes(right)).to.deep.equal(['TOO_MANY_ATTEMPTS']);
    expect(await statusOf('ana.lopez@example.org')).to.equal('PENDING_REGISTRATION');
  });

  it('when the password is shorter than 12 characters, then WEAK_PASSWORD and the account stays PENDING_REGISTRATION', async () => {
    await createEducator();
    const code = codeIn((await server.deliveredEmails())[0]);

    const response = await register({ registrationCode: code, password: 'elevenchars' });

    expect(response.data.registerAccount.userErrors.map((error: { code: string; field: string[] }) => [error.code, error.field])).to.deep.equal([
      ['WEAK_PASSWORD', ['password']],
    ]);
    expect(await statusOf('ana.lopez@example.org')).to.equal('PENDING_REGISTRATION');
    expect(userErrorCodes(await register({ registrationCode: code }))).to.deep.equal([]);
  });

  it('when the password is 12 spaces, or 11 letters spread out with spaces, then WEAK_PASSWORD and the account stays PENDING_REGISTRATION', async () => {
    await createEducator();
    const code = codeIn((await server.deliveredEmails())[0]);

    const spaces = await register({ registrationCode: code, password: ' '.repeat(12) });
    const spreadOut = await register({ registrationCode: code, password: 'a b c d e f g h i j k' });

    expect(userErrorCodes(spaces)).to.deep.equal(['WEAK_PASSWORD']);
    expect(userErrorCodes(spreadOut)).to.deep.equal(['WEAK_PASSWORD']);
    expect(await statusOf('ana.lopez@example.org')).to.equal('PENDING_REGISTRATION');
    expect(userErrorCodes(await register({ registrationCode: code, password: ' twelve chars here ' }))).to.deep.equal([]);
    expect(await statusOf('ana.lopez@example.org')).to.equal('ACTIVE');
  });

  it('when the password is longer than 128 characters, then WEAK_PASSWORD', async () => {
    await createEducator();
    const code = codeIn((await server.deliveredEmails())[0]);

    const response = await register({ registrationCode: code, password: 'p'.repeat(129) });

    expect(userErrorCodes(response)).to.deep.equal(['WEAK_PASSWORD']);
  });

  it('when the educational interest attestation is not accepted, then ATTESTATION_REQUIRED and the account stays PENDING_REGISTRATION', async () => {
    await createEducator();
    const code = codeIn((await server.deliveredEmails())[0]);

    const response = await register({ registrationCode: code, educationalInterestAccepted: false });

    expect(response.data.registerAccount.userErrors.map((error: { code: string; field: string[] }) => [error.code, error.field])).to.deep.equal([
      ['ATTESTATION_REQUIRED', ['educationalInterestAccepted']],
    ]);
    expect(await statusOf('ana.lopez@example.org')).to.equal('PENDING_REGISTRATION');
  });

  it('when 61 days pass unregistered, then status shows EXPIRED and registering is refused with REGISTRATION_EXPIRED telling the educator to ask their admin', async () => {
    await createEducator();
    const code = codeIn((await server.deliveredEmails())[0]);
    server.clock.advanceDays(61);
    const laterAdminToken = await server.signIn(server.demo.districtAdminEmail);

    const response = await register({ registrationCode: code });

    expect(response.data.registerAccount.account).to.equal(null);
    expect(userErrorCodes(response)).to.deep.equal(['REGISTRATION_EXPIRED']);
    expect(response.data.registerAccount.userErrors[0].message).to.match(/administrator/i);
    expect(response.data.registerAccount.userErrors[0].message).to.contain('create your account again');
    expect(await statusOf('ana.lopez@example.org', laterAdminToken)).to.equal('EXPIRED');
  });

  it("when an expired account's email is created again, then the same account is re-created with a new deadline and a new code, and only the new code works", async () => {
    const first = await createEducator();
    const oldCode = codeIn((await server.deliveredEmails())[0]);
    server.clock.advanceDays(61);
    const laterAdminToken = await server.signIn(server.demo.districtAdminEmail);
    expect(await statusOf('ana.lopez@example.org', laterAdminToken)).to.equal('EXPIRED');

    const again = await createEducator('Ana.Lopez@example.org', laterAdminToken);

    expect(again.status).to.equal('PENDING_REGISTRATION');
    expect(again.id).to.equal(first.id);
    expect(new Date(again.registrationDeadline).getTime()).to.be.greaterThan(new Date(first.registrationDeadline).getTime());
    expect(new Date(again.registrationDeadline).getTime() - new Date(again.createdAt).getTime()).to.equal(60 * DAY_MS);
    expect(await server.application.dataSource.getRepository(EducatorAccountRecord).countBy({ emailNormalized: 'ana.lopez@example.org' })).to.equal(1);
    expect(await statusOf('Ana.Lopez@example.org', laterAdminToken)).to.equal('PENDING_REGISTRATION');
    const emails = await server.deliveredEmails();
    expect(emails).to.have.length(1);
    const newCode = codeIn(emails[0]);
    expect(newCode).not.to.equal(oldCode);
    expect(readableEmail(emails[0])).to.contain(`Register it by ${again.registrationDeadline.slice(0, 10)}`);
    expect(userErrorCodes(await register({ registrationCode: oldCode }))).to.deep.equal(['INVALID_CODE']);
    expect(userErrorCodes(await register({ registrationCode: newCode }))).to.deep.equal([]);
    expect(await server.signIn('ana.lopez@example.org', PASSWORD)).to.be.a('string');
  });
});
