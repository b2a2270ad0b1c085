import { expect } from 'chai';
import { BatchAttemptFailed, MAX_FAILED_ATTEMPTS } from '../../../src/application/process-upload-batch';
import { describeOnEachDatabase } from '../../support/databases';
import { startTestServer, type TestServer } from '../../support/test-server';
import { anEducatorRow, csvFile, educatorRows } from '../../support/csv-fixtures';
import { PARTNER_HIGH, countRows, createOtherDistrict, readBatch, siteIdsByName, subjectOf, uploadFile } from './upload-kit';

describeOnEachDatabase('A batch that keeps failing', (database) => {
  let server: TestServer;
  let sites: Record<string, string>;
  let siteAdmin: string;

  // Chunks of 2 rows: the first chunk of the broken file lands before the fault is met.
  before(async () => {
    server = await startTestServer(database, { uploadChunkRows: 2 });
  });
  after(async () => {
    await server?.close();
  });
  beforeEach(async () => {
    await server.reset();
    sites = await siteIdsByName(server);
    siteAdmin = await server.signIn(server.demo.siteAdminEmail);
  });

  const internalId = (batchId: string) => server.application.publicIds.decode('batch', batchId);

  /** A fault that no retry gets past: every chunk with a failed row fails to record it, while chunks of new accounts land. */
  const failuresTableGone = async <T>(work: () => Promise<T>): Promise<T> => {
    await server.application.dataSource.query('ALTER TABLE upload_failure RENAME TO upload_failure_away');
    try {
      return await work();
    } finally {
      await server.application.dataSource.query('ALTER TABLE upload_failure_away RENAME TO upload_failure');
    }
  };

  /** One run of the worker, as the background loop makes it: the error it ended with, if any. */
  const runWorker = async (): Promise<{ finished: number } | { error: unknown }> =>
    server.application.uploadWorker.execute().then(
      (finished) => ({ finished }),
      (error: unknown) => ({ error }),
    );

  it('when an error that is not transient keeps stopping a batch, then it ends FAILED with its reason, what landed stays counted, others go on', async () => {
    // Lines 2-3 are created; lines 4-5 fail, and their failures cannot be recorded.
    const broken = await uploadFile(server, siteAdmin, {
      schoolSiteId: sites[PARTNER_HIGH],
      content: csvFile([...educatorRows(2), anEducatorRow(3, { email: 'no-email' }), anEducatorRow(4, { email: 'nor-this' })]),
      fileName: 'broken.csv',
    });
    const sameSiteAfter = await uploadFile(server, siteAdmin, { schoolSiteId: sites[PARTNER_HIGH], content: csvFile(educatorRows(3, 10)) });
    const other = await createOtherDistrict(server);
    const otherAdmin = await server.signIn(other.adminEmail);
    const otherDistrict = await uploadFile(server, otherAdmin, { schoolSiteId: other.siteId, content: csvFile([anEducatorRow(20)]), fileName: 'other.csv' });

    const runs = await failuresTableGone(async () => {
      const seen: ({ finished: number } | { error: unknown })[] = [];
      // The other district's batch, then the broken one's attempts.
      for (let run = 0; run < 1 + MAX_FAILED_ATTEMPTS; run += 1) seen.push(await runWorker());
      return seen;
    });

    const attempts = runs.flatMap((run) => ('error' in run && run.error instanceof BatchAttemptFailed ? [run.error] : []));
    expect(attempts.map((error) => [error.batchId, error.attempts, error.markedFailed])).to.deep.equal([
      [internalId(broken.id), 1, false],
      [internalId(broken.id), 2, false],
      [internalId(broken.id), 3, true],
    ]);
    expect(runs.filter((run) => 'error' in run && !(run.error instanceof BatchAttemptFailed))).to.deep.equal([]);
    const failed = await readBatch(server, siteAdmin, broken.id);
    expect(failed).to.deep.include({ status: 'FAILED', totalRows: 4, recordsProcessed: 2, recordsCreated: 2, recordsSkipped: 0, recordsFailed: 0 });
    expect(failed.endTime).to.not.equal(null);
    const reason = await server.graphql('query($id: ID!) { uploadBatch(id: $id) { failureReason } }', { id: broken.id }, siteAdmin);
    expect(reason.data.uploadBatch.failureReason).to.equal(
      `Processing stopped after ${MAX_FAILED_ATTEMPTS} attempts failed with an error on our side that trying again did not get past. ` +
        'The first 2 of 4 rows were handled and stay as counted (2 created, 0 skipped, 0 failed); the other 2 were not processed. ' +
        'Upload the same file again later to finish it (accounts already created are skipped); if it stops again, contact support with the reference ' +
        `the upload log shows for this upload. Reference: ${broken.id}.`,
    );
    expect(await countRows(server, 'educator_account WHERE source_batch_id = ?', [internalId(broken.id)])).to.equal(2);
    const invitations = "outbox_message WHERE template = 'invitation' AND account_id IN (SELECT id FROM educator_account WHERE source_batch_id = ?)";
    expect(await countRows(server, invitations, [internalId(broken.id)])).to.equal(2);
    expect(await countRows(server, 'upload_file_chunk WHERE batch_id = ?', [internalId(broken.id)])).to.equal(0);
    // Another district's batch was not held up by the broken one.
    expect(await readBatch(server, otherAdmin, otherDistrict.id)).to.deep.include({ status: 'COMPLETED', recordsCreated: 1 });
    // The site's next batch waited behind it in upload order, and goes on now that it has ended.
    expect((await readBatch(server, siteAdmin, sameSiteAfter.id)).status).to.equal('QUEUED');
    expect(await server.processUploads()).to.equal(1);
    expect(await readBatch(server, siteAdmin, sameSiteAfter.id)).to.deep.include({ status: 'COMPLETED', recordsCreated: 3 });
    const emails = await server.deliveredEmails();
    expect(emails.map(subjectOf)).to.include('Upload of broken.csv stopped before the end');
  });

  it('when a batch fails once and then goes on, then it completes and its earlier failed attempt leaves no trace on its counts', async () => {
    const content = csvFile([...educatorRows(2), anEducatorRow(3, { email: 'bad' }), ...educatorRows(2, 4)]);
    const { id } = await uploadFile(server, siteAdmin, { schoolSiteId: sites[PARTNER_HIGH], content });

    const first = await failuresTableGone(runWorker);
    expect('error' in first && first.error instanceof BatchAttemptFailed && first.error.attempts).to.equal(1);
    expect(await server.processUploads()).to.equal(1);

    expect(await readBatch(server, siteAdmin, id)).to.deep.include({ status: 'COMPLETED', recordsProcessed: 5, recordsCreated: 4, recordsFailed: 1 });
    const [row] = await server.application.dataSource.query('SELECT failed_attempts FROM upload_batch WHERE id = ?', [internalId(id)]);
    expect(Number(row.failed_attempts)).to.equal(0);
  });
});
