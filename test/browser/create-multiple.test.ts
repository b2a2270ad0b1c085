import { expect } from 'chai';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { describeOnEachDatabase } from '../support/databases';
import { csvFile, educatorRows, FIX_FILE_HEADER, parseCsv, rawFile, TEMPLATE_HEADER, type EducatorRow } from '../support/csv-fixtures';
import { countRows, PARTNER_HIGH, siteIdsByName, uploadFile } from '../integration/uploads/upload-kit';
import { browserKitFor, expectAccessible, expectNoHorizontalScroll, isFocused, openSignedIn, screenshot, tabTo, tick } from './support/browser-kit';
import { chooseFileByKeyboard, csvUpload, download, dropFile, expectSameDocument, markDocument, tableRows, waitForLogRow } from './support/upload-log-page';

/** The seed's file: lines 2–9 hold eight educators, and line 7 (the sixth row) repeats the District Admin's email. */
const seedRows = (): EducatorRow[] => {
  const rows = educatorRows(8);
  rows[5] = { ...rows[5], email: 'district.admin@demo-usd.example.org', role: 'Counselor - Caseload Only' };
  return rows;
};
const fixedRows = (): EducatorRow[] => {
  const rows = seedRows();
  rows[5] = { ...rows[5], email: 'educator6@partner-high.example.org' };
  return rows;
};

