import { expect } from 'chai';
import { csvFile } from '../../support/csv-fixtures';
import { describeOnEachDatabase } from '../../support/databases';
import { readableEmail } from '../../support/emails';
import { startTestServer, type TestServer } from '../../support/test-server';
import { fakeWebDist } from '../../support/web-dist';
import { PARTNER_HIGH, recipientOf, siteIdsByName, uploadAndProcess } from '../uploads/upload-kit';

const CREATE = 'mutation($input: CreateEducatorAccountInput!) { createEducatorAccount(input: $input) { account { id } userErrors { code } } }';
const REGISTER = 'mutation($input: RegisterAccountInput!) { registerAccount(input: $input) { account { email status } userErrors { code } } }';
const PUBLIC_URL = 'https://accounts.example.org';

/** The one link under PUBLIC_URL in an email. */
const linkIn = (eml: string): URL => {
  const links = readableEmail(eml).match(/https:\/\/accounts\.example\.org\/\S*/g) ?? [];
  expect(links, readableEmail(eml)).to.have.length(1);
  return new URL(links[0]!);
};

describeOnEachDatabase('Links to the page in emails (PUBLIC_URL)', (database) => {
  let server: TestServer;
  const web = fakeWebDist();

  before(async () => {
    server = await startTestServer(database, { publicUrl: PUBLIC_URL }, { webDist: web.dir });
  });
  beforeEach(async () => {
    await server.reset();
  });
  after(async () => {
    await server?.close();
  });

  it('when an invitation is delivered, then it links to PUBLIC_URL/register with the email and code in the fragment, which register the account', async () => {
    const email = 'Ana+Links@example.org';
    const sites = await siteIdsByName(server);
    const admin = await server.signIn(server.demo.districtAdminEmail);
    const created = await server.graphql(
      CREATE,
      { input: { firstName: 'Ana', lastName: 'Links', email, roleCode: 'EDUCATOR', schoolSiteIds: [sites[PARTNER_HIGH]], agreementAccepted: true } },
      admin,
    );
    expect(created.data.createEducatorAccount.userErrors).to.deep.equal([]);

    const [invitation] = await server.deliveredEmails();
    const link = linkIn(invitation);
    const fragment = new URLSearchParams(link.hash.slice(1));

    expect([link.origin, link.pathname, link.search]).to.deep.equal([PUBLIC_URL, '/register', '']);
    expect([...fragment.keys()]).to.deep.equal(['email', 'code']);
    expect(fragment.get('email')).to.equal(email);
    expect(readableEmail(invitation)).to.match(new RegExp(`^Registration code: ${fragment.get('code')}$`, 'm'));
    const registered = await server.graphql(REGISTER, {
      input: {
        email: fragment.get('email'),
        registrationCode: fragment.get('code'),
        password: 'a long and private passphrase',
        educationalInterestAccepted: true,
      },
    });
    expect(registered.data.registerAccount).to.deep.equal({ account: { email, status: 'ACTIVE' }, userErrors: [] });
    const page = await fetch(`${server.url}${link.pathname}`);
    expect([page.status, await page.text()]).to.deep.equal([200, web.indexHtml]);
  });

  it('when an upload finishes, then the email to the uploader links to PUBLIC_URL/batches/<the id the API gives that batch>', async () => {
    const sites = await siteIdsByName(server);
    const siteAdmin = await server.signIn(server.demo.siteAdminEmail);
    const content = csvFile([
      { firstName: 'Good', lastName: 'Row', email: 'good.row@example.org', role: 'Educator' },
      { firstName: 'Bad', lastName: 'Row', email: 'not-an-email', role: 'Educator' },
    ]);
    const batch = await uploadAndProcess(server, siteAdmin, { schoolSiteId: sites[PARTNER_HIGH], content });

    const completion = (await server.deliveredEmails()).find((eml) => recipientOf(eml) === server.demo.siteAdminEmail)!;
    const link = linkIn(completion);

    expect(readableEmail(completion)).to.contain(`This upload in the log: ${PUBLIC_URL}/batches/${batch.id}`);
    expect([link.origin, link.pathname, link.hash]).to.deep.equal([PUBLIC_URL, `/batches/${batch.id}`, '']);
    expect(batch).to.deep.include({ status: 'COMPLETED', recordsCreated: 1, recordsFailed: 1 });
  });
});
