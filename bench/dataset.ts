import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import ExcelJS from 'exceljs';

/**
 * Template CSVs as district IT staff send them: Excel's "CSV UTF-8" (BOM, CRLF), names with accents,
 * apostrophes and the odd comma, mostly Educators. Every row is a pure function of its index, so the
 * ceiling can insert exactly the rows of a file without parsing it, and a duplicate can name the email
 * of any earlier row.
 */

export type Variant = 'clean' | 'bad';
/** The CSV file, or the same rows as an Excel workbook's first sheet (shared strings, as Excel writes them). */
export type FileFormat = 'csv' | 'xlsx';

export const FAILURE_KINDS = [
  'MISSING_FIELD',
  'INVALID_EMAIL',
  'INVALID_NAME',
  'WRONG_COLUMN_COUNT',
  'UNKNOWN_ROLE',
  'ROLE_NOT_ALLOWED_IN_BULK',
  'DUPLICATE_IN_FILE',
  'EMAIL_TAKEN',
] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

export interface Expected {
  processed: number;
  created: number;
  skipped: number;
  failed: number;
  byCode: Partial<Record<FailureKind, number>>;
}

export interface Dataset {
  path: string;
  rows: number;
  variant: Variant;
  format: FileFormat;
  bytes: number;
  expected: Expected;
  /** Accounts of another site that the harness inserts before the upload, so EMAIL_TAKEN rows have something to hit. */
  takenAccounts: number;
}

export const DEMO_SITE_ADMIN_EMAIL = 'site.admin@demo-partner-high.example.org';
export const DEMO_DISTRICT_ADMIN_EMAIL = 'district.admin@demo-usd.example.org';

// Bump when the rows change, so cached files are regenerated.
const GENERATOR_VERSION = 3;

const FIRST_NAMES = [
  'José',
  'María',
  'Zoë',
  'Renée',
  'François',
  'Søren',
  'Björn',
  'Siobhán',
  'Chloé',
  'Anaïs',
  'Jürgen',
  'Łukasz',
  "D'Andre",
  "O'Neil",
  'Ngọc',
  'Thảo',
  'Ólafur',
  'Mårten',
  'Inés',
  'Nuño',
  'Ana María',
  'Jean-Luc',
  'Mary Kate',
  'James',
  'Mary',
  'Robert',
  'Patricia',
  'Michael',
  'Jennifer',
  'David',
  'Linda',
  'Daniel',
  'Elizabeth',
  'Wei',
  'Aisha',
  'Priya',
  'Mohammed',
  'Fatima',
  'Hiroshi',
  'Yuki',
  'Olumide',
  'Chinwe',
  'Dmitri',
  'Svetlana',
  'Kai',
  'Leilani',
  'Santiago',
  'Valentina',
  'Minh',
  'Hye-jin',
  'Tomás',
  'Guadalupe',
  'Keanu',
  'Nadia',
  'Omar',
  'Sofía',
];
const LAST_NAMES = [
  'García',
  "O'Brien",
  "O'Connor",
  "D'Angelo",
  "D'Souza",
  'Müller',
  'Nguyễn',
  'Núñez',
  'López-Martínez',
  'Da Silva',
  'van der Berg',
  'St. John',
  'Dvořák',
  'Šimonović',
  'Ødegaard',
  'Çelik',
  'Łukasiewicz',
  'Brontë',
  'Hernández',
  'Smith',
  'Johnson',
  'Williams',
  'Brown',
  'Jones',
  'Miller',
  'Davis',
  'Rodríguez',
  'Martínez',
  'Wilson',
  'Anderson',
  'Kim',
  'Lee',
  'Patel',
  'Chen',
  'Wang',
  'Ng',
  'Tanaka',
  'Okafor',
  'Adeyemi',
  'Ivanova',
  'Kowalski',
  'Haddad',
  'Kealoha',
  'Begay',
  'Yazzie',
  'Fernández',
  'Gonçalves',
  'Smith, Jr.',
  'King, III',
  'Peña',
  'Muñoz',
  'Ortíz',
];
const DOMAINS = ['demo-usd.example.org', 'k12.demo-usd.example.org', 'staff.demo-usd.example.org'];

