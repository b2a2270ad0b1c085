import { expect } from 'chai';
import type { Request, Response } from 'playwright-core';
import { describeOnEachDatabase } from '../support/databases';
import { csvFile, educatorRows, rawFile } from '../support/csv-fixtures';
import { MIDDLE_SCHOOL, PARTNER_HIGH, siteIdsByName, uploadFile } from '../integration/uploads/upload-kit';
import { browserKitFor, expectAccessible, expectNoHorizontalScroll, linkIn, openSignedIn, screenshot } from './support/browser-kit';
import { expectSameDocument, logRows, markDocument, tableRows, waitForLogRow } from './support/upload-log-page';

describeOnEachDatabase('The web page: the upload log', (database) => {
  const kit = browserKitFor(database);
  let sites: Record<string, string>;
  let siteAdminToken: string;
  let districtAdminToken: string;

  beforeEach(async () => {
    sites = await siteIdsByName(kit.server);
    siteAdminToken = await kit.server.signIn(kit.server.demo.siteAdminEmail);
    districtAdminToken = await kit.server.signIn(kit.server.demo.districtAdminEmail);
  });

  const wrongColumns = rawFile(['Name,Email', 'Ana,ana@example.org']);

  /** The page's requests for the upload log, and whether its live stream answered, from now on. */
  const watchRequests = () => {
    const seen = { logQueries: 0, streamOpened: false };
    const onRequest = (request: Request) => {
      if (new URL(request.url()).pathname === '/graphql' && request.postDataJSON()?.operationName === 'UploadLog') seen.logQueries += 1;
    };
    const onResponse = (response: Response) => {
      if (new URL(response.url()).pathname === '/graphql/stream' && response.status() === 200) seen.streamOpened = true;
    };
    kit.browser.on('request', onRequest);
    kit.browser.on('response', onResponse);
    return { seen, stop: () => (kit.browser.off('request', onRequest), kit.browser.off('response', onResponse)) };
  };
  /** A worker elsewhere is three rows into the file: its progress moves the site's upload-log counter, as a chunk's commit does. */
  const moveToRowThree = async (batchId: string) => {
    const internal = kit.server.application.publicIds.decode('batch', batchId);
    await kit.server.application.dataSource.query("UPDATE upload_batch SET status = 'PROCESSING', start_time = ?, records_processed = 3 WHERE id = ?", [
      kit.server.clock.now().getTime(),
      internal,
    ]);
    await kit.server.application.dataSource.query('UPDATE upload_log_version SET version = version + 1');
  };

  it('when another admin uploads a file and a worker processes it, then the open log shows it, its progress and its end without a reload', async () => {
    const page = await openSignedIn(kit, kit.server.demo.districtAdminEmail);
    await page.getByText('No file has been uploaded yet for your school sites.').waitFor();
    await markDocument(page);

    const batch = await uploadFile(kit.server, siteAdminToken, {
      schoolSiteId: sites[PARTNER_HIGH],
      content: csvFile(educatorRows(8)),
      fileName: 'from-elsewhere.csv',
    });
    await waitForLogRow(page, 'from-elsewhere.csv', { Status: 'Waiting to start', 'Uploaded By': 'Sam Site', 'Belongs To': PARTNER_HIGH });
    await moveToRowThree(batch.id);
    await waitForLogRow(page, 'from-elsewhere.csv', { Status: 'Processing: 3 of 8 rows', 'Record Processed': '3' });
    expect(
      await page.getByRole('progressbar', { name: 'Rows processed' }).evaluate((bar: { value: number; max: number }) => [bar.value, bar.max]),
    ).to.deep.equal([3, 8]);
    await screenshot(page, 'upload-log-processing', database);
    await kit.server.application.dataSource.query("UPDATE upload_batch SET status = 'QUEUED', start_time = NULL, records_processed = 0 WHERE id = ?", [
      kit.server.application.publicIds.decode('batch', batch.id),
    ]);
    await kit.server.processUploads();

    await waitForLogRow(page, 'from-elsewhere.csv', { Status: 'Completed', Created: '8', 'Record Failed': '0' });
    await expectSameDocument(page);
  });

  it('when the live stream is open, then a change reaches the page on it: the page does not ask for the log again', async () => {
    const batch = await uploadFile(kit.server, siteAdminToken, {
      schoolSiteId: sites[PARTNER_HIGH],
      content: csvFile(educatorRows(8)),
      fileName: 'streamed.csv',
    });
    const watching = watchRequests();
    try {
      const page = await openSignedIn(kit, kit.server.demo.siteAdminEmail);
      await waitForLogRow(page, 'streamed.csv', { Status: 'Waiting to start' });
      while (!watching.seen.streamOpened) await page.waitForTimeout(50);
      // Once open, the page asks for the first page once, for what changed before; then only the stream speaks.
      await page.waitForTimeout(1000);
      const before = watching.seen.logQueries;

      await moveToRowThree(batch.id);

      await waitForLogRow(page, 'streamed.csv', { Status: 'Processing: 3 of 8 rows' });
      await page.waitForTimeout(2000);
      expect(watching.seen.logQueries - before, 'log queries while the stream is open').to.equal(0);
    } finally {
      watching.stop();
    }
  });

  it('when the live stream cannot be opened, then the page asks for the log every 1.5 s instead, and changes still show', async () => {
    await kit.browser.route('**/graphql/stream', (route) => route.abort());
    const watching = watchRequests();
    try {
      const page = await openSignedIn(kit, kit.server.demo.siteAdminEmail);
      await page.getByText('No file has been uploaded yet for your school sites.').waitFor();
      const before = watching.seen.logQueries;

      const batch = await uploadFile(kit.server, districtAdminToken, {
        schoolSiteId: sites[PARTNER_HIGH],
        content: csvFile(educatorRows(8)),
        fileName: 'polled.csv',
      });
      await waitForLogRow(page, 'polled.csv', { Status: 'Waiting to start', 'Uploaded By': 'Dana District' });
      await moveToRowThree(batch.id);
      await waitForLogRow(page, 'polled.csv', { Status: 'Processing: 3 of 8 rows' });

      expect(watching.seen.streamOpened).to.equal(false);
      expect(watching.seen.logQueries - before, 'log queries while the stream is down').to.be.at.least(2);
    } finally {
      watching.stop();
      await kit.browser.unroute('**/graphql/stream');
    }
  });

  it('when there are more uploads than a page, then the newest come first, "Load more" adds older ones, and a new one comes on top of them all', async () => {
    for (let n = 1; n <= 30; n += 1) {
      await uploadFile(kit.server, districtAdminToken, {
        schoolSiteId: sites[n % 2 ? PARTNER_HIGH : MIDDLE_SCHOOL],
        content: wrongColumns,
        fileName: `file-${String(n).padStart(2, '0')}.csv`,
      });
    }
    const page = await openSignedIn(kit, kit.server.demo.districtAdminEmail);
    await page.getByRole('status').filter({ hasText: 'Showing 25 of 30 uploads, newest first.' }).waitFor();
    expect((await logRows(page)).map((row) => row['File Name']).slice(0, 3)).to.deep.equal(['file-30.csv', 'file-29.csv', 'file-28.csv']);

    await page.getByRole('button', { name: 'Load more' }).click();

    await page.getByRole('status').filter({ hasText: 'Showing 30 of 30 uploads, newest first.' }).waitFor();
    const names = (await logRows(page)).map((row) => row['File Name']);
    expect(names).to.deep.equal(Array.from({ length: 30 }, (_, index) => `file-${String(30 - index).padStart(2, '0')}.csv`));
    expect(await page.getByRole('button', { name: 'Load more' }).count()).to.equal(0);
    expect((await logRows(page)).map((row) => row['Belongs To']).slice(0, 2)).to.deep.equal([MIDDLE_SCHOOL, PARTNER_HIGH]);
    await expectAccessible(page);

    // A new upload lands on top; the older ones loaded below stay.
    await uploadFile(kit.server, siteAdminToken, { schoolSiteId: sites[PARTNER_HIGH], content: wrongColumns, fileName: 'file-31.csv' });
    await page.getByRole('status').filter({ hasText: 'Showing 31 of 31 uploads, newest first.' }).waitFor();
    expect((await logRows(page)).map((row) => row['File Name'])).to.deep.equal(['file-31.csv', ...names]);
  });

  it("when the completion email's link is opened, then the log shows with that batch's failures open, a page at a time", async () => {
    const rows = educatorRows(30, 1, { role: 'Principal' });
    const batch = await uploadFile(kit.server, siteAdminToken, { schoolSiteId: sites[PARTNER_HIGH], content: csvFile(rows), fileName: 'principals.csv' });
    await kit.server.processUploads();
    const completion = (await kit.server.deliveredEmails()).find((email) => email.includes('Subject: Upload of principals.csv finished'))!;
    const link = linkIn(completion, `${kit.server.application.config.publicUrl}/batches/`);
    expect(link).to.equal(`${kit.server.application.config.publicUrl}/batches/${batch.id}`);

    const page = await openSignedIn(kit, kit.server.demo.siteAdminEmail, new URL(link).pathname);

    const failures = page.getByRole('table', { name: 'Failed rows in principals.csv' });
    await failures.waitFor();
    const firstPage = await tableRows(failures);
    expect(firstPage.map((row) => row['Line Number'])).to.deep.equal(Array.from({ length: 25 }, (_, index) => String(index + 2)));
    expect(firstPage[0]).to.deep.include({ Type: 'Principal', 'School Name': PARTNER_HIGH, 'File Name': 'principals.csv' });
    await page.getByRole('status').filter({ hasText: 'Rows 1 to 25 of 30 failed rows.' }).waitFor();
    await expectAccessible(page);
    await screenshot(page, 'failures-page-1', database);

    await page.getByRole('button', { name: 'Next page' }).click();

    await page.getByRole('status').filter({ hasText: 'Rows 26 to 30 of 30 failed rows.' }).waitFor();
    expect((await tableRows(failures)).map((row) => row['Line Number'])).to.deep.equal(['27', '28', '29', '30', '31']);
    await page.getByRole('button', { name: 'Previous page' }).click();
    await page.getByRole('status').filter({ hasText: 'Rows 1 to 25 of 30 failed rows.' }).waitFor();
  });

  it("when a rejected file's row is in the log, then its reason shows there and on its own page, which says nothing was created", async () => {
    const batch = await uploadFile(kit.server, siteAdminToken, { schoolSiteId: sites[PARTNER_HIGH], content: wrongColumns, fileName: 'wrong.csv' });

    const page = await openSignedIn(kit, kit.server.demo.siteAdminEmail, `/batches/${batch.id}`);

    await waitForLogRow(page, 'wrong.csv', { Status: /^Rejected: Missing columns: First Name, Last Name, User Role\./ });
    await page.getByRole('alert').filter({ hasText: 'The whole file was rejected' }).filter({ hasText: 'Nothing was created.' }).waitFor();
    await page.setViewportSize({ width: 320, height: 800 });
    await expectNoHorizontalScroll(page);
    await expectAccessible(page);
    await screenshot(page, 'rejected-320px', database);
  });

  it('when a batch has FAILED, then the log and its own page show why, with the reference to give support', async () => {
    const batch = await uploadFile(kit.server, siteAdminToken, {
      schoolSiteId: sites[PARTNER_HIGH],
      content: csvFile(educatorRows(4)),
      fileName: 'stopped.csv',
    });
    // As the worker leaves a batch whose attempts all failed: what landed stays counted.
    await kit.server.application.dataSource.query(
      "UPDATE upload_batch SET status = 'FAILED', start_time = ?, end_time = ?, records_processed = 2, records_created = 2, failure_reason = ? WHERE id = ?",
      [
        kit.server.clock.now().getTime(),
        kit.server.clock.now().getTime(),
        'Processing stopped after 3 attempts.',
        kit.server.application.publicIds.decode('batch', batch.id),
      ],
    );
    await kit.server.application.dataSource.query('UPDATE upload_log_version SET version = version + 1');

    const page = await openSignedIn(kit, kit.server.demo.siteAdminEmail, `/batches/${batch.id}`);

    await waitForLogRow(page, 'stopped.csv', { Status: `Failed: Processing stopped after 3 attempts. Reference: ${batch.id}.`, Created: '2' });
    await page
      .getByRole('alert')
      .filter({ hasText: 'Processing of this file stopped' })
      .filter({ hasText: `Reference: ${batch.id}.` })
      .waitFor();
    await expectAccessible(page);
    await screenshot(page, 'failed-batch', database);
  });

  it('when a batch of another district is asked for by its address, then the page says it does not exist or is not theirs', async () => {
    const page = await openSignedIn(kit, kit.server.demo.siteAdminEmail, '/batches/not-a-batch');

    await page.getByRole('alert').filter({ hasText: 'This upload does not exist, or it belongs to a school site you do not manage.' }).waitFor();
  });
});
