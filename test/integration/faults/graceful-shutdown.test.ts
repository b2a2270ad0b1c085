import { expect } from 'chai';
import { TEMPLATE_HEADER } from '../../support/csv-fixtures';
import { DEMO_SITE_ADMIN_EMAIL, describeAgainstMariaDb, duplicateAccounts, openFaultEnvironment, waitFor, type Api, type FaultEnvironment } from './fault-kit';

const ROWS = 30_000;
const file = `${[TEMPLATE_HEADER.join(','), ...Array.from({ length: ROWS }, (_, index) => `Given${index},Family${index},calm${index}@stop.example.org,Educator`)].join('\r\n')}\r\n`;

describeAgainstMariaDb('A worker process asked to stop (SIGTERM) mid-batch', () => {
  let environment: FaultEnvironment;
  let api: Api;

  before(async function () {
    this.timeout(60_000);
    environment = await openFaultEnvironment('graceful');
    api = await environment.startApi();
  });
  after(async function () {
    this.timeout(60_000);
    await environment?.close();
  });

  it('when SIGTERM arrives while a batch runs, then the worker finishes its chunk, hands the batch back at once, exits cleanly, and the next worker completes it without waiting for the lease', async function () {
    this.timeout(120_000);
    const token = await api.signIn(DEMO_SITE_ADMIN_EMAIL);
    const siteId = (await api.graphql('{ schoolSites { id } }', {}, token)).data.schoolSites[0].id;
    const uploaded = await api.upload(token, { schoolSiteId: siteId, content: file, fileName: 'calm.csv' });
    const batchId = environment.publicIds.decode('batch', uploaded.data.uploadEducatorAccounts.batch.id)!;

    const first = environment.startWorker({ UPLOAD_CHUNK_ROWS: '500' });
    await waitFor('the first chunks to commit', async () => ((await environment.batch(batchId)).processed >= 2_000 ? true : undefined), 60_000);
    const exit = await first.stop('SIGTERM');

    expect(exit, first.output.join('')).to.equal(0);
    const handedBack = await environment.batch(batchId);
    expect(handedBack.processed).to.be.lessThan(ROWS);
    expect(handedBack.processed % 500).to.equal(0);
    expect(handedBack.created).to.equal(handedBack.processed);
    const [lease] = await environment.rows<{ lease_expires_at: number }>('SELECT lease_expires_at FROM upload_batch WHERE id = ?', [batchId]);
    expect(Number(lease.lease_expires_at)).to.equal(0);

    const second = environment.startWorker();
    const done = await environment.completed(batchId, 'the second worker to complete the batch', 90_000, 20);
    await second.stop('SIGTERM');

    expect(done).to.deep.include({ processed: ROWS, created: ROWS, skipped: 0, failed: 0 });
    expect(await duplicateAccounts(environment)).to.deep.equal([]);
    expect(await environment.count('educator_account WHERE source_batch_id = ?', [batchId])).to.equal(ROWS);
  });
});
