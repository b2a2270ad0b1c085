import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { describeOnEachDatabase } from '../support/databases';
import { PARTNER_HIGH, siteIdsByName } from '../integration/uploads/upload-kit';
import { browserKitFor, emailText, expectAccessible, screenshot, signInThroughPage } from './support/browser-kit';

const EDUCATOR = 'nia.new@partner-high.example.org';
const PASSWORD = 'a long enough passphrase';
const NEW_PASSWORD = 'an even longer new passphrase';

describeOnEachDatabase('The web page: changing your password', (database) => {
  const kit = browserKitFor(database);

  /** An Educator created by the Site Admin and registered with the emailed code, signed in through the page. */
  const signedInEducator = async (): Promise<Page> => {
    const siteId = (await siteIdsByName(kit.server))[PARTNER_HIGH];
    const token = await kit.server.signIn(kit.server.demo.siteAdminEmail);
    await kit.server.graphql(
      'mutation($input: CreateEducatorAccountInput!) { createEducatorAccount(input: $input) { userErrors { code } } }',
      { input: { firstName: 'Nia', lastName: 'New', email: EDUCATOR, roleCode: 'EDUCATOR', schoolSiteIds: [siteId], agreementAccepted: true } },
      token,
    );
    const [invitation] = (await kit.server.deliveredEmails()).filter((eml) => eml.includes(`To: ${EDUCATOR}`));
    const code = /Registration code: ([A-Z0-9-]+)/.exec(emailText(invitation))![1];
    const registered = await kit.server.graphql('mutation($input: RegisterAccountInput!) { registerAccount(input: $input) { userErrors { code } } }', {
      input: { email: EDUCATOR, registrationCode: code, password: PASSWORD, educationalInterestAccepted: true },
    });
    expect(registered.data.registerAccount.userErrors).to.deep.equal([]);
    const page = await kit.open('/');
    await signInThroughPage(page, EDUCATOR, PASSWORD);
    await page.getByRole('heading', { level: 1, name: 'Your account' }).waitFor();
    return page;
  };

  it('when the educator gives a wrong current password, then the refusal shows beside it; with the right one, the page says it is changed and the new password signs in', async () => {
    const page = await signedInEducator();
    const form = page.getByRole('region', { name: 'Change password' });

    await form.getByLabel('Current password').fill('not my password at all');
    await form.getByLabel('New password').fill(NEW_PASSWORD);
    await form.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Your current password is not right. Type it again.').waitFor();
    await expectAccessible(page);
    await screenshot(page, 'change-password-refused', database);

    await form.getByLabel('Current password').fill(PASSWORD);
    await form.getByLabel('New password').fill(NEW_PASSWORD);
    await form.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('status').filter({ hasText: 'Your password is changed' }).waitFor();
    await expectAccessible(page);
    await screenshot(page, 'change-password-done', database);

    const signIn = 'mutation($input: SignInInput!) { signIn(input: $input) { userErrors { code } } }';
    const withNew = await kit.server.graphql(signIn, { input: { username: EDUCATOR, password: NEW_PASSWORD } });
    const withOld = await kit.server.graphql(signIn, { input: { username: EDUCATOR, password: PASSWORD } });
    expect(withNew.data.signIn.userErrors).to.deep.equal([]);
    expect(withOld.data.signIn.userErrors).to.deep.equal([{ code: 'INVALID_CREDENTIALS' }]);
  });
});
