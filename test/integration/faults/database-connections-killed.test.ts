import { expect } from 'chai';
import { manyEducatorsCsv } from '../../support/csv-fixtures';
import {
  DEMO_DISTRICT_ADMIN_EMAIL,
  DEMO_SITE_ADMIN_EMAIL,
  accountsWithoutExactlyOneInvitation,
  describeAgainstMariaDb,
  duplicateAccounts,
  openFaultEnvironment,
  siteIdsByName,
  type Api,
  type FaultEnvironment,
} from './fault-kit';

const ROWS = 40_000;
const KILL_ROUNDS = 5;

describeAgainstMariaDb('The database connections dropped while a worker process settles a batch', () => {
  let environment: FaultEnvironment;
  let api: Api;

  before(async function () {
    this.timeout(60_000);
    environment = await openFaultEnvironment('conn_kill');
    api = await environment.startApi();
  });
  after(async function () {
    this.timeout(60_000);
    await environment?.close();
  });

  it(`when every connection of the API and the worker is killed ${KILL_ROUNDS} times during a ${ROWS.toLocaleString('en-US')}-row batch, then the worker reconnects and the batch finishes with every row settled once`, async function () {
    this.timeout(180_000);
    const token = await api.signIn(DEMO_SITE_ADMIN_EMAIL);
    const siteId = (await siteIdsByName(api, await api.signIn(DEMO_DISTRICT_ADMIN_EMAIL)))['Demo Partner High'];
    const uploaded = await api.upload(token, { schoolSiteId: siteId, content: manyEducatorsCsv(ROWS, 'dropped.example.org'), fileName: 'dropped.csv' });
    expect(uploaded.errors, uploaded.text).to.equal(undefined);
    const publicId = uploaded.data.uploadEducatorAccounts.batch.id;
    const batchId = environment.publicIds.decode('batch', publicId)!;

    const worker = environment.startWorker({ UPLOAD_CHUNK_ROWS: '500' });
    const killed: number[] = [];
    for (let round = 1; round <= KILL_ROUNDS; round += 1) {
      const progress = await environment.waitFor(
        `round ${round}'s share of the rows`,
        async () => {
          const batch = await environment.batch(batchId);
          return batch.processed >= (ROWS * round) / (KILL_ROUNDS + 2) || batch.status === 'COMPLETED' ? batch : undefined;
        },
        90_000,
        5,
      );
      expect(progress.status, `round ${round} came before the end of the batch`).to.equal('PROCESSING');
      killed.push(await environment.killDatabaseConnections());
    }
    expect(
      killed.every((count) => count > 0),
      `connections killed per round: ${killed.join(', ')}`,
    ).to.equal(true);

    const done = await environment.completed(batchId, 'the worker to complete the batch', 120_000);
    await worker.stop();

    expect(done).to.deep.equal({ status: 'COMPLETED', totalRows: ROWS, processed: ROWS, created: ROWS, skipped: 0, failed: 0 });
    expect(await environment.count('educator_account WHERE source_batch_id = ?', [batchId])).to.equal(ROWS);
    expect(await environment.count('educator_account_site m JOIN educator_account a ON a.id = m.account_id WHERE a.source_batch_id = ?', [batchId])).to.equal(
      ROWS,
    );
    expect(await duplicateAccounts(environment)).to.deep.equal([]);
    expect(await accountsWithoutExactlyOneInvitation(environment)).to.deep.equal([]);
    expect(await environment.count('upload_failure')).to.equal(0);
    expect(await environment.count('outbox_message WHERE subject = ?', ['Upload of dropped.csv finished: 0 failed'])).to.equal(1);
    expect(await environment.count('upload_file_chunk')).to.equal(0);

    // The API lost its connections too: it answers from fresh ones.
    const read = await api.graphql('query($id: ID!) { uploadBatch(id: $id) { status recordsCreated } }', { id: publicId }, token);
    expect(read.errors, read.text).to.equal(undefined);
    expect(read.data.uploadBatch).to.deep.equal({ status: 'COMPLETED', recordsCreated: ROWS });
  });
});
