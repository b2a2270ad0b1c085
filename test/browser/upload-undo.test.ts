import { expect } from 'chai';
import { describeOnEachDatabase } from '../support/databases';
import { csvFile, educatorRows } from '../support/csv-fixtures';
import { PARTNER_HIGH, countRows, invitationsIn, recipientOf, siteIdsByName, uploadFile } from '../integration/uploads/upload-kit';
import { browserKitFor, expectAccessible, openSignedIn, screenshot } from './support/browser-kit';
import { waitForLogRow } from './support/upload-log-page';

describeOnEachDatabase('The web page: cancelling and undoing an upload from the log', (database) => {
  const kit = browserKitFor(database);
  let sites: Record<string, string>;
  let siteAdminToken: string;

  beforeEach(async () => {
    sites = await siteIdsByName(kit.server);
    siteAdminToken = await kit.server.signIn(kit.server.demo.siteAdminEmail);
  });

  const accountsOf = (batchId: string) =>
    countRows(kit.server, 'educator_account WHERE source_batch_id = ?', [kit.server.application.publicIds.decode('batch', batchId)]);

  /** Registers one of the batch's accounts with the code its invitation carried, as its owner would. */
  const registerFromInvitation = async (email: string) => {
    const invitation = invitationsIn(await kit.server.deliveredEmails()).find((text) => recipientOf(text) === email)!;
    const registrationCode = /Registration code: (\S+)/.exec(invitation)![1];
    const registered = await kit.server.graphql('mutation($input: RegisterAccountInput!) { registerAccount(input: $input) { userErrors { code } } }', {
      input: { email, registrationCode, password: 'a long enough password 123', educationalInterestAccepted: true },
    });
    expect(registered.data.registerAccount.userErrors, registered.text).to.deep.equal([]);
  };

  it('when an admin undoes a finished upload, then the page asks first with the counts, then says what was removed and kept, and the log shows it UNDONE', async () => {
    const batch = await uploadFile(kit.server, siteAdminToken, {
      schoolSiteId: sites[PARTNER_HIGH],
      content: csvFile(educatorRows(4)),
      fileName: 'undo-me.csv',
    });
    await kit.server.processUploads();
    await registerFromInvitation('educator1@partner-high.example.org');
    const page = await openSignedIn(kit, kit.server.demo.siteAdminEmail);
    await waitForLogRow(page, 'undo-me.csv', { Status: 'Completed', Created: '4' });

    await page.getByRole('button', { name: 'Undo upload of undo-me.csv' }).click();
    const dialog = page.getByRole('dialog', { name: 'Undo this upload?' });
    await dialog.waitFor();
    expect(await dialog.textContent()).to.include(
      'Undo this upload of undo-me.csv? 3 accounts still pending registration will be removed; 1 registered account will be kept.',
    );
    await expectAccessible(page);
    await screenshot(page, 'upload-undo-confirm', database);
    await dialog.getByRole('button', { name: 'Undo upload' }).click();

    const outcome = page.getByRole('status').filter({ hasText: 'was undone' });
    await outcome.waitFor();
    expect(await outcome.textContent()).to.equal(
      'The upload of undo-me.csv was undone: 3 pending accounts removed, 1 registered account kept (educator1@partner-high.example.org).',
    );
    await waitForLogRow(page, 'undo-me.csv', { Status: 'Undone: 3 pending removed, 1 registered kept', Actions: '' });
    expect(await accountsOf(batch.id)).to.equal(1);
    await expectAccessible(page);
    await screenshot(page, 'upload-undo-done', database);
  });

  it('when an admin cancels a waiting upload, then it is CANCELLED, shows so, and creates nothing', async () => {
    const batch = await uploadFile(kit.server, siteAdminToken, {
      schoolSiteId: sites[PARTNER_HIGH],
      content: csvFile(educatorRows(5)),
      fileName: 'waiting.csv',
    });
    const page = await openSignedIn(kit, kit.server.demo.siteAdminEmail);
    await waitForLogRow(page, 'waiting.csv', { Status: 'Waiting to start' });

    await page.getByRole('button', { name: 'Cancel upload of waiting.csv' }).click();
    const dialog = page.getByRole('dialog', { name: 'Cancel this upload?' });
    expect(await dialog.textContent()).to.include('Cancel this upload of waiting.csv? It has not started: no account will be created.');
    await dialog.getByRole('button', { name: 'Cancel upload' }).click();

    await page.getByRole('status').filter({ hasText: 'The upload of waiting.csv was cancelled. No account was created.' }).waitFor();
    await waitForLogRow(page, 'waiting.csv', { Status: 'Cancelled after 0 of 5 rows; 0 created before it stopped', Actions: '' });
    expect(await kit.server.processUploads()).to.equal(0);
    expect(await accountsOf(batch.id)).to.equal(0);
  });

  it('when the upload finished while the admin was confirming its cancel, then the refusal is shown as an alert and the accounts stay', async () => {
    const batch = await uploadFile(kit.server, siteAdminToken, {
      schoolSiteId: sites[PARTNER_HIGH],
      content: csvFile(educatorRows(2)),
      fileName: 'too-late.csv',
    });
    const page = await openSignedIn(kit, kit.server.demo.siteAdminEmail);
    await waitForLogRow(page, 'too-late.csv', { Status: 'Waiting to start' });
    await page.getByRole('button', { name: 'Cancel upload of too-late.csv' }).click();
    const dialog = page.getByRole('dialog', { name: 'Cancel this upload?' });
    await dialog.waitFor();

    await kit.server.processUploads();
    await dialog.getByRole('button', { name: 'Cancel upload' }).click();

    const refusal = page.getByRole('alert').filter({ hasText: 'already finished' });
    await refusal.waitFor();
    expect(await refusal.textContent()).to.equal(
      'This upload has already finished, so it can no longer be cancelled. To remove the accounts it created, use "Undo upload".',
    );
    expect(await accountsOf(batch.id)).to.equal(2);
    await expectAccessible(page);
  });
});
