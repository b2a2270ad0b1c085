import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { describeOnEachDatabase } from '../support/databases';
import { MIDDLE_SCHOOL, PARTNER_HIGH, siteIdsByName } from '../integration/uploads/upload-kit';
import { browserKitFor, expectAccessible, openSignedIn, screenshot } from './support/browser-kit';

const CREATE = `mutation($input: CreateEducatorAccountInput!) { createEducatorAccount(input: $input) { userErrors { code } } }`;

describeOnEachDatabase('The web page: the Activity tab', (database) => {
  const kit = browserKitFor(database);
  let sites: Record<string, string>;
  let adminToken: string;

  beforeEach(async () => {
    sites = await siteIdsByName(kit.server);
    adminToken = await kit.server.signIn(kit.server.demo.districtAdminEmail);
  });

  const createAt = async (site: string, email: string) => {
    const answer = await kit.server.graphql(
      CREATE,
      { input: { firstName: 'Ana', lastName: 'García', email, roleCode: 'EDUCATOR', schoolSiteIds: [sites[site]], agreementAccepted: true } },
      adminToken,
    );
    expect(answer.data.createEducatorAccount.userErrors, answer.text).to.deep.equal([]);
  };
  const openActivity = async (page: Page) => {
    await page.getByRole('tab', { name: 'Activity' }).click();
    await page.getByRole('table', { name: 'Activity, newest first' }).waitFor();
  };
  const rowTexts = async (page: Page): Promise<string[][]> => {
    const rows = await page.getByRole('table', { name: 'Activity, newest first' }).locator('tbody tr').all();
    return Promise.all(rows.map(async (row) => (await row.locator('td').allTextContents()).map((text) => text.trim())));
  };

  it('when a District Admin opens Activity, then a captioned table shows who did what, to which account, where, from where and how it ended', async () => {
    await createAt(MIDDLE_SCHOOL, 'ana.garcia@middle.example.org');
    await createAt(PARTNER_HIGH, 'ana.garcia@partner.example.org');
    const page = await openSignedIn(kit, kit.server.demo.districtAdminEmail);

    await openActivity(page);

    const headers = await page.getByRole('table', { name: 'Activity, newest first' }).getByRole('columnheader').allTextContents();
    expect(headers).to.deep.equal(['When', 'Who', 'Action', 'Account', 'School site', 'Address', 'Outcome']);
    const rows = await rowTexts(page);
    // Newest first: opening the page signed the admin in.
    expect(rows.slice(0, 3).map((row) => row.slice(1))).to.deep.equal([
      ['Dana District', 'Signed in', '–', '–', rows[0][5], 'Succeeded'],
      ['Dana District', 'Account created', 'ana.garcia@partner.example.org', PARTNER_HIGH, rows[1][5], 'Succeeded'],
      ['Dana District', 'Account created', 'ana.garcia@middle.example.org', MIDDLE_SCHOOL, rows[2][5], 'Succeeded'],
    ]);
    expect(rows.slice(3).map((row) => row[2])).to.include('Signed in');
    expect(rows[0][5]).to.match(/127\.0\.0\.1|::1/);
    await expectAccessible(page);
    await screenshot(page, 'activity', database);
  });

  it('when the Action and School site filters are chosen, then only matching events show, and an empty answer says so', async () => {
    await createAt(MIDDLE_SCHOOL, 'one@middle.example.org');
    await createAt(PARTNER_HIGH, 'two@partner.example.org');
    const page = await openSignedIn(kit, kit.server.demo.districtAdminEmail);
    await openActivity(page);

    await page.getByRole('combobox', { name: 'School site' }).selectOption({ label: MIDDLE_SCHOOL });
    await page.getByRole('status').filter({ hasText: 'Showing 1 of 1 events' }).waitFor();
    expect((await rowTexts(page)).map((row) => row[3])).to.deep.equal(['one@middle.example.org']);

    await page.getByRole('combobox', { name: 'Action' }).selectOption({ label: 'Sign-in refused' });
    await page.getByRole('status').filter({ hasText: 'No activity matches these filters.' }).waitFor();
    await expectAccessible(page);
  });

  it('when there are more events than a page, then "Older events" shows the next page and "Newer events" goes back', async () => {
    const [district]: { id: number }[] = await kit.server.application.dataSource.query('SELECT district_id AS id FROM school_site WHERE name = ?', [
      PARTNER_HIGH,
    ]);
    for (let index = 0; index < 30; index += 1) {
      await kit.server.application.auditTrail.record({
        action: 'SIGN_IN_REFUSED',
        outcome: 'INVALID_CREDENTIALS',
        at: new Date(kit.server.clock.now().getTime() - (30 - index) * 60_000),
        actorAccountId: null,
        actorEmail: `guess${index}@example.org`,
        districtId: Number(district.id),
        clientAddress: '203.0.113.5',
      });
    }
    const page = await openSignedIn(kit, kit.server.demo.districtAdminEmail);
    await openActivity(page);
    await page.getByRole('combobox', { name: 'Action' }).selectOption({ label: 'Sign-in refused' });
    await page.getByRole('status').filter({ hasText: 'Showing 25 of 30 events' }).waitFor();

    await page.getByRole('button', { name: 'Older events' }).click();
    await page.getByRole('status').filter({ hasText: 'Showing 5 of 30 events' }).waitFor();
    expect((await rowTexts(page)).map((row) => row[1])).to.deep.equal([
      'guess4@example.org',
      'guess3@example.org',
      'guess2@example.org',
      'guess1@example.org',
      'guess0@example.org',
    ]);
    expect(await page.getByRole('button', { name: 'Older events' }).count()).to.equal(0);

    await page.getByRole('button', { name: 'Newer events' }).click();
    await page.getByRole('status').filter({ hasText: 'Showing 25 of 30 events' }).waitFor();
  });
});
