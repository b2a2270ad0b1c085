import { expect } from 'chai';
import { describeOnEachDatabase } from '../support/databases';
import {
  browserKitFor,
  expectAccessible,
  expectNoHorizontalScroll,
  problemsOf,
  screenshot,
  signInThroughPage,
  storageReadableByScripts,
} from './support/browser-kit';

describeOnEachDatabase('The web page: signing in and out', (database) => {
  const kit = browserKitFor(database);

  it('when a wrong password is given, then the refusal is an alert and no session cookie is set', async () => {
    const page = await kit.open('/');
    await expectAccessible(page);

    await signInThroughPage(page, kit.server.demo.siteAdminEmail, 'not the password');

    await page.getByRole('alert').filter({ hasText: 'That email and password do not match an active account.' }).waitFor();
    expect(await kit.browser.cookies()).to.deep.equal([]);
    await expectAccessible(page);
    await screenshot(page, 'sign-in-refused', database);
    expect(problemsOf(page)).to.deep.equal([]);
  });

  it('when the Site Admin signs in, then Account Management shows their name, its tabs and Sign out; the cookie is HttpOnly, unread by scripts', async () => {
    const page = await kit.open('/');

    await signInThroughPage(page, kit.server.demo.siteAdminEmail, kit.server.demo.password);

    await page.getByRole('heading', { level: 1, name: 'Account Management' }).waitFor();
    expect(await page.getByRole('tab').allTextContents()).to.deep.equal(['Create Single Account', 'Create Multiple Accounts', 'Accounts', 'Activity']);
    expect(await page.getByRole('tab', { name: 'Create Single Account' }).getAttribute('aria-selected')).to.equal('true');
    await page.getByText('Signed in as Sam Site').waitFor();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    const [cookie] = await kit.browser.cookies();
    expect(cookie).to.include({ name: 'edu_session', httpOnly: true, sameSite: 'Strict' });
    expect(await storageReadableByScripts(page)).to.deep.equal({ cookie: '', local: 0, session: 0 });
    await expectAccessible(page);
    await screenshot(page, 'account-management', database);
    expect(problemsOf(page)).to.deep.equal([]);
  });

  it('when the person signs out, then the sign-in page is back, and reloading does not sign them in again', async () => {
    const page = await kit.open('/');
    await signInThroughPage(page, kit.server.demo.districtAdminEmail, kit.server.demo.password);
    await page.getByRole('heading', { name: 'Account Management' }).waitFor();

    await page.getByRole('button', { name: 'Sign out' }).click();

    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await kit.browser.cookies()).to.deep.equal([]);
    await page.reload();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Account Management' }).count()).to.equal(0);
    await screenshot(page, 'signed-out', database);
  });

  it('when the session ends on the service (it lapsed, or was ended elsewhere), then the next answer takes the page back to signing in', async () => {
    // Without the live stream the log is asked for every 1.5 s: that is the request the test waits for.
    await kit.browser.route('**/graphql/stream', (route) => route.abort());
    try {
      const page = await kit.open('/');
      await signInThroughPage(page, kit.server.demo.siteAdminEmail, kit.server.demo.password);
      await page.getByRole('heading', { name: 'Account Management' }).waitFor();

      await kit.server.application.dataSource.query('DELETE FROM browser_session');

      // The service answers UNAUTHENTICATED; the page asks who is signed in, and nobody is.
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      expect(await page.getByRole('heading', { name: 'Account Management' }).count()).to.equal(0);
    } finally {
      await kit.browser.unroute('**/graphql/stream');
    }
  });

  it('when the page is reached as localhost instead of 127.0.0.1, then signing in works the same', async () => {
    const page = await kit.open('/');
    await page.goto(kit.server.url.replace('127.0.0.1', 'localhost'));

    await signInThroughPage(page, kit.server.demo.siteAdminEmail, kit.server.demo.password);

    await page.getByRole('heading', { name: 'Account Management' }).waitFor();
  });

  it('when the window is 320 px wide (or 640 px, 200% zoom), then the sign-in page and Account Management need no sideways scrolling', async () => {
    const page = await kit.open('/', { width: 320, height: 800 });
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await expectNoHorizontalScroll(page);

    await signInThroughPage(page, kit.server.demo.districtAdminEmail, kit.server.demo.password);

    await page.getByRole('heading', { name: 'Account Management' }).waitFor();
    await page.getByRole('table', { name: 'Upload log' }).or(page.getByText('No file has been uploaded yet')).waitFor();
    await expectNoHorizontalScroll(page);
    await expectAccessible(page);
    await screenshot(page, 'account-management-320px', database);
    // 200% zoom of a 1280 px window.
    await page.setViewportSize({ width: 640, height: 800 });
    await expectNoHorizontalScroll(page);
  });
});
