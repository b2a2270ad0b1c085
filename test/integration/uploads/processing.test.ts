import { expect } from 'chai';
import { describeOnEachDatabase } from '../../support/databases';
import { startTestServer, type TestServer } from '../../support/test-server';
import { anEducatorRow, csvFile, educatorRows } from '../../support/csv-fixtures';
import type { ChunkWrites } from '../../../src/application/ports/chunk-writer';
import { MIDDLE_SCHOOL, PARTNER_HIGH, countRows, readBatch, siteIdsByName, uploadFile, type Batch } from './upload-kit';

describeOnEachDatabase('Processing uploads: order, progress and counts', (database) => {
  let server: TestServer;
  let sites: Record<string, string>;
  let siteAdmin: string;
  let districtAdmin: string;

  // Chunks of 3 rows, so even small files take several transactions.
  before(async () => {
    server = await startTestServer(database, { uploadChunkRows: 3 });
  });
  after(async () => {
    await server?.close();
  });
  beforeEach(async () => {
    await server.reset();
    sites = await siteIdsByName(server);
    siteAdmin = await server.signIn(server.demo.siteAdminEmail);
    districtAdmin = await server.signIn(server.demo.districtAdminEmail);
  });

  const internalId = (batchId: string) => server.application.publicIds.decode('batch', batchId);
  const statusOf = async (batchId: string): Promise<string> => (await readBatch(server, siteAdmin, batchId)).status;
  const runWorkerOnce = () => server.application.uploadWorker.execute();
  const settled = (batch: Batch) => batch.recordsCreated + batch.recordsSkipped + batch.recordsFailed;

  it('when two files are uploaded for the same site, then they are processed one at a time in upload order', async () => {
    const first = await uploadFile(server, siteAdmin, { schoolSiteId: sites[PARTNER_HIGH], content: csvFile(educatorRows(4)), fileName: 'first.csv' });
    const second = await uploadFile(server, siteAdmin, { schoolSiteId: sites[PARTNER_HIGH], content: csvFile(educatorRows(4, 3)), fileName: 'second.csv' });
    expect([await statusOf(first.id), await statusOf(second.id)]).to.deep.equal(['QUEUED', 'QUEUED']);

    expect(await runWorkerOnce()).to.equal(1);
    expect([await statusOf(first.id), await statusOf(second.id)]).to.deep.equal(['COMPLETED', 'QUEUED']);
    expect(await runWorkerOnce()).to.equal(1);
    expect(await runWorkerOnce()).to.equal(0);

    // The second file overlaps the first on educators 3 and 4: they were created by the first, so the second skips them.
    const [one, two] = [await readBatch(server, siteAdmin, first.id), await readBatch(server, siteAdmin, second.id)];
    expect([one.recordsCreated, one.recordsSkipped]).to.deep.equal([4, 0]);
    expect([two.recordsCreated, two.recordsSkipped]).to.deep.equal([2, 2]);
    expect(Date.parse(one.endTime!)).to.be.at.most(Date.parse(two.startTime!));
  });

  it("when an earlier batch of a site is still being processed elsewhere, then its later batch waits while another site's batch goes ahead", async () => {
    const first = await uploadFile(server, siteAdmin, { schoolSiteId: sites[PARTNER_HIGH], content: csvFile(educatorRows(4)), fileName: 'first.csv' });
    const second = await uploadFile(server, siteAdmin, { schoolSiteId: sites[PARTNER_HIGH], content: csvFile(educatorRows(2, 10)), fileName: 'second.csv' });
    const middle = await uploadFile(server, districtAdmin, {
      schoolSiteId: sites[MIDDLE_SCHOOL],
      content: csvFile(educatorRows(2, 20)),
      fileName: 'middle.csv',
    });
    // Another worker holds the first batch under a live lease.
    await server.application.dataSource.query(
      "UPDATE upload_batch SET status = 'PROCESSING', lease_owner = 'another-worker', lease_expires_at = ? WHERE id = ?",
      [server.clock.now().getTime() + 60_000, internalId(first.id)],
    );

    expect(await runWorkerOnce()).to.equal(1);
    expect(await runWorkerOnce()).to.equal(0);
    expect([await statusOf(first.id), await statusOf(second.id), (await readBatch(server, districtAdmin, middle.id)).status]).to.deep.equal([
      'PROCESSING',
      'QUEUED',
      'COMPLETED',
    ]);

    // Its lease runs out (the other worker died): the first batch is taken over, then the second follows.
    await server.application.dataSource.query('UPDATE upload_batch SET lease_expires_at = 0 WHERE id = ?', [internalId(first.id)]);
    expect(await server.processUploads()).to.equal(2);
    const [one, two] = [await readBatch(server, siteAdmin, first.id), await readBatch(server, siteAdmin, second.id)];
    expect([one.status, one.recordsCreated, two.status, two.recordsCreated]).to.deep.equal(['COMPLETED', 4, 'COMPLETED', 2]);
  });

  it('when a batch is processed, then progress is visible chunk by chunk while it runs and the counts add up to the data rows at the end', async () => {
    // 10 data rows on lines 2–15 with blank lines, a quoted line break, a skip, a duplicate and failures among them.
    await server.graphql(
      'mutation($input: CreateEducatorAccountInput!) { createEducatorAccount(input: $input) { userErrors { code } } }',
      {
        input: {
          firstName: 'By',
          lastName: 'Hand',
          email: 'educator5@partner-high.example.org',
          roleCode: 'EDUCATOR',
          schoolSiteIds: [sites[PARTNER_HIGH]],
          agreementAccepted: true,
        },
      },
      siteAdmin,
    );
    const content = [
      csvFile(educatorRows(3)).trimEnd(),
      '',
      'Quin,"Two',
      'Lines",quin@partner-high.example.org,Educator',
      csvFile(
        [anEducatorRow(4, { role: 'Principal' }), anEducatorRow(5), anEducatorRow(6), anEducatorRow(7, { email: 'EDUCATOR1@partner-high.example.org' })],
        { header: [] },
      )
        .replace(/^\r\n/, '')
        .trimEnd(),
      '',
      ',,,',
      'Ann,Lee,ann@partner-high.example.org,Counselor',
      'Bob,Ray,no-email,Counselor',
      '',
    ].join('\r\n');
    const { id } = await uploadFile(server, siteAdmin, { schoolSiteId: sites[PARTNER_HIGH], content });

    const progress: [string, number][] = [];
    const transaction = server.application.uploadPersistence.chunkTransaction;
    const commitChunk = transaction.write.bind(transaction);
    // The worker hands a chunk over while the one before commits; here each waits until the progress after the one
    // before has been read, so that every chunk's progress is seen.
    let readAfterPrevious: Promise<unknown> = Promise.resolve();
    transaction.write = (writes: ChunkWrites) => {
      const committed = readAfterPrevious.then(async () => {
        const result = await commitChunk(writes);
        // A chunk that meets a taken email is planned again and committed on a second call.
        if (result !== 'committed') return result;
        const seen = await readBatch(server, siteAdmin, id);
        progress.push([seen.status, seen.recordsProcessed]);
        return result;
      });
      readAfterPrevious = committed.catch(() => undefined);
      return committed;
    };
    try {
      await server.processUploads();
    } finally {
      transaction.write = commitChunk;
    }

    expect(progress).to.deep.equal([
      ['PROCESSING', 3],
      ['PROCESSING', 6],
      ['PROCESSING', 9],
      ['PROCESSING', 10],
    ]);
    const batch = await readBatch(server, siteAdmin, id);
    expect(batch).to.deep.include({ status: 'COMPLETED', totalRows: 10, recordsProcessed: 10, recordsCreated: 5, recordsSkipped: 1, recordsFailed: 4 });
    expect(settled(batch)).to.equal(batch.totalRows);
    expect(batch.failures.nodes.map((failure) => [failure.lineNumber, failure.code, failure.reason.match(/line \d+/)?.[0] ?? ''])).to.deep.equal([
      [6, 'INVALID_NAME', ''],
      [8, 'UNKNOWN_ROLE', ''],
      [11, 'DUPLICATE_IN_FILE', 'line 2'],
      [15, 'INVALID_EMAIL', ''],
    ]);
    expect(await countRows(server, 'upload_file_chunk')).to.equal(0);
  });

  it('when the worker dies between chunks, then the next attempt resumes after the last committed chunk and counts every row exactly once', async () => {
    const rows = [...educatorRows(7), anEducatorRow(1, { email: 'educator2@partner-high.example.org' }), ...educatorRows(3, 20)];
    const { id } = await uploadFile(server, siteAdmin, { schoolSiteId: sites[PARTNER_HIGH], content: csvFile(rows) });
    const transaction = server.application.uploadPersistence.chunkTransaction;
    const commitChunk = transaction.write.bind(transaction);
    let commits = 0;
    transaction.write = async (writes: ChunkWrites) => {
      commits += 1;
      if (commits === 3) throw new Error('simulated crash before the third chunk commits');
      return commitChunk(writes);
    };
    try {
      let crash: unknown;
      await runWorkerOnce().catch((error: unknown) => (crash = error));
      expect(String(crash)).to.include('simulated crash');
    } finally {
      transaction.write = commitChunk;
    }
    const halfway = await readBatch(server, siteAdmin, id);
    expect(halfway).to.deep.include({ status: 'PROCESSING', recordsProcessed: 6, recordsCreated: 6 });

    expect(await server.processUploads()).to.equal(1);

    const batch = await readBatch(server, siteAdmin, id);
    expect(batch).to.deep.include({ status: 'COMPLETED', totalRows: 11, recordsProcessed: 11, recordsCreated: 10, recordsSkipped: 0, recordsFailed: 1 });
    // The duplicate on line 9 points at line 3, which was settled before the crash.
    expect(batch.failures.nodes.map((failure) => [failure.lineNumber, failure.code, /line 3\b/.test(failure.reason)])).to.deep.equal([
      [9, 'DUPLICATE_IN_FILE', true],
    ]);
    expect(await countRows(server, 'educator_account WHERE source_batch_id = ?', [internalId(id)])).to.equal(10);
    expect(await countRows(server, "outbox_message WHERE subject = 'Your educator account is ready to register'")).to.equal(10);
  });

  it('when the uploader lost the right to create accounts before the file was processed, then the batch is rejected and nothing is created', async () => {
    const { id } = await uploadFile(server, siteAdmin, { schoolSiteId: sites[PARTNER_HIGH], content: csvFile(educatorRows(3)) });
    await server.application.dataSource.query("UPDATE educator_account SET role_code = 'EDUCATOR' WHERE email_normalized = ?", [server.demo.siteAdminEmail]);

    await server.processUploads();

    const batch = await readBatch(server, districtAdmin, id);
    expect(batch).to.deep.include({ status: 'REJECTED', recordsProcessed: 0, recordsCreated: 0 });
    expect(batch.rejectionReason).to.include('no longer allowed');
    expect(await countRows(server, 'educator_account')).to.equal(2);
  });

  it('when a site already has the most uploads waiting, then the next one is refused with TOO_MANY_QUEUED_UPLOADS and not stored', async () => {
    const limit = server.application.config.maxQueuedBatchesPerSite;
    for (let n = 1; n <= limit; n += 1) await uploadFile(server, siteAdmin, { schoolSiteId: sites[PARTNER_HIGH], content: csvFile([anEducatorRow(n)]) });

    const refused = await server.upload(siteAdmin, { schoolSiteId: sites[PARTNER_HIGH], content: csvFile([anEducatorRow(99)]), select: 'id' });

    expect(refused.data.uploadEducatorAccounts.batch).to.equal(null);
    expect(refused.data.uploadEducatorAccounts.userErrors.map((error: { code: string }) => error.code)).to.deep.equal(['TOO_MANY_QUEUED_UPLOADS']);
    expect(await countRows(server, 'upload_batch')).to.equal(limit);
    // Another site is not held up by it.
    await uploadFile(server, districtAdmin, { schoolSiteId: sites[MIDDLE_SCHOOL], content: csvFile([anEducatorRow(100)]) });
    expect(await countRows(server, 'upload_batch')).to.equal(limit + 1);
  });
});
