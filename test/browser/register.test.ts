import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { describeOnEachDatabase } from '../support/databases';
import { PARTNER_HIGH, siteIdsByName } from '../integration/uploads/upload-kit';
import {
  browserKitFor,
  descriptionOf,
  expectAccessible,
  expectNoHorizontalScroll,
  isFocused,
  linkIn,
  screenshot,
  signInThroughPage,
  tick,
} from './support/browser-kit';

const EDUCATOR = 'new.educator@partner-high.example.org';
const PASSWORD = 'a long enough passphrase';

describeOnEachDatabase('The web page: registering from the invitation', (database) => {
  const kit = browserKitFor(database);

  /** The Site Admin creates the account; its invitation is sent to the outbox; the link in it, on the test server. */
  const invitationLink = async (): Promise<string> => {
    const siteId = (await siteIdsByName(kit.server))[PARTNER_HIGH];
    const token = await kit.server.signIn(kit.server.demo.siteAdminEmail);
    const created = await kit.server.graphql(
      'mutation($input: CreateEducatorAccountInput!) { createEducatorAccount(input: $input) { userErrors { code } } }',
      { input: { firstName: 'Nia', lastName: 'New', email: EDUCATOR, roleCode: 'EDUCATOR', schoolSiteIds: [siteId], agreementAccepted: true } },
      token,
    );
    expect(created.data.createEducatorAccount.userErrors).to.deep.equal([]);
    const [invitation] = (await kit.server.deliveredEmails()).filter((email) => email.includes(`To: ${EDUCATOR}`));
    const link = linkIn(invitation, `${kit.server.application.config.publicUrl}/register#`);
    // PUBLIC_URL names the default port; the test server listens on one of its own.
    return link.replace(kit.server.application.config.publicUrl, kit.server.url);
  };
  const openLink = async (link: string): Promise<Page> => kit.open(link.slice(kit.server.url.length));
  const choosePassword = async (page: Page, password: string, confirmation = password) => {
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByLabel('Confirm password').fill(confirmation);
  };

  it('when the emailed link is opened, then email and code are filled in; registering says so, links to sign in; the educator sees their account', async () => {
    const page = await openLink(await invitationLink());

    expect(await page.getByRole('textbox', { name: 'Email' }).inputValue()).to.equal(EDUCATOR);
    expect(await page.getByRole('textbox', { name: 'Registration code' }).inputValue()).to.match(/^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    expect(new URL(page.url()).hash, 'the code leaves the address bar').to.equal('');
    await expectAccessible(page);
    await screenshot(page, 'register', database);
    await choosePassword(page, PASSWORD);
    await tick(page.getByRole('checkbox', { name: /educational/ }));
    await page.getByRole('button', { name: 'Register' }).click();

    const done = page.getByRole('status').filter({ hasText: 'Your account is registered' });
    await done.waitFor();
    await expectAccessible(page);
    await screenshot(page, 'registered', database);
    await done.getByRole('link', { name: 'Sign in' }).click();
    await signInThroughPage(page, EDUCATOR, PASSWORD);
    await page.getByRole('heading', { level: 1, name: 'Your account' }).waitFor();
    await page.getByText(EDUCATOR).waitFor();
    await page.getByText('Active', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    expect(await page.getByRole('tab').count(), 'no admin tabs').to.equal(0);
    expect(await page.getByRole('table', { name: 'Upload log' }).count(), 'no upload log').to.equal(0);
    await expectAccessible(page);
    await page.setViewportSize({ width: 320, height: 700 });
    await expectNoHorizontalScroll(page);
    await screenshot(page, 'educator-own-account', database);
  });

  it('when the invitation is older than 60 days, then the page gives the advice to ask an admin to create the account again', async () => {
    const page = await openLink(await invitationLink());
    kit.server.clock.advanceDays(61);
    await choosePassword(page, PASSWORD);
    await tick(page.getByRole('checkbox', { name: /educational/ }));

    await page.getByRole('button', { name: 'Register' }).click();

    const code = page.getByRole('textbox', { name: 'Registration code' });
    await page.getByText('Ask your school or district administrator to create your account again.').waitFor();
    expect(await descriptionOf(code)).to.include('Your invitation expired 60 days after it was sent.');
    expect(await isFocused(code)).to.equal(true);
    await expectAccessible(page);
    await screenshot(page, 'register-expired', database);
  });

  it('when the two passwords differ, then the page says so beside "Confirm password" and sends nothing', async () => {
    const page = await openLink(await invitationLink());
    await choosePassword(page, PASSWORD, `${PASSWORD}!`);

    await page.getByRole('button', { name: 'Register' }).click();

    const confirmation = page.getByLabel('Confirm password');
    await page.getByText('The two passwords are not the same.').waitFor();
    expect(await confirmation.getAttribute('aria-invalid')).to.equal('true');
    expect(await isFocused(confirmation)).to.equal(true);
    const [{ registered }] = await kit.server.application.dataSource.query(
      'SELECT COUNT(*) AS registered FROM educator_account WHERE email_normalized = ? AND registered_at IS NOT NULL',
      [EDUCATOR],
    );
    expect(Number(registered)).to.equal(0);
  });
});