const ROLE_SPELLINGS = {
  EDUCATOR: ['Educator', 'Educator', 'Educator', 'educator', 'EDUCATOR', ' Educator '],
  COUNSELOR_CASELOAD_ONLY: ['Counselor—Caseload Only', 'Counselor - Caseload Only', 'Counselor – Caseload Only', 'counselor-caseload only'],
  COUNSELOR: ['Counselor', 'Counselor', 'counselor'],
  SITE_ADMIN: ['Site Admin', 'Site admin'],
};

/** A 32-bit avalanche of the index: rows are random-looking yet reproducible one by one. */
const mix = (index: number, salt: number): number => {
  let x = (index * 0x9e3779b1 + salt * 0x85ebca6b) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d) >>> 0;
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
};
const pick = <T>(items: readonly T[], index: number, salt: number): T => items[mix(index, salt) % items.length];

const emailPart = (name: string): string =>
  name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[łŁ]/g, 'l')
    .replace(/[øØ]/g, 'o')
    .replace(/[^A-Za-z0-9']+/g, '')
    .slice(0, 20) || 'x';

export interface Person {
  firstName: string;
  lastName: string;
  email: string;
  role: string;
  roleCode: keyof typeof ROLE_SPELLINGS;
}

/** The person on data row `index` (0-based) of a clean file. */
export const person = (index: number): Person => {
  const firstName = pick(FIRST_NAMES, index, 1);
  const lastName = pick(LAST_NAMES, index, 2);
  const roll = mix(index, 3) % 1000;
  // About 85% Educators, 10% Counselors, 5% Caseload-only, 0.1% Site Admins.
  const roleCode = roll === 0 ? 'SITE_ADMIN' : roll < 50 ? 'COUNSELOR_CASELOAD_ONLY' : roll < 150 ? 'COUNSELOR' : 'EDUCATOR';
  const local = `${emailPart(firstName)}.${emailPart(lastName)}.${index}`;
  // Some people type their address with capitals; the normalized form stays unique.
  const email = `${mix(index, 4) % 7 === 0 ? local : local.toLowerCase()}@${pick(DOMAINS, index, 5)}`;
  return { firstName, lastName, email, role: pick(ROLE_SPELLINGS[roleCode], index, 6), roleCode };
};

/** Email of the k-th account (1-based) of the other demo site, inserted before a bad-variant upload. */
export const takenEmail = (k: number): string => `${emailPart(pick(FIRST_NAMES, k, 7)).toLowerCase()}.${k}@demo-middle-school.example.org`;

const csvCell = (cell: string): string => (/[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);
const csvLine = (cells: string[]): string => `${cells.map(csvCell).join(',')}\r\n`;

interface FileRow {
  cells: string[];
  kind: FailureKind | 'create' | 'skip';
}

// In the bad variant every tenth row fails, cycling through the eight kinds; row 5 carries the uploader's
// own email (an account that already exists for this site: skipped, not failed).
const BAD_EVERY = 10;
const BAD_AT = 7;
const SKIPPED_ROW = 5;

const badRow = (index: number, kind: FailureKind, takenOrdinal: number): FileRow => {
  const p = person(index);
  const variant = mix(index, 8);
  const cells = [p.firstName, p.lastName, p.email, p.role];
  switch (kind) {
    case 'MISSING_FIELD':
      cells[variant % 4] = variant % 3 === 0 ? '  ' : '';
      break;
    case 'INVALID_EMAIL':
      cells[2] = [p.email.replace('@', '.at.'), p.email.replace('@', ' @'), p.email.replace('@', '@@'), `${p.email.split('@')[0]}@`][variant % 4];
      break;
    case 'INVALID_NAME':
      // Too long, a tab, or a line break inside quotes (which also moves every later line number on by one).
      if (variant % 3 === 0) cells[1] = `${p.lastName} ${'de la Cruz y '.repeat(8)}`;
      else if (variant % 3 === 1) cells[0] = `${p.firstName}\t${p.firstName}`;
      else cells[0] = `${p.firstName}\n${p.firstName}`;
      break;
    case 'WRONG_COLUMN_COUNT':
      if (variant % 2 === 0) cells.pop();
      else cells.push('Room 12');
      break;
    case 'UNKNOWN_ROLE':
      cells[3] = ['Teacher', 'Principal', 'Substitute', 'Educator Aide'][variant % 4];
      break;
    case 'ROLE_NOT_ALLOWED_IN_BULK':
      cells[3] = variant % 2 === 0 ? 'District Admin' : 'Multi-Site Counselor';
      break;
    case 'DUPLICATE_IN_FILE': {
      // An earlier created row, sometimes in the same chunk of 1,000, often many chunks back; different letter case.
      const back = 3 + BAD_EVERY * (variant % Math.min(Math.floor(index / BAD_EVERY), 5000));
      cells[2] = person(index - back).email.toUpperCase();
      break;
    }
    case 'EMAIL_TAKEN':
      cells[2] = takenOrdinal === 0 ? DEMO_DISTRICT_ADMIN_EMAIL : takenEmail(takenOrdinal);
      break;
  }
  return { cells, kind };
};

function* fileRows(rows: number, variant: Variant): Generator<FileRow> {
  let taken = 0;
  for (let index = 0; index < rows; index += 1) {
    if (variant === 'bad' && index % BAD_EVERY === BAD_AT) {
      const kind = FAILURE_KINDS[Math.floor(index / BAD_EVERY) % FAILURE_KINDS.length];
      yield badRow(index, kind, kind === 'EMAIL_TAKEN' ? taken++ : 0);
    } else if (variant === 'bad' && index === SKIPPED_ROW) {
      const p = person(index);
      yield { cells: [p.firstName, p.lastName, DEMO_SITE_ADMIN_EMAIL.toUpperCase(), p.role], kind: 'skip' };
    } else {
      const p = person(index);
      yield { cells: [p.firstName, p.lastName, p.email, p.role], kind: 'create' };
    }
  }
}

/** Writes the file (or reuses the cached one) and says what the service must report for it. */
export const ensureDataset = async (dataDir: string, rows: number, variant: Variant, format: FileFormat = 'csv'): Promise<Dataset> => {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, `educators-${rows}-${variant}.${format}`);
  const metaPath = `${path}.json`;
  if (existsSync(path) && existsSync(metaPath)) {
    const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as Dataset & { version: number };
    if (meta.version === GENERATOR_VERSION && statSync(path).size === meta.bytes) return { ...meta, path };
  }
  const expected: Expected = { processed: 0, created: 0, skipped: 0, failed: 0, byCode: {} };
  const partial = `${path}.partial`;
  const count = (row: FileRow): void => {
    expected.processed += 1;
    if (row.kind === 'create') expected.created += 1;
    else if (row.kind === 'skip') expected.skipped += 1;
    else {
      expected.failed += 1;
      expected.byCode[row.kind] = (expected.byCode[row.kind] ?? 0) + 1;
    }
  };
  if (format === 'xlsx') await writeWorkbook(partial, rows, variant, count);
  else await writeCsv(partial, rows, variant, count);
  renameSync(partial, path);
  const takenAccounts = Math.max(0, (expected.byCode.EMAIL_TAKEN ?? 0) - 1);
  const dataset: Dataset = { path, rows, variant, format, bytes: statSync(path).size, expected, takenAccounts };
  writeFileSync(metaPath, JSON.stringify({ ...dataset, version: GENERATOR_VERSION }, null, 2));
  return dataset;
};

const writeCsv = async (path: string, rows: number, variant: Variant, count: (row: FileRow) => void): Promise<void> => {
  const out = createWriteStream(path);
  let buffered = '\uFEFFFirst Name,Last Name,Email,User Role\r\n';
  for (const row of fileRows(rows, variant)) {
    buffered += csvLine(row.cells);
    count(row);
    if (buffered.length > 1 << 16) {
      if (!out.write(buffered)) await once(out, 'drain');
      buffered = '';
    }
  }
  out.end(buffered);
  await once(out, 'close');
};

const writeWorkbook = async (path: string, rows: number, variant: Variant, count: (row: FileRow) => void): Promise<void> => {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: true, useStyles: false });
  const sheet = workbook.addWorksheet('Educators');
  sheet.addRow(['First Name', 'Last Name', 'Email', 'User Role']).commit();
  for (const row of fileRows(rows, variant)) {
    sheet.addRow(row.cells).commit();
    count(row);
  }
  sheet.commit();
  await workbook.commit();
};
