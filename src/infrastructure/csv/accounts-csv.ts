import type { EducatorAccount } from '../../domain/educator/educator-account';
import type { SchoolSiteRepository } from '../../domain/school/school-site';
import { neutralizeFormula } from '../../domain/upload-batch/spreadsheet-safety';

const COLUMNS = ['First Name', 'Last Name', 'Email', 'Role', 'School Sites', 'Status', 'Registration Deadline', 'Created At'];

const quote = (cell: string): string => (/[",;\t\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);

/** Every cell made formula-safe (a name typed as =HYPERLINK(…) stays text in Excel), quoted where a separator would split it. */
const line = (cells: string[]): string => `${cells.map((cell) => quote(neutralizeFormula(cell))).join(',')}\r\n`;

/** The accounts list as a spreadsheet: UTF-8 with a BOM and CRLF, as the fix file is; site names looked up once each. */
export async function* accountsCsv(accounts: AsyncIterable<EducatorAccount>, sites: SchoolSiteRepository, now: Date): AsyncGenerator<string> {
  yield `\uFEFF${line(COLUMNS)}`;
  const siteNames = new Map<number, string>();
  for await (const account of accounts) {
    const unknown = account.schoolSiteIds.filter((id) => !siteNames.has(id));
    if (unknown.length > 0) for (const site of await sites.findByIds(unknown)) siteNames.set(site.id, site.name);
    const state = account.snapshot;
    yield line([
      state.firstName,
      state.lastName,
      state.email.value,
      account.describeRole(),
      state.schoolSiteIds.map((id) => siteNames.get(id) ?? '').join('; '),
      account.status(now),
      state.registrationDeadline.toISOString(),
      state.createdAt.toISOString(),
    ]);
  }
}
