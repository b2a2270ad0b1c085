import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { manyEducatorsCsv } from '../../support/csv-fixtures';
import type { GraphQLResponse } from '../../support/graphql-client';
import { AnswerHoldingProxy, occurrences, type HeldConnection } from './answer-holding-proxy';
import {
  DEMO_DISTRICT_ADMIN_EMAIL,
  accountsWithoutExactlyOneInvitation,
  describeAgainstMariaDb,
  openFaultEnvironment,
  siteIdsByName,
  type Api,
  type FaultEnvironment,
} from './fault-kit';

const CREATE = 'mutation($input: CreateEducatorAccountInput!) { createEducatorAccount(input: $input) { account { id email } userErrors { code } } }';

describeAgainstMariaDb('Database connections killed after their COMMIT landed, the answer lost on the way', () => {
  let environment: FaultEnvironment;
  let proxy: AnswerHoldingProxy;
  let api: Api;
  let token: string;
  let siteId: string;

  before(async function () {
    this.timeout(60_000);
    environment = await openFaultEnvironment('lost_answers');
    const server = new URL(process.env.TEST_DATABASE_URL!);
    proxy = await AnswerHoldingProxy.start({ host: server.hostname, port: Number(server.port || 3306) });
    const throughProxy = new URL(environment.databaseUrl);
    throughProxy.host = `127.0.0.1:${proxy.port}`;
    api = await environment.startApi({ DATABASE_URL: throughProxy.toString() });
    token = await api.signIn(DEMO_DISTRICT_ADMIN_EMAIL);
    siteId = (await siteIdsByName(api, token))['Demo Partner High'];
  });
  after(async function () {
    this.timeout(60_000);
    await environment?.close();
    await proxy?.close();
  });

  const keys = new Map<string, string>();
  const create = (email: string): Promise<GraphQLResponse> => {
    if (!keys.has(email)) keys.set(email, randomUUID());
    const input = { firstName: 'Ana', lastName: 'Li', email, roleCode: 'EDUCATOR', schoolSiteIds: [siteId], agreementAccepted: true };
    return api.graphql(CREATE, { input: { ...input, idempotencyKey: keys.get(email) } }, token);
  };

  /** The account id each email's answer named (null for none), its refusal codes, or the GraphQL error's code. */
  const answered = (response: GraphQLResponse): { accountId: number | null; outcome: string } => {
    if (response.errors) return { accountId: null, outcome: response.errors.map((error) => error.extensions?.code).join() };
    const payload = response.data.createEducatorAccount;
    const outcome = payload.userErrors.map((error: { code: string }) => error.code).join() || 'created';
    return { accountId: payload.account ? environment.publicIds.decode('account', payload.account.id)! : null, outcome };
  };

  const accountIds = async (emails: string[]): Promise<(number | null)[]> => {
    const sql = 'SELECT id, email_normalized FROM educator_account WHERE email_normalized IN (?)';
    const rows = await environment.rows<{ id: number; email_normalized: string }>(sql, [emails]);
    return emails.map((email) => Number(rows.find((row) => row.email_normalized === email)?.id ?? 0) || null);
  };

  /** KILLs the one connection whose answers the proxy holds: the service finds it lost, its other connections live on. */
  const kill = async (connection: HeldConnection): Promise<void> => {
    await environment.pool.query(`KILL ${connection.threadId}`);
  };

  const landed = (what: string, fromWhere: string, parameters: unknown[], expected: number) =>
    environment.waitFor(what, async () => ((await environment.count(fromWhere, parameters)) >= expected ? true : undefined), 20_000);

  it('when a lone creation loses its connection after its COMMIT, then the API sends it again and answers its account, not EMAIL_TAKEN', async function () {
    this.timeout(60_000);
    const email = 'lost.answer@example.org';
    const held = proxy.holdAnswersAfter((packet) => packet.includes(email) && packet.includes('COMMIT'));
    const answer = create(email);
    const connection = await held;
    await landed('the creation to commit', 'educator_account WHERE email_normalized = ?', [email], 1);

    await kill(connection);

    expect(answered(await answer)).to.deep.equal({ accountId: (await accountIds([email]))[0], outcome: 'created' });
    expect(await environment.count('educator_account WHERE email_normalized = ?', [email])).to.equal(1);
    expect(await accountsWithoutExactlyOneInvitation(environment)).to.deep.equal([]);
  });

  it('when a group of creations loses its connection after its COMMIT, then each is answered INTERNAL_SERVER_ERROR, sent again its account', async function () {
    this.timeout(90_000);
    const blocker = 'blocker@example.org';
    const grouped = Array.from({ length: 5 }, (_, index) => `grouped-${index + 1}@example.org`);
    // The blocker's answer is held while the others arrive: they wait for it, then go as one transaction.
    const blockerHeld = proxy.holdAnswersAfter((packet) => packet.includes(blocker) && packet.includes('COMMIT'));
    const blockerAnswer = create(blocker);
    const blockerConnection = await blockerHeld;
    const sitesRead = proxy.tally('FROM school_site WHERE id IN');
    const groupedAnswers = grouped.map(create);
    await environment.waitFor('the others to have read their site and to wait', async () => (sitesRead() >= grouped.length ? true : undefined), 20_000);
    const groupHeld = proxy.holdAnswersAfter((packet) => occurrences(packet, 'INSERT INTO educator_account ') >= 2 && packet.includes('COMMIT'));
    await kill(blockerConnection);
    const groupConnection = await groupHeld;
    const held = grouped.filter((email) => groupConnection.packet.includes(email));
    await landed('the group to commit', 'educator_account WHERE email_normalized IN (?)', [held], held.length);
    await kill(groupConnection);

    const first = (await Promise.all([blockerAnswer, ...groupedAnswers])).map(answered);
    const again = (await Promise.all(grouped.map(create))).map(answered);

    const ids = await accountIds([blocker, ...grouped]);
    expect(held.length, 'creations in the group whose answer was held').to.be.at.least(2);
    const cutOff = { accountId: null, outcome: 'INTERNAL_SERVER_ERROR' };
    expect(first).to.deep.equal([blocker, ...grouped].map((email, index) => (held.includes(email) ? cutOff : { accountId: ids[index], outcome: 'created' })));
    expect(again).to.deep.equal(grouped.map((_, index) => ({ accountId: ids[index + 1], outcome: 'created' })));
    expect(ids.every((id) => id !== null)).to.equal(true);
    expect(await environment.count("educator_account WHERE email_normalized LIKE 'grouped-%' OR email_normalized = ?", [blocker])).to.equal(grouped.length + 1);
    expect(await accountsWithoutExactlyOneInvitation(environment)).to.deep.equal([]);
  });

  it('when the connection queueing an upload is lost after its COMMIT, then the batch keeps its file, and the upload sent again gets it', async function () {
    this.timeout(90_000);
    const rows = 300;
    const upload = { schoolSiteId: siteId, content: manyEducatorsCsv(rows, 'queued.example.org'), fileName: 'queued.csv', idempotencyKey: randomUUID() };
    const held = proxy.holdAnswersAfter((packet, sentBefore) => packet.includes('COMMIT') && sentBefore.includes("SET status = 'QUEUED'"));
    const answer = api.upload(token, upload);
    const connection = await held;
    await landed('the batch to be queued', "upload_batch WHERE file_name = 'queued.csv' AND status = 'QUEUED'", [], 1);
    await kill(connection);

    const first = await answer;
    const again = await api.upload(token, upload);

    expect(
      first.errors?.map((error) => error.extensions?.code),
      first.text,
    ).to.deep.equal(['INTERNAL_SERVER_ERROR']);
    // The failed request threw its copy away, which must not take the file of the batch that landed with it.
    expect(await environment.count("upload_file_chunk c JOIN upload_batch b ON b.id = c.batch_id WHERE b.file_name = 'queued.csv'")).to.be.greaterThan(0);
    expect(again.errors, again.text).to.equal(undefined);
    expect(again.data.uploadEducatorAccounts.userErrors).to.deep.equal([]);
    const [batch] = await environment.rows<{ id: number }>("SELECT id FROM upload_batch WHERE file_name = 'queued.csv'");
    expect(environment.publicIds.decode('batch', again.data.uploadEducatorAccounts.batch.id)).to.equal(Number(batch.id));
    expect(await environment.count("upload_batch WHERE file_name = 'queued.csv'")).to.equal(1);
    const worker = environment.startWorker();
    const done = await environment.completed(Number(batch.id), 'the worker to settle the batch', 60_000);
    await worker.stop();
    expect(done).to.deep.equal({ status: 'COMPLETED', totalRows: rows, processed: rows, created: rows, skipped: 0, failed: 0 });
  });
});
