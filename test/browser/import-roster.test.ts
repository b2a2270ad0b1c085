import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { describeOnEachDatabase } from '../support/databases';
import { DEMO_ORGS, DEMO_PEOPLE, oneRoster12Zip } from '../support/roster-fixtures';
import { MIDDLE_SCHOOL, PARTNER_HIGH, siteIdsByName } from '../integration/uploads/upload-kit';
import { accountsBySite, SET_EXTERNAL_ID } from '../integration/roster/roster-kit';
import { browserKitFor, expectAccessible, openSignedIn, screenshot, tick } from './support/browser-kit';

const zipUpload = (name: string, buffer: Buffer) => ({ name, mimeType: 'application/zip', buffer });

describeOnEachDatabase('The web page: importing staff from a OneRoster export', (database) => {
  const kit = browserKitFor(database);

  const openImport = async (): Promise<Page> => {
    const page = await openSignedIn(kit, kit.server.demo.districtAdminEmail);
    await page.getByRole('tab', { name: 'Import from your SIS' }).click();
    await page.getByRole('heading', { name: 'Import from your SIS' }).waitFor();
    return page;
  };

  const uploadThroughPage = async (page: Page, name: string, zip: Buffer): Promise<void> => {
    const panel = page.getByRole('tabpanel', { name: 'Import from your SIS' });
    await panel.getByLabel('OneRoster zip file').setInputFiles(zipUpload(name, zip));
    await tick(panel.getByRole('checkbox', { name: /bulk account creation agreement/ }));
    await panel.getByRole('button', { name: 'Upload roster' }).click();
  };

  it('when a District Admin uploads a 1.2 export, maps the unmatched school and changes a role, then starting it creates the staff at the right sites, one upload per school', async () => {
    const token = await kit.server.signIn(kit.server.demo.districtAdminEmail);
    const sites = await siteIdsByName(kit.server);
    await kit.server.graphql(SET_EXTERNAL_ID, { input: { schoolSiteId: sites[PARTNER_HIGH], externalId: 'PH-001' } }, token);
    const page = await openImport();
    await expectAccessible(page);

    await uploadThroughPage(page, 'district-export.zip', oneRoster12Zip({ orgs: DEMO_ORGS, people: DEMO_PEOPLE }));

    const lincoln = page.getByRole('combobox', { name: 'School site for Lincoln Elementary' });
    await lincoln.waitFor();
    const chosen = (name: string) =>
      page.getByRole('combobox', { name }).evaluate((select: { selectedOptions: { text: string }[] }) => select.selectedOptions[0].text);
    expect(await chosen('School site for Partner High (Demo)'), 'matched by its identifier').to.equal(PARTNER_HIGH);
    expect(await chosen('School site for Demo  middle school'), 'matched by name').to.equal(MIDDLE_SCHOOL);
    expect(await chosen('School site for Lincoln Elementary'), 'not matched').to.equal('Do not import');
    expect(await chosen('Role for teacher')).to.equal('Educator');
    expect(await chosen('Role for principal')).to.equal('Site Admin');
    expect(await chosen('Role for aide')).to.equal('Do not create');
    expect(await page.getByRole('table', { name: 'Schools in the roster and the school site each is imported to' }).count()).to.equal(1);
    await page.getByText('Not imported: 3 people as students, 2 people as guardians or parents, 1 person disabled, 1 person to be deleted').waitFor();

    await lincoln.selectOption({ label: MIDDLE_SCHOOL });
    expect(await page.getByRole('checkbox', { name: /next time/ }).count(), 'offered for the school mapped by hand only').to.equal(1);
    await tick(page.getByRole('checkbox', { name: 'Match Lincoln Elementary to this site by its identifier LE-003 next time' }));
    await page.getByRole('combobox', { name: 'Role for counselor' }).selectOption({ label: 'Counselor—Caseload Only' });
    await page.getByRole('combobox', { name: 'Role for aide' }).selectOption({ label: 'Educator' });
    await expectAccessible(page);
    await screenshot(page, 'import-roster-mapping', database);
    await page.getByRole('button', { name: 'Start import' }).click();

    await page.getByRole('status').filter({ hasText: 'The import has started' }).waitFor();
    const links = page.getByRole('link', { name: /^district-export\.zip · / });
    expect(await links.allTextContents()).to.have.members([
      'district-export.zip · Partner High (Demo)',
      'district-export.zip · Demo  middle school',
      'district-export.zip · Lincoln Elementary',
    ]);
    for (const href of await links.evaluateAll((anchors: { getAttribute(name: string): string | null }[]) =>
      anchors.map((anchor) => anchor.getAttribute('href')),
    ))
      expect(href).to.match(/^\/batches\/[\w-]{22}$/);
    await kit.server.processUploads();
    await page.getByRole('status').filter({ hasText: 'are finished' }).waitFor();
    await page
      .getByText('district-export.zip · Lincoln Elementary')
      .locator('..')
      .filter({ hasText: `at ${MIDDLE_SCHOOL}: 2 created, 0 skipped, 0 failed` })
      .waitFor();

    expect(await accountsBySite(kit.server)).to.deep.equal({
      [PARTNER_HIGH]: [
        'ada.lovelace@demo-usd.example.org EDUCATOR',
        'alan.turing@demo-usd.example.org EDUCATOR',
        'carl.rogers@demo-usd.example.org COUNSELOR_CASELOAD_ONLY',
      ],
      [MIDDLE_SCHOOL]: [
        'amos.aide@demo-usd.example.org EDUCATOR',
        'anne.sullivan@demo-usd.example.org EDUCATOR',
        'john.dewey@demo-usd.example.org EDUCATOR',
        'maria.montessori@demo-usd.example.org SITE_ADMIN',
      ],
    });
    const listed = await kit.server.graphql('{ schoolSites { name externalId } }', {}, token);
    expect(listed.data.schoolSites, 'the next export matches Lincoln Elementary by its identifier').to.have.deep.members([
      { name: PARTNER_HIGH, externalId: 'PH-001' },
      { name: MIDDLE_SCHOOL, externalId: 'LE-003' },
    ]);
    await expectAccessible(page);
    await screenshot(page, 'import-roster-started', database);
  });

  it('when the file is not a OneRoster zip, then the page says why in an alert and shows no mapping', async () => {
    const page = await openImport();

    await uploadThroughPage(page, 'educators.zip', Buffer.from('First Name,Last Name,Email,User Role\r\n'));

    await page.getByRole('alert').filter({ hasText: 'The file is not a zip file. Upload the OneRoster CSV export' }).waitFor();
    expect(await page.getByRole('button', { name: 'Start import' }).count()).to.equal(0);
    await expectAccessible(page);
  });

  it('when a Site Admin signs in, then there is no roster import in the navigation', async () => {
    const page = await openSignedIn(kit, kit.server.demo.siteAdminEmail);
    await page.getByRole('tab', { name: 'Create Multiple Accounts' }).waitFor();
    expect(await page.getByRole('tab', { name: 'Import from your SIS' }).count()).to.equal(0);
  });
});
