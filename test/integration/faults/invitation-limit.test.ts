import { expect } from 'chai';
import { DEMO_SITE_ADMIN_EMAIL, describeAgainstMariaDb, openFaultEnvironment, type Api, type FaultEnvironment } from './fault-kit';

const LIMIT = 20;
const SENT = LIMIT + 10;
const CREATE = 'mutation($input: CreateEducatorAccountInput!) { createEducatorAccount(input: $input) { account { id } userErrors { code } } }';

describeAgainstMariaDb('The hourly invitation limit counted by two API processes at once', () => {
  let environment: FaultEnvironment;
  let apis: Api[];

  before(async function () {
    this.timeout(60_000);
    environment = await openFaultEnvironment('invitation_limit');
    apis = await Promise.all([0, 1].map(() => environment.startApi({ MAX_INVITATIONS_PER_ADMIN_PER_HOUR: String(LIMIT) })));
  });
  after(async function () {
    this.timeout(60_000);
    await environment?.close();
  });

  it(`when one Site Admin's ${SENT} creations arrive at both API processes at once with a limit of ${LIMIT}, then exactly ${LIMIT} accounts exist and the rest are INVITATION_LIMIT_REACHED`, async function () {
    this.timeout(60_000);
    const token = await apis[0].signIn(DEMO_SITE_ADMIN_EMAIL);
    const [site] = (await apis[0].graphql<{ schoolSites: { id: string }[] }>('{ schoolSites { id } }', {}, token)).data!.schoolSites;
    const input = (index: number) => ({
      firstName: 'Two',
      lastName: 'Processes',
      email: `limit-${index}@example.org`,
      roleCode: 'EDUCATOR',
      schoolSiteIds: [site.id],
      agreementAccepted: true,
    });

    const answers = await Promise.all(Array.from({ length: SENT }, (_, index) => apis[index % 2].graphql(CREATE, { input: input(index) }, token)));

    expect(
      answers.filter((answer) => answer.errors).map((answer) => answer.text),
      environment.outputOfAll(),
    ).to.deep.equal([]);
    const codes = answers.map((answer) => answer.data.createEducatorAccount.userErrors.map((error: { code: string }) => error.code).join());
    expect(codes.filter((code) => code === '')).to.have.length(LIMIT);
    expect(codes.filter((code) => code === 'INVITATION_LIMIT_REACHED')).to.have.length(SENT - LIMIT);
    expect(await environment.count("educator_account WHERE email_normalized LIKE 'limit-%'")).to.equal(LIMIT);
    expect(await environment.count("outbox_message WHERE recipient LIKE 'limit-%'")).to.equal(LIMIT);
  });
});
