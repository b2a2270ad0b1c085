import { expect } from 'chai';
import { describeOnEachDatabase } from '../support/databases';
import { MIDDLE_SCHOOL, siteIdsByName } from '../integration/uploads/upload-kit';
import { browserKitFor, expectAccessible, openSignedIn, screenshot } from './support/browser-kit';

const SIGN_IN = `mutation($input: SignInInput!) { signIn(input: $input) { token userErrors { code } } }`;
const CREATE = `mutation($input: CreateEducatorAccountInput!) { createEducatorAccount(input: $input) { userErrors { code } } }`;

describeOnEachDatabase('The web page: the Accounts tab', (database) => {
  const kit = browserKitFor(database);

  it('when the District Admin filters a site, resends an invitation and recreates the expired accounts, then the table and the messages say so', async () => {
    const sites = await siteIdsByName(kit.server);
    let token = await kit.server.signIn(kit.server.demo.districtAdminEmail);
    const create = async (firstName: string, lastName: string, email: string) => {
      const answer = await kit.server.graphql(
        CREATE,
        { input: { firstName, lastName, email, roleCode: 'EDUCATOR', schoolSiteIds: [sites[MIDDLE_SCHOOL]], agreementAccepted: true } },
        token,
      );
      expect(answer.data.createEducatorAccount.userErrors, answer.text).to.deep.equal([]);
    };
    await create('Old', 'Timer', 'old@example.org');
    kit.server.clock.advanceDays(61);
    token = await kit.server.signIn(kit.server.demo.districtAdminEmail);
    await create('Ada', 'Lovelace', 'ada@example.org');

    const page = await openSignedIn(kit, kit.server.demo.districtAdminEmail);
    await page.getByRole('tab', { name: 'Accounts', exact: true }).click();
    await page.getByRole('combobox', { name: 'School site' }).selectOption({ label: MIDDLE_SCHOOL });
    const table = page.getByRole('table', { name: /Accounts at Demo Middle School/ });
    await table.getByRole('rowheader', { name: 'Ada Lovelace' }).waitFor();
    expect(await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href')).to.equal(`/accounts.csv?schoolSiteId=${sites[MIDDLE_SCHOOL]}`);

    await page.getByRole('button', { name: 'Resend invitation to Ada Lovelace' }).click();
    await page.getByRole('status').filter({ hasText: 'The invitation was sent again to Ada Lovelace.' }).waitFor();
    await page.getByRole('button', { name: 'Resend invitation to Ada Lovelace' }).click();
    await page.getByRole('alert').filter({ hasText: 'You can send it once more at' }).waitFor();

    await page.getByRole('button', { name: 'Recreate expired accounts' }).click();
    const dialog = page.getByRole('dialog', { name: 'Recreate expired accounts?' });
    expect(await dialog.textContent()).to.include('1 expired accounts at Demo Middle School');
    await dialog.getByRole('button', { name: 'Recreate 1 accounts' }).click();
    await page.getByRole('status').filter({ hasText: '1 accounts were created again.' }).waitFor();
    await page.getByRole('button', { name: 'Resend invitation to Old Timer' }).waitFor();

    await page.getByRole('searchbox', { name: 'Search' }).fill('lov');
    await table.getByRole('rowheader', { name: 'Old Timer' }).waitFor({ state: 'detached' });
    // The table may be between answers (empty) when the old row goes: wait for the searched one before reading.
    await table.getByRole('rowheader', { name: 'Ada Lovelace' }).waitFor();
    expect(await table.getByRole('rowheader').allTextContents()).to.deep.equal(['Ada Lovelace']);
    expect(await page.getByRole('button', { name: 'Previous page' }).isDisabled()).to.equal(true);
    expect(await page.getByRole('button', { name: 'Next page' }).isDisabled()).to.equal(true);
    await expectAccessible(page);
    await screenshot(page, 'accounts-tab', database);
  });
  it('when the District Admin deactivates an account after confirming, then the row shows it Deactivated, and Reactivate brings it back', async () => {
    const sites = await siteIdsByName(kit.server);
    const token = await kit.server.signIn(kit.server.demo.districtAdminEmail);
    const answer = await kit.server.graphql(
      CREATE,
      {
        input: {
          firstName: 'Grace',
          lastName: 'Hopper',
          email: 'grace@example.org',
          roleCode: 'EDUCATOR',
          schoolSiteIds: [sites[MIDDLE_SCHOOL]],
          agreementAccepted: true,
        },
      },
      token,
    );
    expect(answer.data.createEducatorAccount.userErrors, answer.text).to.deep.equal([]);

    const page = await openSignedIn(kit, kit.server.demo.districtAdminEmail);
    await page.getByRole('tab', { name: 'Accounts', exact: true }).click();
    await page.getByRole('combobox', { name: 'School site' }).selectOption({ label: MIDDLE_SCHOOL });
    const row = page.getByRole('row', { name: /Grace Hopper/ });
    await row.waitFor();

    await page.getByRole('button', { name: 'Deactivate Grace Hopper' }).click();
    const dialog = page.getByRole('dialog', { name: 'Deactivate Grace Hopper?' });
    expect(await dialog.textContent()).to.include('will be signed out everywhere at once');
    await expectAccessible(page);
    await dialog.getByRole('button', { name: 'Deactivate account' }).click();
    await page.getByRole('status').filter({ hasText: "Grace Hopper's account was deactivated" }).waitFor();
    await row.getByText('Deactivated').waitFor();
    const [stored]: { deactivated_at: unknown }[] = await kit.server.application.dataSource.query(
      "SELECT deactivated_at FROM educator_account WHERE email_normalized = 'grace@example.org'",
    );
    expect(stored.deactivated_at).to.not.equal(null);

    await page.getByRole('button', { name: 'Reactivate Grace Hopper' }).click();
    await page.getByRole('status').filter({ hasText: "Grace Hopper's account was reactivated." }).waitFor();
    await page.getByRole('button', { name: 'Resend invitation to Grace Hopper' }).waitFor();
    await expectAccessible(page);
    await screenshot(page, 'accounts-deactivated', database);
  });
  it('when the District Admin unlocks a locked-out Site Admin, then the page says so and the right password signs in at once', async () => {
    const signInCodes = async (password: string) =>
      ((await kit.server.graphql(SIGN_IN, { input: { username: kit.server.demo.siteAdminEmail, password } })).data.signIn.userErrors as { code: string }[]).map(
        (error) => error.code,
      );
    for (let attempt = 0; attempt < 5; attempt += 1) await signInCodes('wrong password');
    expect(await signInCodes(kit.server.demo.password)).to.deep.equal(['TOO_MANY_ATTEMPTS']);

    const page = await openSignedIn(kit, kit.server.demo.districtAdminEmail);
    await page.getByRole('tab', { name: 'Accounts', exact: true }).click();
    await page.getByRole('button', { name: 'Unlock Sam Site' }).click();
    await page.getByRole('status').filter({ hasText: 'Sam Site can sign in and register again right away.' }).waitFor();

    expect(await signInCodes(kit.server.demo.password)).to.deep.equal([]);
    await expectAccessible(page);
  });
});
