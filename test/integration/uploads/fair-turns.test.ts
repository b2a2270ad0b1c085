import { expect } from 'chai';
import { describeOnEachDatabase } from '../../support/databases';
import { startTestServer, type TestServer } from '../../support/test-server';
import { csvFile, educatorRows } from '../../support/csv-fixtures';
import { MIDDLE_SCHOOL, PARTNER_HIGH, createOtherDistrict, readBatch, siteIdsByName, uploadFile, type Batch } from './upload-kit';

const CHUNK_ROWS = 5;

describeOnEachDatabase('Turns between batches of different sites and districts', (database) => {
  let server: TestServer;
  let sites: Record<string, string>;

  before(async () => {
    server = await startTestServer(database, { uploadChunkRows: CHUNK_ROWS });
  });
  after(async () => {
    await server?.close();
  });
  beforeEach(async () => {
    await server.reset();
    sites = await siteIdsByName(server);
  });

  const internalId = (batchId: string) => server.application.publicIds.decode('batch', batchId);

  /** The first account each batch created: ids are handed out as chunks are written, so they show which batch went when. */
  const firstAccountOf = async (batchId: string): Promise<number> => {
    const [row] = await server.application.dataSource.query('SELECT MIN(id) AS first FROM educator_account WHERE source_batch_id = ?', [internalId(batchId)]);
    return Number(row.first);
  };

  it("when a long batch runs and another district's batch waits, then that one goes after one chunk, ahead of the busy district's others", async () => {
    const districtAdmin = await server.signIn(server.demo.districtAdminEmail);
    const other = await createOtherDistrict(server);
    const otherAdmin = await server.signIn(other.adminEmail);
    const long = await uploadFile(server, districtAdmin, { schoolSiteId: sites[PARTNER_HIGH], content: csvFile(educatorRows(60)), fileName: 'long.csv' });
    const sameDistrict = await uploadFile(server, districtAdmin, { schoolSiteId: sites[MIDDLE_SCHOOL], content: csvFile(educatorRows(10, 100)) });
    const otherDistrict = await uploadFile(server, otherAdmin, { schoolSiteId: other.siteId, content: csvFile(educatorRows(10, 200)), fileName: 'other.csv' });

    // One worker, run until a batch is finished.
    expect(await server.application.uploadWorker.execute()).to.equal(1);

    const [longSoFar, otherDone] = [await readBatch(server, districtAdmin, long.id), await readBatch(server, otherAdmin, otherDistrict.id)];
    expect(otherDone).to.deep.include({ status: 'COMPLETED', recordsCreated: 10 });
    expect(longSoFar.status).to.equal('PROCESSING');
    expect(longSoFar.recordsProcessed).to.be.below(60);
    // The long batch had written one chunk when the other district's batch took the next turn.
    expect((await firstAccountOf(otherDistrict.id)) - (await firstAccountOf(long.id))).to.equal(CHUNK_ROWS);
    // Districts before sites: the other district's batch went ahead of the one queued earlier at another site of the busy district.
    expect(await firstAccountOf(otherDistrict.id)).to.be.below(await firstAccountOf(sameDistrict.id));

    expect(await server.processUploads()).to.equal(2);
    const finished: Batch[] = [await readBatch(server, districtAdmin, long.id), await readBatch(server, districtAdmin, sameDistrict.id)];
    expect(finished.map((batch) => [batch.status, batch.recordsProcessed, batch.recordsCreated])).to.deep.equal([
      ['COMPLETED', 60, 60],
      ['COMPLETED', 10, 10],
    ]);
    expect(Date.parse(otherDone.endTime!)).to.be.at.most(Date.parse(finished[0].endTime!));
  });

  it('when a batch was handed back between chunks, then it goes on where it stopped, every row counted once and earlier rows known as duplicates', async () => {
    const districtAdmin = await server.signIn(server.demo.districtAdminEmail);
    const other = await createOtherDistrict(server);
    const otherAdmin = await server.signIn(other.adminEmail);
    // Line 14 repeats line 2's email: found as a duplicate even though line 2 was read in an earlier turn.
    const rows = [...educatorRows(12), educatorRows(1)[0], ...educatorRows(7, 20)];
    const long = await uploadFile(server, districtAdmin, { schoolSiteId: sites[PARTNER_HIGH], content: csvFile(rows), fileName: 'long.csv' });
    const otherDistrict = await uploadFile(server, otherAdmin, { schoolSiteId: other.siteId, content: csvFile(educatorRows(12, 200)), fileName: 'other.csv' });

    await server.processUploads();

    const batch = await readBatch(server, districtAdmin, long.id);
    expect(batch).to.deep.include({ status: 'COMPLETED', totalRows: 20, recordsProcessed: 20, recordsCreated: 19, recordsFailed: 1 });
    const failures = batch.failures.nodes.map((failure) => [failure.lineNumber, failure.code, /line 2\b/.test(failure.reason)]);
    expect(failures).to.deep.equal([[14, 'DUPLICATE_IN_FILE', true]]);
    expect(await readBatch(server, otherAdmin, otherDistrict.id)).to.deep.include({ status: 'COMPLETED', recordsCreated: 12 });
  });
});
