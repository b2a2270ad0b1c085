import { expect } from 'chai';
import { describeOnEachDatabase } from '../support/databases';
import { countRows, PARTNER_HIGH, siteIdsByName } from '../integration/uploads/upload-kit';
import { browserKitFor, descriptionOf, expectAccessible, isFocused, openSignedIn, screenshot, tick } from './support/browser-kit';
import type { Page } from 'playwright-core';

describeOnEachDatabase('The web page: creating one account', (database) => {
  const kit = browserKitFor(database);

  const fillPerson = async (page: Page, email: string, role = 'Educator') => {
    await page.getByLabel('First Name').fill('Ana');
    await page.getByLabel('Last Name').fill('García');
    await page.getByRole('textbox', { name: 'Email' }).fill(email);
    await page.getByRole('combobox', { name: 'User Role' }).selectOption({ label: role });
  };
  const agreement = (page: Page) => page.getByRole('checkbox', { name: /agreement/ });
  const accountsWithEmail = (email: string) => countRows(kit.server, 'educator_account WHERE email_normalized = ?', [email]);

  it('when the Site Admin fills the form and accepts the agreement, then the status names the email and the registration deadline', async () => {
    const page = await openSignedIn(kit, kit.server.demo.siteAdminEmail);
    expect(await page.getByRole('combobox', { name: 'User Role' }).locator('option').allTextContents()).to.deep.equal([
      'Educator',
      'Counselor—Caseload Only',
      'Counselor',
      'Site Admin',
    ]);
    const siteOptions = page.getByRole('combobox', { name: 'School Site' }).locator('option');
    // The roles and the sites arrive in separate answers: the placeholder shows until the sites have.
    await siteOptions.filter({ hasText: PARTNER_HIGH }).waitFor({ state: 'attached' });
    expect(await siteOptions.allTextContents()).to.deep.equal([PARTNER_HIGH]);
    await page.getByText('By creating this account, I confirm').waitFor();
    await fillPerson(page, 'ana.garcia@partner-high.example.org');
    await tick(agreement(page));

    await page.getByRole('button', { name: 'Create Account' }).click();

    const deadline = new Date(kit.server.clock.now().getTime() + 60 * 24 * 3600 * 1000);
    const day = new Intl.DateTimeFormat('en-US', { dateStyle: 'long' }).format(deadline);
    const status = page.getByRole('status').filter({ hasText: 'ana.garcia@partner-high.example.org' });
    await status.waitFor();
    expect(await status.textContent()).to.include(day);
    expect(await accountsWithEmail('ana.garcia@partner-high.example.org')).to.equal(1);
    await expectAccessible(page);
    await screenshot(page, 'create-single-created', database);
  });

  it('when the email is taken, then the refusal is beside Email, the field is marked invalid and has the focus, and nothing is created', async () => {
    const page = await openSignedIn(kit, kit.server.demo.siteAdminEmail);
    await fillPerson(page, kit.server.demo.districtAdminEmail);
    await tick(agreement(page));

    await page.getByRole('button', { name: 'Create Account' }).click();

    const email = page.getByRole('textbox', { name: 'Email' });
    await page.getByText('Email has already been taken.').waitFor();
    expect(await email.getAttribute('aria-invalid')).to.equal('true');
    expect(await descriptionOf(email)).to.equal('Email has already been taken.');
    expect(await isFocused(email)).to.equal(true);
    expect(await countRows(kit.server, 'educator_account')).to.equal(2);
    await expectAccessible(page);
    await screenshot(page, 'create-single-email-taken', database);
  });

  it('when the agreement is not accepted, then the refusal is beside its checkbox, which has the focus, and nothing is created', async () => {
    const page = await openSignedIn(kit, kit.server.demo.siteAdminEmail);
    await fillPerson(page, 'no.agreement@partner-high.example.org');

    await page.getByRole('button', { name: 'Create Account' }).click();

    const checkbox = agreement(page);
    await page.getByText('Accept the account creation agreement to create this account.').waitFor();
    expect(await checkbox.getAttribute('aria-invalid')).to.equal('true');
    expect(await descriptionOf(checkbox)).to.equal('Accept the account creation agreement to create this account.');
    expect(await isFocused(checkbox)).to.equal(true);
    expect(await accountsWithEmail('no.agreement@partner-high.example.org')).to.equal(0);
    await expectAccessible(page);
    await screenshot(page, 'create-single-agreement-missing', database);
  });

  it('when a third Site Admin is created for a site, then the page gives the 1–2 Site Admins advice with the new count', async () => {
    const siteId = (await siteIdsByName(kit.server))[PARTNER_HIGH];
    const token = await kit.server.signIn(kit.server.demo.districtAdminEmail);
    const second = await kit.server.graphql(
      'mutation($input: CreateEducatorAccountInput!) { createEducatorAccount(input: $input) { warnings { code } userErrors { code } } }',
      {
        input: {
          firstName: 'Second',
          lastName: 'Admin',
          email: 'second.admin@partner-high.example.org',
          roleCode: 'SITE_ADMIN',
          schoolSiteIds: [siteId],
          agreementAccepted: true,
        },
      },
      token,
    );
    expect(second.data.createEducatorAccount).to.deep.equal({ warnings: [], userErrors: [] });
    const page = await openSignedIn(kit, kit.server.demo.siteAdminEmail);
    await fillPerson(page, 'third.admin@partner-high.example.org', 'Site Admin');
    await tick(agreement(page));

    await page.getByRole('button', { name: 'Create Account' }).click();

    await page.getByRole('status').filter({ hasText: 'third.admin@partner-high.example.org' }).waitFor();
    await page
      .getByRole('status')
      .filter({ hasText: `${PARTNER_HIGH} now has 3 Site Admins. We recommend 1–2 Site Admins per site.` })
      .waitFor();
    await expectAccessible(page);
    await screenshot(page, 'create-single-third-site-admin', database);
  });

  it('when the District Admin picks Multi-Site Counselor, then the sites are checkboxes under "School Sites"; for District Admin, no site', async () => {
    const page = await openSignedIn(kit, kit.server.demo.districtAdminEmail);
    const roles = await page.getByRole('combobox', { name: 'User Role' }).locator('option').allTextContents();
    expect(roles).to.deep.equal(['Educator', 'Counselor—Caseload Only', 'Counselor', 'Multi-Site Counselor', 'Site Admin', 'District Admin']);
    await fillPerson(page, 'multi.site@demo-usd.example.org', 'Multi-Site Counselor');

    const sites = page.getByRole('group', { name: 'School Sites' });
    expect(await sites.getByRole('checkbox').count()).to.equal(2);
    expect(await page.getByRole('combobox', { name: 'School Site' }).count()).to.equal(0);
    await tick(sites.getByRole('checkbox', { name: PARTNER_HIGH }));
    await tick(agreement(page));
    await page.getByRole('button', { name: 'Create Account' }).click();
    // One site is not enough for this role: the service says so beside the group, whose first checkbox receives the focus.
    await page.getByText('A Multi-Site Counselor account needs two or more different school sites.').waitFor();
    expect(await isFocused(sites.getByRole('checkbox').first())).to.equal(true);
    expect(await descriptionOf(sites)).to.equal('Choose two or more. A Multi-Site Counselor account needs two or more different school sites.');
    await expectAccessible(page);
    await screenshot(page, 'create-single-multi-site', database);
    await tick(sites.getByRole('checkbox', { name: 'Demo Middle School' }));
    await page.getByRole('button', { name: 'Create Account' }).click();
    await page.getByRole('status').filter({ hasText: 'multi.site@demo-usd.example.org' }).waitFor();

    await page.getByRole('combobox', { name: 'User Role' }).selectOption({ label: 'District Admin' });
    expect(await page.getByRole('combobox', { name: 'School Site' }).count()).to.equal(0);
    expect(await page.getByRole('group', { name: 'School Sites' }).count()).to.equal(0);
  });
});