describeOnEachDatabase('The web page: creating accounts from a file', (database) => {
  const kit = browserKitFor(database);

  const openUploads = async (email = kit.server.demo.siteAdminEmail): Promise<Page> => {
    const page = await openSignedIn(kit, email);
    await page.getByRole('tab', { name: 'Create Multiple Accounts' }).click();
    return page;
  };
  /** The seed's file uploaded and processed outside the page, as another admin or process would. */
  const seedBatchProcessed = async () => {
    const siteId = (await siteIdsByName(kit.server))[PARTNER_HIGH];
    const token = await kit.server.signIn(kit.server.demo.siteAdminEmail);
    const batch = await uploadFile(kit.server, token, { schoolSiteId: siteId, content: csvFile(seedRows()), fileName: 'partner-high.csv' });
    await kit.server.processUploads();
    return batch;
  };
  const confirmUpload = async (page: Page) => {
    const dialog = page.getByRole('dialog', { name: 'Create these accounts?' });
    await dialog.getByRole('button', { name: 'Yes, create the accounts' }).click();
    await dialog.waitFor({ state: 'hidden' });
  };

  it('when the Site Admin follows "Download Template", then the browser saves the template: its header line alone', async () => {
    const page = await openUploads();
    const panel = page.getByRole('tabpanel', { name: 'Create Multiple Accounts' });
    expect(await panel.getByText(PARTNER_HIGH, { exact: true }).count(), "the Site Admin's own site is shown").to.equal(1);
    expect(await panel.getByRole('combobox', { name: 'School Site' }).count(), 'and not chosen').to.equal(0);

    const saved = await download(page, page.getByRole('link', { name: 'Download Template', exact: true }));

    expect(saved.fileName).to.equal('educator-accounts-template.csv');
    expect(saved.text).to.equal(`${TEMPLATE_HEADER.join(',')}\r\n`);
    await expectAccessible(page);
    await screenshot(page, 'create-multiple', database);
  });

  it('when the Site Admin follows "Download Template (Excel)", then the browser saves a workbook with the same headings, its columns formatted as Text', async () => {
    const page = await openUploads();

    const saved = await download(page, page.getByRole('link', { name: 'Download Template (Excel)' }));

    expect(saved.fileName).to.equal('educator-accounts-template.xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(await saved.download.path());
    const [educators, instructions] = workbook.worksheets;
    expect(educators.getRow(1).values).to.deep.equal([undefined, ...TEMPLATE_HEADER]);
    expect(educators.getRow(1).font?.bold).to.equal(true);
    expect(educators.views[0]).to.deep.include({ state: 'frozen', ySplit: 1 });
    expect(TEMPLATE_HEADER.map((_, index) => educators.getColumn(index + 1).numFmt)).to.deep.equal(['@', '@', '@', '@']);
    expect(instructions.name).to.equal('Instructions');
    await expectAccessible(page);
  });

  it("when the seed's 8-row file is uploaded by keyboard alone, then the log shows it queued, then completed (7 created, 1 failed), no reload", async () => {
    const page = await openSignedIn(kit, kit.server.demo.siteAdminEmail);
    await markDocument(page);
    await tabTo(page, page.getByRole('tab', { name: 'Create Single Account' }));
    await page.keyboard.press('ArrowRight');
    expect(await isFocused(page.getByRole('tab', { name: 'Create Multiple Accounts' }))).to.equal(true);
    await tabTo(page, page.getByLabel('CSV file'));
    await chooseFileByKeyboard(page, csvUpload('partner-high.csv', csvFile(seedRows())));
    await tabTo(page, page.getByRole('checkbox', { name: /agreement/ }));
    await page.keyboard.press('Space');
    await tabTo(page, page.getByRole('button', { name: 'Upload', exact: true }));
    await page.keyboard.press('Enter');
    const confirm = page.getByRole('dialog', { name: 'Create these accounts?' }).getByRole('button', { name: 'Yes, create the accounts' });
    await confirm.waitFor();
    expect(await isFocused(confirm), 'the dialog takes the focus').to.equal(true);
    await expectAccessible(page);
    await page.keyboard.press('Enter');

    await page.getByRole('status').filter({ hasText: 'partner-high.csv is queued' }).waitFor();
    await waitForLogRow(page, 'partner-high.csv', {
      Status: 'Waiting to start',
      'Belongs To': PARTNER_HIGH,
      'Uploaded By': 'Sam Site',
      'Record Processed': '0',
    });
    await screenshot(page, 'upload-queued', database);
    await kit.server.processUploads();
    const done = await waitForLogRow(page, 'partner-high.csv', { Status: 'Completed' });

    expect(done).to.deep.include({ 'Record Processed': '8', Created: '7', Skipped: '0', 'Record Failed': '1 failed row in partner-high.csv' });
    expect(done['Start Time']).to.not.equal('–');
    expect(done['End Time']).to.not.equal('–');
    await expectSameDocument(page);
    expect(await countRows(kit.server, 'educator_account WHERE source_batch_id IS NOT NULL')).to.equal(7);
    await expectAccessible(page);
    await screenshot(page, 'upload-completed', database);
  });

  it("when Record Failed is followed, then the batch's failures show under a caption naming the file, and the fix file downloads", async () => {
    await seedBatchProcessed();
    const page = await openUploads();
    await waitForLogRow(page, 'partner-high.csv', { Status: 'Completed' });

    await page.getByRole('link', { name: '1 failed row in partner-high.csv' }).click();

    const failures = page.getByRole('table', { name: 'Failed rows in partner-high.csv' });
    await failures.waitFor();
    expect(new URL(page.url()).pathname).to.match(/^\/batches\/[\w-]+$/);
    expect(await failures.getByRole('columnheader').allTextContents()).to.deep.equal(['School Name', 'File Name', 'Type', 'Message', 'Reason', 'Line Number']);
    expect(await tableRows(failures)).to.deep.equal([
      {
        'School Name': PARTNER_HIGH,
        'File Name': 'partner-high.csv',
        Type: 'Counselor - Caseload Only',
        Message: 'Counselor - Caseload Only with email district.admin@demo-usd.example.org - not imported',
        Reason: 'Email has already been taken',
        'Line Number': '7',
      },
    ]);
    const fix = await download(page, page.getByRole('link', { name: 'Download failed rows' }));
    expect(fix.fileName).to.equal('partner-high-failures.csv');
    expect(parseCsv(fix.text.replace(/^\uFEFF/, ''))).to.deep.equal([
      FIX_FILE_HEADER,
      ['First6', 'Last6', 'district.admin@demo-usd.example.org', 'Counselor - Caseload Only', '7', 'Email has already been taken'],
    ]);
    await expectAccessible(page);
    await screenshot(page, 'upload-failures', database);
    // A 1280 px window at 200% zoom is 640 CSS pixels wide; at 400%, 320.
    for (const width of [640, 320]) {
      await page.setViewportSize({ width, height: 800 });
      await expectNoHorizontalScroll(page);
      await screenshot(page, `upload-failures-${width}px`, database);
    }
  });

  it('when the fixed file is dropped onto the file input and uploaded, then only the fixed row is created and the other seven are skipped', async () => {
    await seedBatchProcessed();
    const page = await openUploads();

    await dropFile(page, page.getByLabel('CSV file'), 'partner-high.csv', csvFile(fixedRows()));
    await page.getByText('Chosen: partner-high.csv').waitFor();
    await tick(page.getByRole('checkbox', { name: /agreement/ }));
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await confirmUpload(page);
    await page.getByRole('status').filter({ hasText: 'partner-high.csv is queued' }).waitFor();
    await kit.server.processUploads();

    const rows = await waitForLogRow(page, 'partner-high.csv', { Status: 'Completed', Created: '1' });
    expect(rows).to.deep.include({ 'Record Processed': '8', Skipped: '7', 'Record Failed': '0' });
    expect(await countRows(kit.server, 'educator_account WHERE email_normalized = ?', ['educator6@partner-high.example.org'])).to.equal(1);
    await screenshot(page, 'upload-fixed', database);
  });

  it('when the file has the wrong columns, then the answer is an alert with the reason, and the log shows it rejected with the reason', async () => {
    const page = await openUploads();
    await page.getByLabel('CSV file').setInputFiles(csvUpload('wrong-columns.csv', rawFile(['Name,Email', 'Ana,ana@example.org'])));
    await tick(page.getByRole('checkbox', { name: /agreement/ }));

    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await confirmUpload(page);

    const reason = 'Missing columns: First Name, Last Name, User Role. Unexpected column: Name. Expected: First Name, Last Name, Email, User Role';
    await page.getByRole('alert').filter({ hasText: 'wrong-columns.csv was not accepted' }).filter({ hasText: reason }).waitFor();
    await waitForLogRow(page, 'wrong-columns.csv', { Status: `Rejected: ${reason}` });
    expect(await countRows(kit.server, 'educator_account')).to.equal(2);
    await expectAccessible(page);
    await screenshot(page, 'upload-rejected', database);
  });

  it('when "Check the file only" is ticked, then the file is checked without a confirmation, the log says nothing was created, and nothing is', async () => {
    const page = await openUploads(kit.server.demo.districtAdminEmail);
    await page.getByRole('combobox', { name: 'School Site' }).selectOption({ label: PARTNER_HIGH });
    await page.getByLabel('CSV file').setInputFiles(csvUpload('partner-high.csv', csvFile(seedRows())));
    await tick(page.getByRole('checkbox', { name: /agreement/ }));
    await tick(page.getByRole('checkbox', { name: 'Check the file only (create nothing)' }));

    await page.getByRole('button', { name: 'Upload', exact: true }).click();

    await page.getByRole('status').filter({ hasText: 'partner-high.csv is being checked' }).waitFor();
    await kit.server.processUploads();
    await waitForLogRow(page, 'partner-high.csv', {
      Status: 'Checked (nothing created)',
      Created: '7',
      'Record Failed': '1 failed row in partner-high.csv',
      'Uploaded By': 'Dana District',
    });
    expect(await countRows(kit.server, 'educator_account')).to.equal(2);
  });

  it('when no file is chosen, then the page says so beside the file input and moves the focus there', async () => {
    const page = await openUploads();
    await tick(page.getByRole('checkbox', { name: /agreement/ }));

    await page.getByRole('button', { name: 'Upload', exact: true }).click();

    const input = page.getByLabel('CSV file');
    await page.getByText('Choose the CSV file or Excel workbook to upload.').waitFor();
    expect(await input.getAttribute('aria-invalid')).to.equal('true');
    expect(await isFocused(input)).to.equal(true);
    await expectAccessible(page);
  });

  it('when the file goes up slowly, then a progress bar shows the bytes sent', async () => {
    const page = await openUploads();
    const cdp = await kit.browser.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 200 * 1024 });
    const rows = educatorRows(8000);
    await page.getByLabel('CSV file').setInputFiles(csvUpload('large.csv', csvFile(rows)));
    await tick(page.getByRole('checkbox', { name: /agreement/ }));
    await tick(page.getByRole('checkbox', { name: 'Check the file only (create nothing)' }));

    await page.getByRole('button', { name: 'Upload', exact: true }).click();

    const progress = page.getByRole('progressbar');
    await page.getByText(/^File sent: [\d.]+ KB of [\d.]+ KB$/).waitFor();
    const { value, max } = await progress.evaluate((element: { value: number; max: number }) => ({ value: element.value, max: element.max }));
    expect(max).to.be.greaterThan(300_000);
    expect(value).to.be.at.most(max);
    await expectAccessible(page);
    await screenshot(page, 'upload-progress', database);
    await page.getByRole('status').filter({ hasText: 'large.csv is being checked' }).waitFor({ timeout: 20_000 });
    expect(await progress.count(), 'the bar goes once the file is up').to.equal(0);
    await cdp.detach();
  });
});
