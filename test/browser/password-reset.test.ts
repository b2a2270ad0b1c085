import { expect } from 'chai';
import { describeOnEachDatabase } from '../support/databases';
import { browserKitFor, emailText, expectAccessible, linkIn, openSignedIn, screenshot, signInThroughPage } from './support/browser-kit';

const NEW_PASSWORD = 'a reset and private passphrase';

describeOnEachDatabase('The web page: resetting a forgotten password', (database) => {
  const kit = browserKitFor(database);

  /** The reset email the outbox delivered to `email`, as a person reads it. */
  const resetEmailTo = async (email: string): Promise<string> => {
    const emails = (await kit.server.deliveredEmails()).filter((eml) => eml.includes(`To: ${email}`) && eml.includes('Your password reset code'));
    expect(emails).to.have.length(1);
    return emails[0];
  };

  it('when a person asks from the sign-in page, reads the code from the email and chooses a new password, then they sign in with it', async () => {
    const email = kit.server.demo.siteAdminEmail;
    const page = await kit.open('/');
    await page.getByRole('link', { name: 'Forgot password?' }).click();
    await page.getByRole('heading', { level: 1, name: 'Reset your password' }).waitFor();
    await expectAccessible(page);

    await page.getByRole('textbox', { name: 'Email' }).fill(email);
    await page.getByRole('button', { name: 'Send reset code' }).click();
    await page.getByRole('status').filter({ hasText: 'Check your email' }).waitFor();
    await expectAccessible(page);
    await screenshot(page, 'password-reset-sent', database);
    const eml = await resetEmailTo(email);
    const code = /^Reset code: ([A-Z0-9-]+)\r?$/m.exec(emailText(eml))![1];

    await page.getByRole('textbox', { name: 'Reset code' }).fill('AAAA-BBBB-CCCC');
    await page.getByLabel('New password').fill('short');
    await page.getByRole('button', { name: 'Reset password' }).click();
    const summary = page.getByRole('alert').filter({ hasText: 'There is a problem' });
    await summary.getByRole('link', { name: /New password: Choose a password of 12 to 128 characters/ }).waitFor();
    await page.getByLabel('New password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Reset password' }).click();
    await summary.getByRole('link', { name: /Reset code: That reset code is not right/ }).waitFor();
    expect(await page.getByText('request a new code').count()).to.be.at.least(1);
    await expectAccessible(page);
    await screenshot(page, 'password-reset-refused', database);

    await page.getByRole('textbox', { name: 'Reset code' }).fill(code);
    await page.getByRole('button', { name: 'Reset password' }).click();
    await page.getByRole('status').filter({ hasText: 'Your password is reset' }).waitFor();
    await expectAccessible(page);
    await screenshot(page, 'password-reset-done', database);

    await page.getByRole('link', { name: 'Sign in with your new password' }).click();
    await signInThroughPage(page, email, NEW_PASSWORD);
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
  });

  it('when the email asked for has no account, then the page says the same as for one that has, and nothing is sent', async () => {
    const page = await kit.open('/reset-password');
    await page.getByRole('textbox', { name: 'Email' }).fill('nobody.here@example.org');
    await page.getByRole('button', { name: 'Send reset code' }).click();
    const status = page.getByRole('status').filter({ hasText: 'Check your email' });
    await status.waitFor();
    expect(await status.textContent()).to.equal(
      'Check your emailIf nobody.here@example.org belongs to a registered account, a reset code is on its way. It works once, for 30 minutes.',
    );
    expect(await kit.server.deliveredEmails()).to.deep.equal([]);
  });

  it('when the email’s link is opened, then the form has the email filled in (and no code in the address), and a browser signed in before the reset is signed out', async () => {
    const email = kit.server.demo.siteAdminEmail;
    const before = await openSignedIn(kit, email);
    const other = await kit.browser.newPage();
    const answer = await kit.server.graphql('mutation($input: RequestPasswordResetInput!) { requestPasswordReset(input: $input) { userErrors { code } } }', {
      input: { email },
    });
    expect(answer.data.requestPasswordReset.userErrors).to.deep.equal([]);
    const eml = await resetEmailTo(email);
    const link = linkIn(eml, `${kit.server.application.config.publicUrl}/reset-password#`).replace(kit.server.application.config.publicUrl, kit.server.url);
    await other.goto(link);

    expect(await other.getByRole('textbox', { name: 'Email' }).inputValue()).to.equal(email);
    expect(new URL(other.url()).hash).to.equal('');
    await other.getByRole('textbox', { name: 'Reset code' }).fill(/^Reset code: ([A-Z0-9-]+)\r?$/m.exec(emailText(eml))![1]);
    await other.getByLabel('New password').fill(NEW_PASSWORD);
    await other.getByRole('button', { name: 'Reset password' }).click();
    await other.getByRole('status').filter({ hasText: 'Your password is reset' }).waitFor();

    await before.reload();
    await before.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await screenshot(before, 'password-reset-old-session-ended', database);
  });
});
