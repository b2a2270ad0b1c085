import AxeBuilder from '@axe-core/playwright';
import { expect } from 'chai';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import type { TestDatabase } from '../../support/databases';
import { startTestServer, type TestServer } from '../../support/test-server';

/** The browser globals read inside the page (the root tsconfig compiles for Node, without DOM types). */
interface InPageElement {
  getAttribute(name: string): string | null;
  textContent: string | null;
}
declare const document: {
  activeElement: unknown;
  cookie: string;
  documentElement: { scrollWidth: number; clientWidth: number };
  getElementById(id: string): InPageElement | null;
};
declare const localStorage: { length: number };
declare const sessionStorage: { length: number };

const ROOT = resolve(__dirname, '../../../..');
/** What `npm run build:web` built (`pretest` builds it). */
export const WEB_DIST = join(ROOT, 'web', 'dist');
const SCREENSHOTS = join(ROOT, 'var', 'screenshots');

/** Debian's Chromium, as the machine has it: never a browser downloaded by Playwright. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface BrowserKit {
  server: TestServer;
  browser: BrowserContext;
  /** A fresh tab with no session cookie, at `path` of the service. */
  open(path?: string, viewport?: { width: number; height: number }): Promise<Page>;
  close(): Promise<void>;
}

/** The real service serving the built page, on `database`, and one Chromium with a user-data folder of its own. */
export const startBrowserKit = async (database: TestDatabase): Promise<BrowserKit> => {
  if (!existsSync(join(WEB_DIST, 'index.html'))) throw new Error('web/dist is missing: run `npm run build:web` (npm test does it first).');
  const server = await startTestServer(database, {}, { webDist: WEB_DIST });
  const profile = mkdtempSync(join(tmpdir(), 'educators-chromium-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
  });
  browser.setDefaultTimeout(10_000);
  const pages: Page[] = [];
  return {
    server,
    browser,
    async open(path = '/', viewport) {
      for (const page of pages.splice(0)) await page.close();
      await browser.clearCookies();
      const page = await browser.newPage();
      pages.push(page);
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(error.message));
      page.on('console', (message) => {
        // A refused request (401, 404) is the answer a test asks for; anything else the page logs is a fault.
        if (message.type() === 'error' && !/status of 4\d\d/.test(message.text())) problems.push(message.text());
      });
      (page as Page & { problems: string[] }).problems = problems;
      if (viewport) await page.setViewportSize(viewport);
      await page.goto(`${server.url}${path}`);
      return page;
    },
    async close() {
      await browser.close();
      await server.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
};

/** What the page wrote to its console as errors, and scripts that threw (a CSP refusal is one). */
export const problemsOf = (page: Page): string[] => (page as Page & { problems: string[] }).problems;

/** Every WCAG 2.0/2.1 A and AA rule of axe-core, on the page as it is now. */
export const expectAccessible = async (page: Page): Promise<void> => {
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const described = violations.map((violation) => `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`);
  expect(described, 'axe-core A/AA violations').to.deep.equal([]);
};

/** The page reflows: nothing is wider than the window, so nobody scrolls sideways to read a line. */
export const expectNoHorizontalScroll = async (page: Page): Promise<void> => {
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
  expect(scrollWidth, `page width at a ${clientWidth}px window`).to.be.at.most(clientWidth);
};

/** Saves the page as it looks under var/screenshots/ (not committed), for a person to look at. */
export const screenshot = async (page: Page, name: string, database: TestDatabase): Promise<void> => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}-${database.label.toLowerCase()}.png`), fullPage: true });
};

/** Presses Tab (and only Tab) until `target` has the focus, as a keyboard user would. */
export const tabTo = async (page: Page, target: Locator, maxPresses = 40): Promise<void> => {
  for (let presses = 0; presses < maxPresses; presses += 1) {
    if (await target.evaluate((element) => element === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${target.toString()}`);
};

export const isFocused = (target: Locator): Promise<boolean> => target.evaluate((element) => element === document.activeElement);

export const signInThroughPage = async (page: Page, email: string, password: string): Promise<void> => {
  await page.getByRole('textbox', { name: 'Email' }).fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
};

/** The accessible description of a control: the ids its aria-describedby names, read as text. */
export const descriptionOf = (control: Locator): Promise<string> =>
  control.evaluate((element: InPageElement) =>
    (element.getAttribute('aria-describedby') ?? '')
      .split(/\s+/)
      .filter(Boolean)
      .map((id: string) => document.getElementById(id)?.textContent ?? '')
      .join(' '),
  );

/**
 * For a mocha suite: the kit starts before its tests, the database is reset before each one and everything stops
 * after them. The kit answered stands for the one started (its members are read when a test runs).
 */
export const browserKitFor = (database: TestDatabase): BrowserKit => {
  let started: BrowserKit | undefined;
  before(async function () {
    this.timeout(60_000);
    started = await startBrowserKit(database);
  });
  after(async () => {
    await started?.close();
  });
  beforeEach(async () => {
    await started!.server.reset();
  });
  return {
    get server() {
      return started!.server;
    },
    get browser() {
      return started!.browser;
    },
    open: (path, viewport) => started!.open(path, viewport),
    close: () => started!.close(),
  };
};

/** What scripts on the page can read of the session: cookies visible to them, and web storage. */
export const storageReadableByScripts = (page: Page): Promise<{ cookie: string; local: number; session: number }> =>
  page.evaluate(() => ({ cookie: document.cookie, local: localStorage.length, session: sessionStorage.length }));

/** A fresh tab signed in through the sign-in page as `email`, showing `path`. */
export const openSignedIn = async (kit: BrowserKit, email: string, path = '/', viewport?: { width: number; height: number }): Promise<Page> => {
  const page = await kit.open(path, viewport);
  await signInThroughPage(page, email, kit.server.demo.password);
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  return page;
};

/**
 * Ticks a checkbox as a person does: USWDS draws the box with the label and keeps the input itself out of sight, so
 * the click goes to the label (keyboard users press Space on the input, which keeps the focus).
 */
export const tick = async (checkbox: Locator, on = true): Promise<void> => {
  if ((await checkbox.isChecked()) === on) return;
  const id = await checkbox.getAttribute('id');
  await checkbox.page().locator(`label[for="${id}"]`).click();
  expect(await checkbox.isChecked(), 'the checkbox changed').to.equal(on);
};

/** The text of an .eml the outbox wrote (quoted-printable: soft line breaks and =XX escapes). */
export const emailText = (eml: string): string =>
  eml.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

/** The first link in an email that starts with `prefix`. */
export const linkIn = (eml: string, prefix: string): string => {
  const link = emailText(eml)
    .split(/\s+/)
    .find((word) => word.startsWith(prefix));
  if (!link) throw new Error(`No link starting with ${prefix} in:\n${eml}`);
  return link;
};
