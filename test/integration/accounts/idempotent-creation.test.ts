import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { startBackgroundWork } from '../../../src/processes/background-work';
import { waitFor } from '../../support/polling';
import { describeOnEachDatabase } from '../../support/databases';
import { startTestServer, type GraphQLResponse, type TestServer } from '../../support/test-server';

const CREATE = `mutation($input: CreateEducatorAccountInput!) {
  createEducatorAccount(input: $input) { account { id email createdAt } warnings { code } userErrors { code field } }
}`;

describeOnEachDatabase('Creating an account again under an idempotency key', (database) => {
  let server: TestServer;
  let districtAdmin: string;
  let siteAdmin: string;
  let partnerHigh: string;
  let middleSchool: string;

  before(async () => {
    server = await startTestServer(database);
  });
  beforeEach(async () => {
    await server.reset();
    districtAdmin = await server.signIn(server.demo.districtAdminEmail);
    siteAdmin = await server.signIn(server.demo.siteAdminEmail);
    const sites: { id: string; name: string }[] = (await server.graphql('{ schoolSites { id name } }', {}, districtAdmin)).data.schoolSites;
    partnerHigh = sites.find((site) => site.name === 'Demo Partner High')!.id;
    middleSchool = sites.find((site) => site.name === 'Demo Middle School')!.id;
  });
  after(async () => {
    await server?.close();
  });

  /** Moves the clock on; the tokens signed before would have expired. */
  const later = async (days: number): Promise<void> => {
    server.clock.advanceDays(days);
    districtAdmin = await server.signIn(server.demo.districtAdminEmail);
  };

  const create = (token: string, email: string, idempotencyKey: string | undefined, overrides: Record<string, unknown> = {}): Promise<GraphQLResponse> => {
    const input = { firstName: 'Ana', lastName: 'Li', email, roleCode: 'EDUCATOR', schoolSiteIds: [partnerHigh], agreementAccepted: true, idempotencyKey };
    return server.graphql(CREATE, { input: { ...input, ...overrides } }, token);
  };

  const answerOf = (response: GraphQLResponse): { id: string | null; codes: string[] } => {
    expect(response.errors, response.text).to.equal(undefined);
    const payload = response.data.createEducatorAccount;
    return { id: payload.account?.id ?? null, codes: payload.userErrors.map((error: { code: string }) => error.code) };
  };

  const count = async (fromWhere: string, parameters: unknown[] = []): Promise<number> => {
    const [row] = await server.application.dataSource.query(`SELECT COUNT(*) AS n FROM ${fromWhere}`, parameters);
    return Number(row.n);
  };

  /** Accounts, invitations and agreements written for an email: a creation writes one of each. */
  const writtenFor = async (email: string) => ({
    accounts: await count('educator_account WHERE email_normalized = ?', [email]),
    invitations: await count('outbox_message WHERE recipient = ?', [email]),
    agreements: await count('agreement_acceptance g JOIN educator_account a ON a.id = g.subject_account_id WHERE a.email_normalized = ?', [email]),
  });

  it('when a creation is sent again with its key, then the same account is answered and exactly one account, invitation and agreement exist', async () => {
    const key = randomUUID();
    const first = answerOf(await create(districtAdmin, 'ana.li@example.org', key));

    const again = answerOf(await create(districtAdmin, 'ana.li@example.org', key));

    expect(first.codes).to.deep.equal([]);
    expect(again).to.deep.equal({ id: first.id, codes: [] });
    expect(await writtenFor('ana.li@example.org')).to.deep.equal({ accounts: 1, invitations: 1, agreements: 1 });
    expect(await count('idempotency_key')).to.equal(1);
  });

  it('when the same key comes with another input, then IDEMPOTENCY_KEY_REUSED and nothing of the second is written', async () => {
    const key = randomUUID();
    answerOf(await create(districtAdmin, 'ana.li@example.org', key));

    const otherEmail = await create(districtAdmin, 'someone.else@example.org', key);
    const otherRole = await create(districtAdmin, 'ana.li@example.org', key, { roleCode: 'COUNSELOR' });

    expect(otherEmail.data.createEducatorAccount.userErrors).to.deep.equal([{ code: 'IDEMPOTENCY_KEY_REUSED', field: ['idempotencyKey'] }]);
    expect(answerOf(otherRole)).to.deep.equal({ id: null, codes: ['IDEMPOTENCY_KEY_REUSED'] });
    expect(await writtenFor('someone.else@example.org')).to.deep.equal({ accounts: 0, invitations: 0, agreements: 0 });
    expect(await writtenFor('ana.li@example.org')).to.deep.equal({ accounts: 1, invitations: 1, agreements: 1 });
  });

  it('when the same keyed request is sent 8 times at once, then all 8 are answered the one account it created', async () => {
    const key = randomUUID();

    const answers = (await Promise.all(Array.from({ length: 8 }, () => create(districtAdmin, 'eight.times@example.org', key)))).map(answerOf);

    expect(answers.map((answer) => answer.codes.join())).to.deep.equal(new Array(8).fill(''));
    expect(new Set(answers.map((answer) => answer.id)).size).to.equal(1);
    expect(await writtenFor('eight.times@example.org')).to.deep.equal({ accounts: 1, invitations: 1, agreements: 1 });
  });

  it('when 12 keyed creations and a retry of each arrive together, then each pair is answered one account, and no key outlives a failed write', async () => {
    const emails = Array.from({ length: 12 }, (_, index) => `together-${index}@example.org`);
    const keys = emails.map(() => randomUUID());

    const answers = (await Promise.all([...emails, ...emails].map((email, index) => create(districtAdmin, email, keys[index % emails.length])))).map(answerOf);

    expect(answers.filter((answer) => answer.codes.length > 0)).to.deep.equal([]);
    expect(emails.map((_, index) => answers[index].id)).to.deep.equal(emails.map((_, index) => answers[index + emails.length].id));
    expect(new Set(answers.map((answer) => answer.id)).size).to.equal(emails.length);
    expect(await count("educator_account WHERE email_normalized LIKE 'together-%'")).to.equal(emails.length);
    expect(await count("outbox_message WHERE recipient LIKE 'together-%'")).to.equal(emails.length);
    expect(await count('idempotency_key WHERE educator_account_id IS NOT NULL')).to.equal(emails.length);
    expect(await count('idempotency_key')).to.equal(emails.length);
  });

  it('when another admin sends the same key, then it is theirs alone: their own request is created', async () => {
    const key = randomUUID();
    const mine = answerOf(await create(districtAdmin, 'ana.li@example.org', key));

    const theirs = answerOf(await create(siteAdmin, 'ben.okafor@example.org', key));

    expect(theirs.codes).to.deep.equal([]);
    expect(theirs.id).not.to.equal(mine.id);
    expect(await count('idempotency_key')).to.equal(2);
  });

  it('when the email is taken by another account, then EMAIL_TAKEN, and the key (not kept) creates the corrected request', async () => {
    answerOf(await create(districtAdmin, 'ana.li@example.org', undefined));
    const key = randomUUID();

    const taken = answerOf(await create(siteAdmin, 'ana.li@example.org', key));
    const corrected = answerOf(await create(siteAdmin, 'ana.li.two@example.org', key));

    expect(taken).to.deep.equal({ id: null, codes: ['EMAIL_TAKEN'] });
    expect(corrected.codes).to.deep.equal([]);
    expect(await writtenFor('ana.li.two@example.org')).to.deep.equal({ accounts: 1, invitations: 1, agreements: 1 });
  });

  it('when an expired account is created again under a key and the request is sent again, then the same re-created account is answered', async () => {
    answerOf(await create(districtAdmin, 'came.back@example.org', undefined));
    await later(61);
    const key = randomUUID();

    const recreated = answerOf(await create(districtAdmin, 'came.back@example.org', key, { schoolSiteIds: [middleSchool] }));
    const again = answerOf(await create(districtAdmin, 'came.back@example.org', key, { schoolSiteIds: [middleSchool] }));

    expect(recreated.codes).to.deep.equal([]);
    expect(again).to.deep.equal(recreated);
    expect(await writtenFor('came.back@example.org')).to.deep.equal({ accounts: 1, invitations: 2, agreements: 2 });
  });

  it('when a key is a day old, then it is pruned, and the same key names a new request; a younger one is kept', async () => {
    const old = randomUUID();
    const young = randomUUID();
    answerOf(await create(districtAdmin, 'first.use@example.org', old));
    await later(0.5);
    answerOf(await create(districtAdmin, 'young.key@example.org', young));
    await later(0.5);

    await server.application.idempotencyKeys.prune(server.clock.now());

    expect(answerOf(await create(districtAdmin, 'second.use@example.org', old)).codes).to.deep.equal([]);
    expect(answerOf(await create(districtAdmin, 'other.request@example.org', young)).codes).to.deep.equal(['IDEMPOTENCY_KEY_REUSED']);
  });

  it('when the background work runs, then its cleanup prunes the keys older than a day', async () => {
    answerOf(await create(districtAdmin, 'first.use@example.org', randomUUID()));
    await later(1);

    const background = startBackgroundWork(server.application);
    try {
      await waitFor('the day-old key to be pruned', async () => ((await count('idempotency_key')) === 0 ? true : undefined), 10_000);
    } finally {
      await background.stop();
    }
    expect(await count("educator_account WHERE email_normalized = 'first.use@example.org'")).to.equal(1);
  });

  for (const [what, key] of [
    ['empty', ''],
    ['101 characters long', 'k'.repeat(101)],
    ['holding a space', 'two words'],
    ['holding a non-ASCII letter', 'clé-1'],
    ['holding a line break', 'key\n1'],
  ] as const) {
    it(`when the key is ${what}, then BAD_USER_INPUT and nothing is written`, async () => {
      const response = await create(districtAdmin, 'ana.li@example.org', key);

      expect(
        response.errors?.map((error) => error.extensions?.code),
        response.text,
      ).to.deep.equal(['BAD_USER_INPUT']);
      expect(await writtenFor('ana.li@example.org')).to.deep.equal({ accounts: 0, invitations: 0, agreements: 0 });
    });
  }

  it('when the key is 100 visible ASCII characters and differs from another only in letter case, then each is a key of its own', async () => {
    const key = `${'Ab'.repeat(49)}!~`;

    const upper = answerOf(await create(districtAdmin, 'upper@example.org', key.toUpperCase()));
    const lower = answerOf(await create(districtAdmin, 'lower@example.org', key.toLowerCase()));

    expect([upper.codes, lower.codes]).to.deep.equal([[], []]);
    expect(await count('idempotency_key')).to.equal(2);
  });
});
