import { expect } from 'chai';
import { startBackgroundWork, type BackgroundWork } from '../../../src/processes/background-work';
import { csvFile, educatorRows } from '../../support/csv-fixtures';
import { describeOnEachDatabase } from '../../support/databases';
import { startTestServer, type TestServer } from '../../support/test-server';
import { PARTNER_HIGH, readBatch, siteIdsByName, uploadFile } from './upload-kit';

const ROWS = 20_000;

describeOnEachDatabase('The upload worker running inside the API process', (database) => {
  let server: TestServer;
  let background: BackgroundWork | undefined;

  before(async () => {
    server = await startTestServer(database, { maxUploadRows: ROWS, mailDelivery: false });
  });
  beforeEach(async () => {
    await server.reset();
  });
  afterEach(async () => {
    await background?.stop();
    background = undefined;
  });
  after(async () => {
    await server.close();
  });

  it('when a file is queued, then the worker settles it while the upload log keeps answering (never held up until the batch is done)', async function () {
    this.timeout(120_000);
    const sites = await siteIdsByName(server);
    const token = await server.signIn(server.demo.siteAdminEmail);
    background = startBackgroundWork(server.application);

    const uploaded = await uploadFile(server, token, { schoolSiteId: sites[PARTNER_HIGH], content: csvFile(educatorRows(ROWS)) });

    // Starved of the event loop (SQLite answers synchronously), the log would only ever answer once the batch was done.
    const seen = new Set<string>();
    let batch = await readBatch(server, token, uploaded.id, 1);
    while (batch.status !== 'COMPLETED') {
      seen.add(batch.status === 'PROCESSING' && batch.recordsProcessed < ROWS ? 'processing, part done' : batch.status);
      batch = await readBatch(server, token, uploaded.id, 1);
    }
    expect([...seen]).to.include('processing, part done');
    expect(batch.recordsCreated).to.equal(ROWS);
  });
});
