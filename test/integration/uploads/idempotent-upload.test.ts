import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { csvFile, educatorRows, rawFile } from '../../support/csv-fixtures';
import { describeOnEachDatabase } from '../../support/databases';
import { startTestServer, type GraphQLResponse, type TestServer, type UploadOptions } from '../../support/test-server';
import { PARTNER_HIGH, siteIdsByName } from './upload-kit';

describeOnEachDatabase('Uploading a file again under an idempotency key', (database) => {
  let server: TestServer;
  let token: string;
  let siteId: string;

  before(async () => {
    // One upload may wait per site: a retry must be answered even so.
    server = await startTestServer(database, { maxQueuedBatchesPerSite: 1 });
  });
  beforeEach(async () => {
    await server.reset();
    token = await server.signIn(server.demo.siteAdminEmail);
    siteId = (await siteIdsByName(server))[PARTNER_HIGH];
  });
  after(async () => {
    await server?.close();
  });

  const upload = (options: Partial<UploadOptions>): Promise<GraphQLResponse> =>
    server.upload(token, { schoolSiteId: siteId, content: csvFile(educatorRows(30)), fileName: 'staff.csv', select: 'id status totalRows', ...options });

  const answerOf = (response: GraphQLResponse): { batch: { id: string; status: string; totalRows: number | null } | null; codes: string[] } => {
    expect(response.errors, response.text).to.equal(undefined);
    const payload = response.data.uploadEducatorAccounts;
    return { batch: payload.batch, codes: payload.userErrors.map((error: { code: string }) => error.code) };
  };

  const count = async (fromWhere: string): Promise<number> => {
    const [row] = await server.application.dataSource.query(`SELECT COUNT(*) AS n FROM ${fromWhere}`);
    return Number(row.n);
  };

  /** Every batch row (those still receiving too), the batches that own stored file chunks, and the bulk agreements. */
  const stored = async () => ({
    batches: await count('upload_batch'),
    batchesWithChunks: await count('(SELECT DISTINCT batch_id FROM upload_file_chunk) c'),
    agreements: await count("agreement_acceptance WHERE agreement = 'BULK_ACCOUNT_CREATION'"),
  });

  it('when an upload is sent again with its key and the same file, then the batch the first stored is answered, the one batch settled', async () => {
    const key = randomUUID();
    const first = answerOf(await upload({ idempotencyKey: key }));

    const again = answerOf(await upload({ idempotencyKey: key }));

    expect(first.batch).to.deep.equal({ id: first.batch!.id, status: 'QUEUED', totalRows: 30 });
    expect(again).to.deep.equal(first);
    expect(await stored()).to.deep.equal({ batches: 1, batchesWithChunks: 1, agreements: 1 });
    await server.processUploads();
    expect(await count('educator_account WHERE source_batch_id IS NOT NULL')).to.equal(30);
  });

  it('when a file is rejected and sent again with its key, then the rejected batch is answered', async () => {
    const key = randomUUID();
    const wrongHeader = rawFile(['First Name,Surname,Email,User Role', 'Ana,Li,ana@example.org,Educator']);
    const first = answerOf(await upload({ idempotencyKey: key, content: wrongHeader }));

    const again = answerOf(await upload({ idempotencyKey: key, content: wrongHeader }));

    expect(first.batch?.status).to.equal('REJECTED');
    expect(again).to.deep.equal(first);
    expect(await stored()).to.deep.equal({ batches: 1, batchesWithChunks: 0, agreements: 1 });
  });

  for (const [change, options] of [
    ['another file of the same name', { content: csvFile(educatorRows(31)) }],
    ['another file name', { fileName: 'staff (2).csv' }],
    ['dryRun', { dryRun: true }],
  ] as const) {
    it(`when the same key comes with ${change}, then IDEMPOTENCY_KEY_REUSED and nothing of the second is kept`, async () => {
      const key = randomUUID();
      answerOf(await upload({ idempotencyKey: key }));

      const reused = await upload({ idempotencyKey: key, ...options });

      expect(reused.data.uploadEducatorAccounts.batch).to.equal(null);
      expect(reused.data.uploadEducatorAccounts.userErrors.map((error: { code: string; field: string[] }) => [error.code, error.field])).to.deep.equal([
        ['IDEMPOTENCY_KEY_REUSED', ['idempotencyKey']],
      ]);
      expect(await stored()).to.deep.equal({ batches: 1, batchesWithChunks: 1, agreements: 1 });
    });
  }

  it('when the site has as many uploads waiting as it may, then a new upload is refused but the retry of a waiting one is answered it', async () => {
    const key = randomUUID();
    const first = answerOf(await upload({ idempotencyKey: key }));

    const another = answerOf(await upload({ idempotencyKey: randomUUID(), fileName: 'more.csv' }));
    const again = answerOf(await upload({ idempotencyKey: key }));

    expect(another.codes).to.deep.equal(['TOO_MANY_QUEUED_UPLOADS']);
    expect(again).to.deep.equal(first);
  });

  it('when the same keyed upload is sent 4 times at once, then all 4 are answered the one batch stored', async () => {
    const key = randomUUID();

    const answers = (await Promise.all(Array.from({ length: 4 }, () => upload({ idempotencyKey: key })))).map(answerOf);

    expect(answers.map((answer) => answer.codes.join())).to.deep.equal(['', '', '', '']);
    expect(new Set(answers.map((answer) => answer.batch?.id)).size).to.equal(1);
    expect(await stored()).to.deep.equal({ batches: 1, batchesWithChunks: 1, agreements: 1 });
  });

  it('when a key that named a creation is sent with an upload, then IDEMPOTENCY_KEY_REUSED', async () => {
    const key = randomUUID();
    const input = { firstName: 'Ana', lastName: 'Li', email: 'ana.li@example.org', roleCode: 'EDUCATOR', schoolSiteIds: [siteId], agreementAccepted: true };
    const create = 'mutation($input: CreateEducatorAccountInput!) { createEducatorAccount(input: $input) { userErrors { code } } }';
    const created = await server.graphql(create, { input: { ...input, idempotencyKey: key } }, token);

    const reused = answerOf(await upload({ idempotencyKey: key }));

    expect(created.data.createEducatorAccount.userErrors).to.deep.equal([]);
    expect(reused).to.deep.equal({ batch: null, codes: ['IDEMPOTENCY_KEY_REUSED'] });
    expect(await stored()).to.deep.equal({ batches: 0, batchesWithChunks: 0, agreements: 0 });
  });
});
