import { expect } from 'chai';
import { describeOnEachDatabase } from '../../support/databases';
import { startTestServer, type TestServer } from '../../support/test-server';
import { MIDDLE_SCHOOL, PARTNER_HIGH, siteIdsByName } from '../uploads/upload-kit';

const SITES = 'schoolSites { id name siteAdminCount }';
const CREATE = `mutation($input: CreateEducatorAccountInput!) { createEducatorAccount(input: $input) { account { email ${SITES} } userErrors { code } } }`;
const LISTING = `query($site: ID!) { educatorAccounts(schoolSiteId: $site, first: 100) { nodes { email ${SITES} } } }`;
const REGISTER = 'mutation($input: RegisterAccountInput!) { registerAccount(input: $input) { account { email } userErrors { code } } }';
const SIGN_IN = `mutation($input: SignInInput!) { signIn(input: $input) { token account { email ${SITES} } userErrors { code } } }`;

const COUNSELOR = 'multi.site@demo-usd.example.org';
const MIDDLE_ADMIN = 'site.admin@demo-middle.example.org';
const PASSWORD = 'a long enough password for tests';

type Viewer = 'partnerHighAdmin' | 'middleSchoolAdmin' | 'districtAdmin' | 'counselor';
type Path = 'educatorAccounts at Partner High' | 'educatorAccounts at Middle School' | 'me' | 'signIn';

/**
 * Who reads the Multi-Site Counselor (of both demo sites), how, and which of the counselor's sites they are shown:
 * a Site Admin sees only their own site, the District Admin and the counselor both. Paths a viewer cannot take at
 * all (another site's listing is FORBIDDEN) are covered by the authorization matrix.
 */
const CELLS: [Viewer, Path, string[]][] = [
  ['partnerHighAdmin', 'educatorAccounts at Partner High', [PARTNER_HIGH]],
  ['middleSchoolAdmin', 'educatorAccounts at Middle School', [MIDDLE_SCHOOL]],
  ['districtAdmin', 'educatorAccounts at Partner High', [MIDDLE_SCHOOL, PARTNER_HIGH]],
  ['districtAdmin', 'educatorAccounts at Middle School', [MIDDLE_SCHOOL, PARTNER_HIGH]],
  ['counselor', 'me', [MIDDLE_SCHOOL, PARTNER_HIGH]],
  ['counselor', 'signIn', [MIDDLE_SCHOOL, PARTNER_HIGH]],
];

interface SiteSeen {
  id: string;
  name: string;
  siteAdminCount: number;
}

describeOnEachDatabase("The sites of an account a viewer reads are those within the viewer's own scope", (database) => {
  let server: TestServer;
  let sites: Record<string, string>;
  const token: Partial<Record<Viewer, string>> = {};

  const registerFromInvitation = async (email: string, delivered: string[]): Promise<string> => {
    const invitation = delivered.map((eml) => eml.replace(/=\r?\n/g, '')).find((eml) => eml.includes(email))!;
    const registrationCode = /Registration code: ([A-Z0-9-]+)/.exec(invitation)![1];
    const registered = await server.graphql(REGISTER, { input: { email, registrationCode, password: PASSWORD, educationalInterestAccepted: true } });
    expect(registered.data.registerAccount.userErrors, registered.text).to.deep.equal([]);
    return server.signIn(email, PASSWORD);
  };

  const create = async (email: string, roleCode: string, siteNames: string[]): Promise<void> => {
    const input = { firstName: 'Scope', lastName: roleCode, email, roleCode, schoolSiteIds: siteNames.map((name) => sites[name]), agreementAccepted: true };
    const created = await server.graphql(CREATE, { input }, token.districtAdmin);
    expect(created.data.createEducatorAccount.userErrors, created.text).to.deep.equal([]);
  };

  before(async function () {
    this.timeout(60_000);
    server = await startTestServer(database);
    sites = await siteIdsByName(server);
    token.districtAdmin = await server.signIn(server.demo.districtAdminEmail);
    token.partnerHighAdmin = await server.signIn(server.demo.siteAdminEmail);
    await create(COUNSELOR, 'MULTI_SITE_COUNSELOR', [PARTNER_HIGH, MIDDLE_SCHOOL]);
    await create(MIDDLE_ADMIN, 'SITE_ADMIN', [MIDDLE_SCHOOL]);
    const delivered = await server.deliveredEmails();
    token.counselor = await registerFromInvitation(COUNSELOR, delivered);
    token.middleSchoolAdmin = await registerFromInvitation(MIDDLE_ADMIN, delivered);
  });
  after(async () => {
    await server?.close();
  });

  const counselorAsSeen = async (viewer: Viewer, path: Path): Promise<SiteSeen[]> => {
    if (path === 'me') return (await server.graphql(`{ me { email ${SITES} } }`, {}, token[viewer])).data.me.schoolSites;
    if (path === 'signIn') return (await server.graphql(SIGN_IN, { input: { username: COUNSELOR, password: PASSWORD } })).data.signIn.account.schoolSites;
    const site = path === 'educatorAccounts at Partner High' ? PARTNER_HIGH : MIDDLE_SCHOOL;
    const listing = await server.graphql(LISTING, { site: sites[site] }, token[viewer]);
    expect(listing.errors, listing.text).to.equal(undefined);
    return listing.data.educatorAccounts.nodes.find((node: { email: string }) => node.email === COUNSELOR).schoolSites;
  };

  for (const [viewer, path, expected] of CELLS) {
    it(`when ${viewer} reads the Multi-Site Counselor through ${path}, then schoolSites holds exactly ${expected.join(' and ')}, with their own counts`, async () => {
      const seen = await counselorAsSeen(viewer, path);

      // Each of the two sites has exactly one Site Admin: the demo one at Partner High, the one created above at Middle School.
      expect([...seen].sort((a, b) => a.name.localeCompare(b.name))).to.deep.equal(expected.map((name) => ({ id: sites[name], name, siteAdminCount: 1 })));
    });
  }
});
