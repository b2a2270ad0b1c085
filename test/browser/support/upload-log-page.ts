import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import type { Download, Locator, Page } from 'playwright-core';

/** Browser globals used inside the page (the root tsconfig compiles for Node, without DOM types). */
declare const window: { sameDocumentMark?: number };
declare const DataTransfer: new () => { items: { add(file: unknown): void } };
declare const File: new (parts: string[], name: string, options: { type: string }) => unknown;

/** The log's rows as a person reads them: each cell under its column header. */
export const logRows = async (page: Page): Promise<Record<string, string>[]> => tableRows(page.getByRole('table', { name: 'Upload log' }));

export const tableRows = async (table: Locator): Promise<Record<string, string>[]> => {
  const headers = await table.getByRole('columnheader').allTextContents();
  const rows = table.getByRole('row').filter({ has: table.page().getByRole('cell') });
  const texts: Record<string, string>[] = [];
  for (const row of await rows.all()) {
    const cells = await row.getByRole('cell').allTextContents();
    texts.push(Object.fromEntries(headers.map((header, index) => [header, cells[index].trim()])));
  }
  return texts;
};

/** Waits until the log's row for `fileName` (the newest one of that name) matches `expected`, and returns it. */
export const waitForLogRow = async (page: Page, fileName: string, expected: Record<string, string | RegExp>): Promise<Record<string, string>> => {
  const matches = (row: Record<string, string>) =>
    Object.entries(expected).every(([column, value]) => (typeof value === 'string' ? row[column] === value : value.test(row[column])));
  const giveUpAt = Date.now() + 10_000;
  for (;;) {
    const row = (await logRows(page).catch(() => [])).find((one) => one['File Name'] === fileName);
    if (row && matches(row)) return row;
    if (Date.now() > giveUpAt)
      throw new Error(
        `The log never showed ${fileName} as ${JSON.stringify(expected, (_, value) => (value instanceof RegExp ? String(value) : value))}; ` +
          `last: ${JSON.stringify(row)}`,
      );
    await page.waitForTimeout(100);
  }
};

/** Marks the document, so that a test can tell a page that updated itself from one that was loaded again. */
export const markDocument = (page: Page): Promise<void> => page.evaluate(() => void (window.sameDocumentMark = 1));

export const expectSameDocument = async (page: Page): Promise<void> => {
  expect(await page.evaluate(() => window.sameDocumentMark), 'the page was not reloaded').to.equal(1);
};

/** Clicks a download link and returns what the browser saved. */
export const download = async (page: Page, link: Locator): Promise<{ fileName: string; text: string; download: Download }> => {
  const [saved] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const path = await saved.path();
  return { fileName: saved.suggestedFilename(), text: readFileSync(path, 'utf8'), download: saved };
};

/** A CSV file as the browser's file chooser hands it to the page. */
/**
 * Space on the focused file input opens the file chooser, as a keyboard user opens it. On a loaded machine Chromium
 * has let a press go by without a chooser (CI, with both suites' browsers at once): the press is then made again, at most three times.
 */
export const chooseFileByKeyboard = async (page: Page, file: ReturnType<typeof csvUpload>): Promise<void> => {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.keyboard.press('Space')]);
      await chooser.setFiles(file);
      return;
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
};

export const csvUpload = (name: string, content: string) => ({ name, mimeType: 'text/csv', buffer: Buffer.from(content, 'utf8') });

/** Drops a file onto `target` the way a drag from the desktop does. */
export const dropFile = async (page: Page, target: Locator, name: string, content: string): Promise<void> => {
  const dataTransfer = await page.evaluateHandle(
    ({ name, content }) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([content], name, { type: 'text/csv' }));
      return transfer;
    },
    { name, content },
  );
  await target.dispatchEvent('dragover', { dataTransfer });
  await target.dispatchEvent('drop', { dataTransfer });
};
