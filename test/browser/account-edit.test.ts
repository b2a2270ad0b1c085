import { expect } from 'chai';
import { describeOnEachDatabase } from '../support/databases';
import { MIDDLE_SCHOOL, siteIdsByName } from '../integration/uploads/upload-kit';
import { browserKitFor, descriptionOf, emailText, expectAccessible, openSignedIn, screenshot } from './support/browser-kit';

const CREATE = `mutation($input: CreateEducatorAccountInput!) { createEducatorAccount(input: $input) { userErrors { code } } }`;

describeOnEachDatabase('The web page: editing an account in the Accounts tab', (database) => {
  const kit = browserKitFor(database);

  it("when the District Admin corrects a pending account's email, then the list shows it and says so; a taken email is refused beside its field", async () => {
    const sites = await siteIdsByName(kit.server);
    const token = await kit.server.signIn(kit.server.demo.districtAdminEmail);
    for (const [firstName, email] of [
      ['Ada', 'ada@typo.example.org'],
      ['Grace', 'grace@example.org'],
    ]) {
      const answer = await kit.server.graphql(
        CREATE,
        { input: { firstName, lastName: 'Lovelace', email, roleCode: 'EDUCATOR', schoolSiteIds: [sites[MIDDLE_SCHOOL]], agreementAccepted: true } },
        token,
      );
      expect(answer.data.createEducatorAccount.userErrors, answer.text).to.deep.equal([]);
    }
    await kit.server.deliveredEmails();

    const page = await openSignedIn(kit, kit.server.demo.districtAdminEmail);
    await page.getByRole('tab', { name: 'Accounts', exact: true }).click();
    const table = page.getByRole('table', { name: /Accounts/ });
    await table.getByRole('rowheader', { name: 'Ada Lovelace' }).waitFor();

    await page.getByRole('button', { name: 'Edit Ada Lovelace' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit Ada Lovelace' });
    const email = dialog.getByRole('textbox', { name: 'Email' });
    expect(await email.inputValue()).to.equal('ada@typo.example.org');
    expect(await dialog.getByRole('combobox', { name: 'School Site' }).inputValue()).to.equal(sites[MIDDLE_SCHOOL]);

    await email.fill('grace@example.org');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await dialog.getByRole('alert').filter({ hasText: 'There is a problem' }).waitFor();
    expect(await descriptionOf(email)).to.include('Email has already been taken.');
    expect(await email.getAttribute('aria-invalid')).to.equal('true');
    await expectAccessible(page);
    await screenshot(page, 'account-edit-refused', database);

    await email.fill('ada@example.org');
    await dialog.getByRole('textbox', { name: 'Last Name' }).fill('King');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: "The changes to Ada King's account are saved. A new invitation is on its way to ada@example.org." })
      .waitFor();
    await dialog.waitFor({ state: 'hidden' });
    const row = page.getByRole('row', { name: /Ada King/ });
    await row.getByText('ada@example.org', { exact: true }).waitFor();
    const delivered = await kit.server.deliveredEmails();
    expect(delivered.map((eml) => /^To: (\S+)$/m.exec(eml)![1])).to.deep.equal(['ada@example.org']);
    expect(emailText(delivered[0])).to.include('Hello Ada,');
    await expectAccessible(page);
    await screenshot(page, 'account-edit-saved', database);
  });
});
