import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { describeOnEachDatabase } from '../support/databases';
import { csvFile, educatorRows, type EducatorRow } from '../support/csv-fixtures';
import { countRows, PARTNER_HIGH, siteIdsByName, uploadFile } from '../integration/uploads/upload-kit';
import { browserKitFor, expectAccessible, expectNoHorizontalScroll, isFocused, openSignedIn, screenshot, tick } from './support/browser-kit';
import { csvUpload, tableRows, waitForLogRow } from './support/upload-log-page';

/** Lines 2–9 hold eight educators; line 7 repeats the District Admin's email (taken at another site) and line 8 names no role. */
const checkedRows = (): EducatorRow[] => {
  const rows = educatorRows(8);
  rows[5] = { ...rows[5], email: 'district.admin@demo-usd.example.org' };
  rows[6] = { ...rows[6], role: 'Principal' };
  return rows;
};

describeOnEachDatabase('The web page: a check as a preview, corrected and then created', (database) => {
  const kit = browserKitFor(database);

  const checkInPage = async (page: Page, fileName: string) => {
    await page.getByRole('tab', { name: 'Create Multiple Accounts' }).click();
    await page.getByLabel('CSV file').setInputFiles(csvUpload(fileName, csvFile(checkedRows())));
    await tick(page.getByRole('checkbox', { name: /agreement/ }));
    await tick(page.getByRole('checkbox', { name: 'Check the file only (create nothing)' }));
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `${fileName} is being checked` })
      .waitFor();
  };
  const preview = (page: Page, fileName: string) => page.getByRole('region', { name: `Preview of ${fileName}` });

  it('when a check has finished, then the page previews the counts and each failing row; a row corrected in the page is then created from the same file', async () => {
    const page = await openSignedIn(kit, kit.server.demo.siteAdminEmail);
    await checkInPage(page, 'staff.csv');
    await kit.server.processUploads();

    const shown = preview(page, 'staff.csv');
    await shown.getByRole('table', { name: 'Rows that would fail in staff.csv' }).waitFor();
    expect(await shown.getByRole('listitem').allTextContents()).to.deep.equal(['6 would be created', '0 already exist and would be skipped', '2 would fail']);
    const failing = shown.getByRole('table', { name: 'Rows that would fail in staff.csv' });
    expect((await tableRows(failing)).map((row) => [row['Line Number'], row.Email, row['User Role'], row.Reason])).to.deep.equal([
      ['7', 'district.admin@demo-usd.example.org', 'Educator', 'Email has already been taken'],
      ['8', 'educator7@partner-high.example.org', 'Principal', '"Principal" is not a role. Use Educator, Counselor—Caseload Only, Counselor or Site Admin.'],
    ]);
    await expectAccessible(page);
    await screenshot(page, 'check-preview', database);

    await shown.getByRole('button', { name: 'Correct line 8' }).click();
    const form = shown.getByRole('form', { name: 'Correct line 8' });
    expect(await isFocused(form.getByLabel('First Name')), 'the form takes the focus').to.equal(true);
    await form.getByLabel('Email').fill('not an email');
    await form.getByRole('combobox', { name: 'User Role' }).selectOption({ label: 'Counselor' });
    await form.getByRole('button', { name: 'Save correction' }).click();
    const email = form.getByLabel('Email');
    await page.waitForSelector('#correct-email[aria-invalid="true"]');
    expect(await isFocused(email), 'the refused field takes the focus').to.equal(true);
    await expectAccessible(page);
    await screenshot(page, 'check-preview-correction', database);
    await email.fill('ada.counselor@partner-high.example.org');
    await form.getByRole('button', { name: 'Save correction' }).click();

    await shown.getByRole('status').filter({ hasText: 'Line 8 is corrected' }).waitFor();
    expect(await isFocused(shown.getByRole('button', { name: 'Change line 8' })), 'the focus goes back to the row').to.equal(true);
    const corrected = (await tableRows(failing)).find((row) => row['Line Number'] === '8')!;
    expect(corrected).to.deep.include({ Email: 'ada.counselor@partner-high.example.org', 'User Role': 'Counselor' });
    expect(corrected.Reason).to.match(/^Corrected: these values replace the line/);
    expect(await shown.getByRole('listitem').nth(2).textContent()).to.equal('2 would fail (1 row corrected below)');
    await expectAccessible(page);
    await expectNoHorizontalScroll(page);

    await shown.getByRole('button', { name: 'Create accounts' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create these accounts?' });
    await dialog.getByRole('button', { name: 'Yes, create the accounts' }).click();
    await shown.getByRole('status').filter({ hasText: 'The accounts of staff.csv are being created' }).waitFor();
    await kit.server.processUploads();

    const run = await waitForLogRow(page, 'staff.csv', { Status: /^Completed/ });
    expect(run).to.deep.include({
      Status: 'Completed created from a check, 1 row corrected in the page',
      'Record Processed': '8',
      Created: '7',
      Skipped: '0',
      'Record Failed': '1 failed row in staff.csv',
    });
    expect(await countRows(kit.server, "educator_account WHERE email = 'ada.counselor@partner-high.example.org' AND role_code = 'COUNSELOR'")).to.equal(1);
    expect(await countRows(kit.server, 'upload_batch')).to.equal(2);
    expect(await shown.getByRole('button', { name: 'Create accounts' }).count(), 'a check creates its accounts once').to.equal(0);
    await screenshot(page, 'check-preview-created', database);
  });

  it('when a check finished outside the page, then its log row leads to the preview, and "Create accounts" creates what it said', async () => {
    const siteId = (await siteIdsByName(kit.server))[PARTNER_HIGH];
    const token = await kit.server.signIn(kit.server.demo.siteAdminEmail);
    await uploadFile(kit.server, token, { schoolSiteId: siteId, content: csvFile(educatorRows(3)), fileName: 'three.csv', dryRun: true });
    await kit.server.processUploads();
    const page = await openSignedIn(kit, kit.server.demo.siteAdminEmail);
    await waitForLogRow(page, 'three.csv', { Status: 'Checked (nothing created)' });

    await page.getByRole('link', { name: 'Preview and create the accounts of three.csv' }).click();

    const shown = preview(page, 'three.csv');
    await shown.getByText('3 would be created').waitFor();
    expect(await shown.getByRole('table').count(), 'no row would fail').to.equal(0);
    await expectAccessible(page);
    await shown.getByRole('button', { name: 'Create accounts' }).click();
    await page.getByRole('dialog', { name: 'Create these accounts?' }).getByRole('button', { name: 'Yes, create the accounts' }).click();
    await shown.getByRole('status').filter({ hasText: 'being created' }).waitFor();
    await kit.server.processUploads();
    await waitForLogRow(page, 'three.csv', { Status: 'Completed created from a check', Created: '3' });
    expect(await countRows(kit.server, 'educator_account WHERE source_batch_id IS NOT NULL')).to.equal(3);
  });
});
